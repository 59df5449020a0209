#!/usr/bin/env node
// Usage: node libs/mpegts/dist/bin/make-fixture.js --out-dir DIR [--seconds 10] [--bitrate 8000000]
//        [--cue-interval 2] [--scte35-pid 502] [--size 1280x720] [--rate 25] [--name out]
//        [--ffmpeg /usr/bin/ffmpeg] [--timeout-ms 120000]
// Writes DIR/<name>.ts (CBR H.264/AAC TS with SCTE-35) and DIR/<name>.json (the cue manifest).
import { parseArgs } from 'node:util';
import { makeFixture } from '../fixtures/index.js';

function num(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'out-dir': { type: 'string' },
      seconds: { type: 'string' },
      bitrate: { type: 'string' },
      'cue-interval': { type: 'string' },
      'scte35-pid': { type: 'string' },
      size: { type: 'string' },
      rate: { type: 'string' },
      name: { type: 'string' },
      ffmpeg: { type: 'string' },
      'timeout-ms': { type: 'string' },
    },
    strict: true,
  });
  const outDir = values['out-dir'];
  if (!outDir) throw new Error('--out-dir is required');
  const size = /^(\d+)x(\d+)$/.exec(values.size ?? '1280x720');
  if (!size) throw new Error(`--size must look like 1280x720, got "${values.size}"`);
  const { manifestPath, tsPath, manifest } = await makeFixture({
    outDir,
    name: values.name,
    seconds: num(values.seconds, 'seconds', 10),
    bitrate: num(values.bitrate, 'bitrate', 8_000_000),
    cueIntervalSeconds: num(values['cue-interval'], 'cue-interval', 2),
    scte35Pid: values['scte35-pid'] === undefined ? undefined : Number(values['scte35-pid']),
    width: Number(size[1]),
    height: Number(size[2]),
    frameRate: num(values.rate, 'rate', 25),
    ffmpegPath: values.ffmpeg,
    timeoutMs: values['timeout-ms'] === undefined ? undefined : num(values['timeout-ms'], 'timeout-ms', 0),
  });
  process.stdout.write(
    `${JSON.stringify({ tsPath, manifestPath, bytes: manifest.bytes, scte35Pid: manifest.scte35Pid, cues: manifest.cues.length })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`make-fixture: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
