// What thumbnails cost while a dashboard shows N channels (issue #14 part 3, ADR 0018), in one run:
//   service    per thumbnail: the KeyFrameKeeper's copy of one IDR access unit (PAT + PMT + that
//              PES) from a live-paced feed, ThumbnailMaker's one FFmpeg run on it (decode that
//              picture, a 320 px JPEG and the 64x36 gray copy in the same run) and the PictureCheck
//              on the gray copy; CPU of the FFmpeg children (cutime+cstime from /proc) and of this
//              process, per resolution
//   reference  the bare way the issue measured (~1 % of a core per channel): FFmpeg decoding a
//              2 s segment of the same feed to a 320 px JPEG (`-update 1`), same runs
//   N channels the overview refreshes every thumbnail each 10 s: N FFmpeg runs at once, their total
//              CPU, and what that is as a share of a core (one image per channel per 10 s)
// Nothing runs when nobody looks (the integration spec proves that); this is the cost while someone does.
//
//   bash scripts/nx.sh run dataplane:build
//   node libs/dataplane/dist/bench/thumbnails-bench.js [--runs 10] [--channels 1,8,16]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TS_PACKET_SIZE } from '@mld/mpegts';
import { NodeSpawner, systemClock } from '@mld/supervisor';
import { KeyFrameKeeper, type KeyFrame } from '../thumbnail/key-frame-keeper.js';
import { PictureCheck } from '../thumbnail/picture-check.js';
import { ThumbnailMaker } from '../thumbnail/thumbnail-maker.js';

const { values } = parseArgs({ options: { runs: { type: 'string' }, channels: { type: 'string' } } });
const runs = Number(values.runs ?? 10);
const channelCounts = (values.channels ?? '1,8,16').split(',').map(Number);
const TICKS = 100; // USER_HZ on Linux
const REFRESH_S = 10;
const FFMPEG = process.env['FFMPEG_PATH'] ?? '/usr/bin/ffmpeg';

/** CPU seconds of this process (self) and of its waited-for children, from /proc. */
function cpu(): { self: number; children: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { self: (Number(f[11]) + Number(f[12])) / TICKS, children: (Number(f[13]) + Number(f[14])) / TICKS };
}

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg ${args.join(' ')} failed (${code}): ${err}`));
    });
  });
}

const SIZES = [
  { name: '640x360p25', w: 640, h: 360, fps: 25, bitrate: 1_500_000 },
  { name: '1280x720p30', w: 1280, h: 720, fps: 30, bitrate: 4_000_000 },
  { name: '1920x1080p30', w: 1920, h: 1080, fps: 30, bitrate: 8_000_000 },
];

/** A moving H.264/AAC TS, key frame every 2 s, and a 2 s segment of it for the reference. */
async function makeFeed(dir: string, s: (typeof SIZES)[number]): Promise<{ ts: Buffer; segment: string }> {
  const path = join(dir, `${s.name}.ts`);
  await run(['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${s.w}x${s.h}:rate=${s.fps}`, '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000',
    '-t', '12', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-b:v', String(s.bitrate), '-g', String(2 * s.fps), '-keyint_min', String(2 * s.fps), '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '128000', '-f', 'mpegts', path]);
  const segment = join(dir, `${s.name}-2s.ts`);
  await run(['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-ss', '4', '-i', path, '-t', '2', '-c', 'copy', '-f', 'mpegts', segment]);
  return { ts: readFileSync(path), segment };
}

/** The key frames a KeyFrameKeeper keeps from the feed, pushed as 7-packet datagrams; ns per packet of keeping. */
function keyFrames(ts: Buffer): { frames: KeyFrame[]; nsPerPacket: number } {
  const keeper = new KeyFrameKeeper();
  keeper.want(0);
  const frames: KeyFrame[] = [];
  const step = 7 * TS_PACKET_SIZE;
  const t0 = process.hrtime.bigint();
  let last: KeyFrame | null = null;
  for (let off = 0, n = 0; off < ts.length; off += step, n++) {
    keeper.push(ts.subarray(off, Math.min(ts.length, off + step)), n);
    const kf = keeper.keyFrame();
    if (kf && kf !== last) frames.push((last = kf));
  }
  const ns = Number(process.hrtime.bigint() - t0);
  return { frames, nsPerPacket: ns / (ts.length / TS_PACKET_SIZE) };
}

const pct = (cpuSeconds: number, perSeconds: number): string => `${((cpuSeconds / perSeconds) * 100).toFixed(2)} %`;
const ms = (s: number): string => `${(s * 1000).toFixed(0)} ms`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mld-thumb-bench-'));
  const maker = new ThumbnailMaker(FFMPEG, new NodeSpawner(), systemClock);
  console.log(`thumbnails: ${runs} runs per size; CPU = utime+stime of the FFmpeg children (and of Node apart); 100 % = one core; a dashboard refreshes each channel every ${REFRESH_S} s`);
  try {
    for (const size of SIZES) {
      const feed = await makeFeed(dir, size);
      const { frames, nsPerPacket } = keyFrames(feed.ts);
      if (frames.length === 0) throw new Error(`${size.name}: no key frame kept`);
      const idrKb = frames.reduce((a, f) => a + f.ts.length, 0) / frames.length / 1024;

      const check = new PictureCheck();
      let checkNs = 0;
      const a = cpu();
      for (let i = 0; i < runs; i++) {
        const r = await maker.make(frames[i % frames.length]!.ts);
        if (!r.ok || !r.luma) throw new Error(`${size.name}: ${r.ok ? 'no gray copy' : r.reason}`);
        const t = process.hrtime.bigint();
        check.push({ at: i * 2000 + 1, luma: r.luma });
        checkNs += Number(process.hrtime.bigint() - t);
      }
      const b = cpu();
      const serviceFfmpeg = (b.children - a.children) / runs;
      const serviceNode = (b.self - a.self) / runs;

      const c = cpu();
      for (let i = 0; i < runs; i++) await run(['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', feed.segment, '-an', '-vf', 'scale=320:-2', '-update', '1', '-f', 'image2', join(dir, 'ref.jpg')]);
      const d = cpu();
      const reference = (d.children - c.children) / runs;

      console.log(
        `${size.name}: IDR ${idrKb.toFixed(0)} KiB; per thumbnail FFmpeg ${ms(serviceFfmpeg)} + Node ${ms(serviceNode)} CPU ` +
          `(keeper ${nsPerPacket.toFixed(0)} ns/packet while wanted, picture check ${(checkNs / runs / 1000).toFixed(0)} µs) vs bare 2 s segment ${ms(reference)} ` +
          `(ratio ${((serviceFfmpeg + serviceNode) / reference).toFixed(2)}); per channel at one image / ${REFRESH_S} s: ${pct(serviceFfmpeg + serviceNode, REFRESH_S)} of a core vs ${pct(reference, REFRESH_S)}`,
      );
      for (const n of channelCounts) {
        const e = cpu();
        const t0 = Date.now();
        const results = await Promise.all(Array.from({ length: n }, (_, k) => maker.make(frames[k % frames.length]!.ts)));
        const wall = (Date.now() - t0) / 1000;
        const f = cpu();
        if (results.some((r) => !r.ok)) throw new Error(`${size.name}: ${n} at once: ${results.filter((r) => !r.ok).length} failed`);
        const total = f.children - e.children + (f.self - e.self);
        console.log(`  ${n} channel(s) on screen: one refresh = ${ms(total)} CPU (${ms(total / n)} each), done in ${ms(wall)}; ${pct(total, REFRESH_S)} of a core at one refresh per ${REFRESH_S} s`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
