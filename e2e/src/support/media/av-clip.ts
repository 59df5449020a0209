// Short H.264/AAC clips as an encoder would make them (2 s GOP, B-frames, AAC 48 kHz stereo), and
// what a decoder makes of a recording: every video frame with its time and mean brightness, so a
// test can tell which of two differently coloured sources a frame came from.
import { join } from 'node:path';
import { runTracked } from './child-process.js';

export interface AvClipOptions {
  dir: string;
  name: string;
  seconds: number;
  /** Container by extension: `.mp4` (moov first, as uploads usually are), `.ts`, `.flv`. */
  extension: '.mp4' | '.ts' | '.flv';
  /** Flat colour of the picture (noise is added so the encoder has real work); default testsrc2. */
  colour?: string;
  toneHz?: number;
  width?: number;
  height?: number;
}

/** Builds the clip with FFmpeg (bounded); resolves to its path. */
export async function makeAvClip(opts: AvClipOptions): Promise<string> {
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const video = opts.colour ? `color=c=${opts.colour}:size=${width}x${height}:rate=25,noise=alls=30:allf=t` : `testsrc2=size=${width}x${height}:rate=25`;
  const path = join(opts.dir, `${opts.name}${opts.extension}`);
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', video,
    '-f', 'lavfi', '-i', `sine=frequency=${opts.toneHz ?? 1000}:sample_rate=48000`,
    '-t', String(opts.seconds), '-map', '0:v', '-map', '1:a',
    // The same encoder settings for every clip: identical SPS/PPS and AAC config, as one encoder reconnecting sends.
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '50', '-bf', '2', '-b:v', '1500k',
    '-c:a', 'aac', '-b:a', '128k', '-ac', '2',
    ...(opts.extension === '.mp4' ? ['-movflags', '+faststart'] : []),
    path,
  ];
  const r = await runTracked('ffmpeg', args, Math.max(30_000, opts.seconds * 10_000));
  if (r.code !== 0) throw new Error(`ffmpeg could not make ${path} (${r.code ?? r.signal}): ${r.stderr}`);
  return path;
}

export interface DecodedFrame {
  /** Presentation time, seconds. */
  pts: number;
  /** Mean luma (16 black … 235 white). */
  yavg: number;
}

/** Decodes every video frame of a file with ffprobe's lavfi input; `stderr` is what the decoder complained about. */
export async function decodeVideoFrames(path: string, timeoutMs = 60_000): Promise<{ frames: DecodedFrame[]; stderr: string; code: number | null }> {
  // movie= takes a filter-graph string: the path must not need escaping (temp dirs do not).
  if (/[,:;'\\[\]=]/.test(path)) throw new Error(`path needs escaping for the movie filter: ${path}`);
  const r = await runTracked('ffprobe', ['-v', 'error', '-f', 'lavfi', '-i', `movie=${path},signalstats`, '-show_entries', 'frame=pts_time:frame_tags=lavfi.signalstats.YAVG', '-of', 'csv=p=0'], timeoutMs);
  const frames = r.stdout
    .toString()
    .split('\n')
    .map((line) => line.split(',').map(Number))
    .filter((f) => f.length === 2 && f.every(Number.isFinite))
    .map(([pts, yavg]) => ({ pts: pts!, yavg: yavg! }));
  return { frames, stderr: r.stderr, code: r.code };
}
