// One JPEG from one key frame: FFmpeg reads the few TS packets kept by the KeyFrameKeeper on
// stdin and writes a single scaled MJPEG picture on stdout, and from the same decode a 64×36
// grayscale copy on fd 3 for the PictureCheck (one decode, never a second run: ADR 0018). A child per picture, bounded in time
// and output, under the supervisor's spawner (own process group, pdeathsig).
import type { ChildHandle, Clock, Spawner, TimerHandle } from '@mld/supervisor';
import { LUMA_SAMPLE_HEIGHT, LUMA_SAMPLE_WIDTH } from './picture-check.js';

export const THUMBNAIL_WIDTH = 320;
const TIMEOUT_MS = 5_000;
const STOP_GRACE_MS = 1_000;
/** A 320 px JPEG is 10-40 KB; more than this is not a thumbnail. */
const MAX_JPEG_BYTES = 1024 * 1024;
const STDERR_TAIL_CHARS = 2048;

const LUMA_BYTES = LUMA_SAMPLE_WIDTH * LUMA_SAMPLE_HEIGHT;

/**
 * One decode split in two: the JPEG on stdout, and an area-averaged 64×36 `gray` copy (full
 * range: swscale maps limited-range black 16 to 0) as raw bytes on fd 3.
 */
export function thumbnailArgs(width = THUMBNAIL_WIDTH): string[] {
  const graph = `[0:v:0]split=2[j][g];[j]scale=${width}:-2[jpeg];[g]scale=${LUMA_SAMPLE_WIDTH}:${LUMA_SAMPLE_HEIGHT}:flags=area,format=gray[luma]`;
  return [
    ...['-hide_banner', '-nostats', '-loglevel', 'error', '-f', 'mpegts', '-i', 'pipe:0', '-filter_complex', graph],
    ...['-map', '[jpeg]', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '5', 'pipe:1'],
    ...['-map', '[luma]', '-frames:v', '1', '-f', 'rawvideo', 'pipe:3'],
  ];
}

/** `luma`: the 64×36 grayscale copy, or null when FFmpeg wrote none of that size (the JPEG still counts). */
export type ThumbnailResult = { ok: true; jpeg: Buffer; luma: Uint8Array | null; ms: number } | { ok: false; reason: string };

export class ThumbnailMaker {
  /** FFmpeg runs started, for the snapshot and for tests: nothing runs while nobody asks. */
  runs = 0;

  constructor(
    private readonly ffmpegPath: string,
    private readonly spawner: Spawner,
    private readonly clock: Clock,
  ) {}

  make(ts: Buffer): Promise<ThumbnailResult> {
    this.runs++;
    const started = this.clock.now();
    return new Promise((resolve) => {
      let child: ChildHandle;
      try {
        child = this.spawner.spawn({ command: this.ffmpegPath, args: thumbnailArgs(), stdin: 'pipe', stdout: 'pipe', fd3: 'pipe' });
      } catch (error) {
        resolve({ ok: false, reason: `ffmpeg could not be started: ${(error as Error).message}` });
        return;
      }
      const out: Buffer[] = [];
      let bytes = 0;
      let failure: string | undefined;
      let stderrTail = '';
      let killTimer: TimerHandle | undefined;
      const stop = (why: string) => {
        failure ??= why;
        if (killTimer !== undefined) return;
        child.kill('SIGTERM');
        killTimer = this.clock.setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      };
      const limit = this.clock.setTimeout(() => stop(`ffmpeg did not finish within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
      child.stdout?.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_JPEG_BYTES) stop('ffmpeg wrote more than a thumbnail');
        else out.push(chunk);
      });
      const luma: Buffer[] = [];
      let lumaBytes = 0;
      child.fd3?.on('data', (chunk: Buffer) => {
        lumaBytes += chunk.length;
        if (lumaBytes <= LUMA_BYTES) luma.push(chunk);
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (text: string) => {
        stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
      });
      child.onError((error) => {
        if (child.pid === undefined) failure ??= `ffmpeg could not be started: ${error.message}`;
      });
      child.onExit((exit) => {
        this.clock.clearTimeout(limit);
        if (killTimer !== undefined) this.clock.clearTimeout(killTimer);
        const jpeg = Buffer.concat(out);
        if (failure === undefined && exit.code === 0 && jpeg.length > 2 && jpeg[0] === 0xff && jpeg[1] === 0xd8) {
          const gray = lumaBytes === LUMA_BYTES ? new Uint8Array(Buffer.concat(luma)) : null;
          resolve({ ok: true, jpeg, luma: gray, ms: this.clock.now() - started });
          return;
        }
        const last = stderrTail.trim().split('\n').at(-1)?.trim();
        resolve({ ok: false, reason: failure ?? `ffmpeg made no picture (exit ${exit.code ?? exit.signal})${last ? `: ${last}` : ''}` });
      });
      // EPIPE if FFmpeg exits early is swallowed by the spawner; the exit above says why.
      child.stdin?.end(ts);
    });
  }
}
