// Media files for the library's tests, made by FFmpeg in the test run (never committed), and the
// multipart requests a browser or curl would send.
import { makeFixture, runProcess } from '@mld/mpegts/fixtures';
import { createHash } from 'node:crypto';
import { openAsBlob, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** 2 s of testsrc + sine as MP4 (or MOV, by the name's extension) with the given video codec (libx264 → H.264, mpeg4 → MPEG-4 Part 2). */
export async function makeMp4(dir: string, name: string, videoCodec: 'libx264' | 'mpeg4'): Promise<string> {
  const path = join(dir, name);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000', '-t', '2', '-c:v', videoCodec, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', path];
  const run = await runProcess('ffmpeg', args, 60_000);
  if (run.code !== 0) throw new Error(`ffmpeg could not make ${name}: ${run.stderr}`);
  return path;
}

/** 2 s of H.264/AAC MPEG-TS with SCTE-35 cues (the shape MediaLive sends). */
export async function makeTs(dir: string, name: string): Promise<string> {
  const { tsPath } = await makeFixture({ outDir: dir, name, seconds: 2, bitrate: 1_000_000, width: 320, height: 240 });
  return tsPath;
}

export interface UploadResult<T> {
  status: number;
  body: T;
}

async function parse<T>(response: Response): Promise<UploadResult<T>> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* keep text */
  }
  return { status: response.status, body: body as T };
}

/** A browser-like upload: FormData with the file streamed from disk (Content-Length known). */
export async function uploadForm<T>(baseUrl: string, token: string, file: string, fields: Record<string, string> = {}, fileField = 'file'): Promise<UploadResult<T>> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append(fileField, await openAsBlob(file), basename(file));
  const response = await fetch(`${baseUrl}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form, signal: AbortSignal.timeout(60_000) });
  return parse<T>(response);
}

/** The same body sent chunked, without Content-Length: only the streaming limit can catch it. */
export async function uploadStreamed<T>(baseUrl: string, token: string, file: string): Promise<UploadResult<T>> {
  const boundary = `----mld${Math.random().toString(36).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(file)}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const data = readFileSync(file);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
      for (let offset = 0; offset < data.length; offset += 64 * 1024) controller.enqueue(data.subarray(offset, offset + 64 * 1024));
      controller.enqueue(tail);
      controller.close();
    },
  });
  const response = await fetch(`${baseUrl}/api/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    duplex: 'half',
    signal: AbortSignal.timeout(60_000),
  } as RequestInit);
  return parse<T>(response);
}
