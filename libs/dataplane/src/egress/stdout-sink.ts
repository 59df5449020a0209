import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { ChildHandle, LineParser, Spawner } from '@mld/supervisor';
import type { Scte35Cue } from '@mld/ts-analysis';

export interface StdoutSinkHooks {
  /** Bytes reached the destination: makes a starting output running and feeds the stall watchdog. */
  progress(bytes: number): void;
  /** This run cannot go on: the child is killed and the output backs off with this reason. */
  fail(reason: string): void;
}

/** Where a child's stdout goes when it is data rather than statistics (RTMP: FFmpeg's FLV). */
export interface ChildStdoutSink {
  /** A child was spawned: its stdout is the sink's until detach(). */
  attach(stdout: Readable, hooks: StdoutSinkHooks): void;
  /** The child is stopping or gone. */
  detach(): void;
  readonly connected: boolean;
  /** Delivering, with nothing waiting: silence is a lack of input, not a stall. */
  readonly idle: boolean;
  /** Bytes the sink wrote to the destination, over every run. */
  readonly bytesOut: number;
  /** Milliseconds of media timeline delivered in this run (-1: none yet). */
  readonly outTimeMs: number;
  readonly videoFrames: number;
  /** The TS just written to the child's stdin (RTMP: how the cue markers learn FFmpeg's timeline). */
  inputWritten?(ts: Buffer): void;
  /** A SCTE-35 cue of the channel (RTMP: written as a cue point when the output asks for ad markers). */
  cue?(cue: Scte35Cue): void;
}

/**
 * The supervisor learns about delivery the way it learns from any tool: a progress line. The sink's
 * reports are written as lines into the stdout the supervisor sees (the child's real stdout goes to
 * the sink), so "running" needs a delivery report, while plain reportProgress() (no input) only feeds
 * the watchdog. The token is random per output: nothing FFmpeg prints can pass for it.
 */
export class DeliveryReports {
  private readonly token = `mld-delivered-${randomBytes(8).toString('hex')}`;
  private current: PassThrough | undefined;
  private lastAt = 0;

  /** Wraps the tool's parser so that delivery lines count as progress. */
  parser(tool: LineParser): LineParser {
    return { parse: (line) => (line === this.token ? { progress: { delivered: 1 } } : tool.parse(line)) };
  }

  /** A spawner whose children's stdout goes to `take`; the supervisor reads our reports instead. */
  spawner(base: Spawner, take: (stdout: Readable) => void): Spawner {
    return {
      spawn: (request) => {
        const child = base.spawn({ ...request, stdout: 'pipe' });
        const reports = new PassThrough();
        this.current = reports;
        this.lastAt = 0;
        child.onExit(() => reports.end());
        if (child.stdout) take(child.stdout);
        const handle: ChildHandle = {
          pid: child.pid,
          parentDeathSignal: child.parentDeathSignal,
          stdin: child.stdin,
          stdout: reports,
          stderr: child.stderr,
          kill: (signal) => child.kill(signal),
          onError: (listener) => child.onError(listener),
          onExit: (listener) => child.onExit(listener),
        };
        return handle;
      },
    };
  }

  /** Reports delivery, at most every 250 ms (the watchdog counts in seconds). */
  delivered(now = Date.now()): void {
    if (!this.current || this.current.writableEnded || now - this.lastAt < 250) return;
    this.lastAt = now;
    this.current.write(`${this.token}\n`);
  }
}
