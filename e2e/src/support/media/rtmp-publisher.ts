// An RTMP encoder the way OBS or a hardware box pushes: `ffmpeg -re -i <clip> -c copy -f flv rtmp://…`,
// a tracked child with a hard lifetime, stopped by its PID.
import { type ChildExit, spawnTracked, type TrackedChild } from './child-process.js';

export interface RtmpPublisherOptions {
  clip: string;
  url: string;
  /** Play the clip again and again until stopped. */
  loop?: boolean;
  maxLifetimeMs?: number;
}

export interface RtmpPublisher {
  readonly pid: number;
  readonly running: boolean;
  /** Resolves when FFmpeg exits (never rejects). */
  readonly exited: Promise<ChildExit>;
  stderr(): string;
  stop(): Promise<ChildExit>;
}

export function publishRtmp(opts: RtmpPublisherOptions): RtmpPublisher {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', ...(opts.loop ? ['-stream_loop', '-1'] : []), '-i', opts.clip, '-c', 'copy', '-f', 'flv', opts.url];
  const child: TrackedChild = spawnTracked('ffmpeg', args, { name: 'rtmp publisher (ffmpeg)', maxLifetimeMs: opts.maxLifetimeMs ?? 60_000 });
  return {
    pid: child.pid,
    get running() {
      return child.running;
    },
    exited: child.exited,
    stderr: () => child.stderr(),
    stop: () => child.stop(2000),
  };
}

/** Publishes once to the end (bounded) and returns how FFmpeg exited. */
export async function publishRtmpOnce(opts: RtmpPublisherOptions & { timeoutMs?: number }): Promise<ChildExit & { stderr: string }> {
  const publisher = publishRtmp({ ...opts, loop: false, maxLifetimeMs: opts.timeoutMs ?? 30_000 });
  const exit = await publisher.exited;
  return { ...exit, stderr: publisher.stderr() };
}
