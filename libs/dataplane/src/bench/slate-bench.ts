// What an input-loss slate costs (ADR 0016), on this machine, in one run:
//   encoder   the slate's FFmpeg while it is shown (a still image + silence to H.264/AAC at the
//             programme's size and rate), CPU and RSS from /proc, per resolution; beside it the
//             bare reference: the same FFmpeg inputs encoded by libx264 without our settings
//             (-preset veryfast, no stillimage tune, no rate cap), same duration
//   passthru  the InputLossSource on the path of every packet while the programme flows (no
//             loss): ns per 188-byte packet vs handing the same chunks to the sink directly
// CPU where 100 % = one core.
//
//   bash scripts/nx.sh run dataplane:build
//   node libs/dataplane/dist/bench/slate-bench.js [--seconds 15] [--runs 2]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildSyntheticTs } from '@mld/mpegts/fixtures';
import { NodeSpawner, systemClock, type SpawnRequest } from '@mld/supervisor';
import { InputLossSource } from '../ingest/input-loss/input-loss-source.js';
import { buildSlateArgs } from '../ingest/input-loss/slate-command.js';
import { DEFAULT_CARD_FONT, slateProcessFactory } from '../ingest/input-loss/slate-process.js';
import type { Source, SourceSink } from '../ingest/source.js';
import type { IngestSnapshot } from '../types.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, runs: { type: 'string' } } });
const seconds = Number(values.seconds ?? 15);
const runs = Number(values.runs ?? 2);
const TICKS = 100; // USER_HZ on Linux
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function procStat(pid: number): { cpuTicks: number; rssKb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuTicks: Number(fields[11]) + Number(fields[12]), rssKb: rss };
}

/** CPU % and peak RSS of `pid` over `ms`, counted from 2 s after start (startup excluded). */
async function sample(pid: () => number | undefined, ms: number): Promise<{ cpu: number; rssMb: number }> {
  await sleep(2000);
  const p = pid();
  if (!p) throw new Error('no process');
  const a = procStat(p);
  const t0 = Date.now();
  let peak = a.rssKb;
  while (Date.now() - t0 < ms) {
    await sleep(500);
    peak = Math.max(peak, procStat(p).rssKb);
  }
  const b = procStat(p);
  return { cpu: ((b.cpuTicks - a.cpuTicks) / TICKS / ((Date.now() - t0) / 1000)) * 100, rssMb: peak / 1024 };
}

const SIZES = [
  { name: '640x360p25', width: 640, height: 360, fpsNum: 25, fpsDen: 1, level: '3' },
  { name: '1280x720p30', width: 1280, height: 720, fpsNum: 30, fpsDen: 1, level: '3.1' },
  { name: '1920x1080p30', width: 1920, height: 1080, fpsNum: 30, fpsDen: 1, level: '4' },
];
const AUDIO = { codec: 'aac' as const, sampleRate: 48000, channels: 2 };

async function slateRun(size: (typeof SIZES)[number]): Promise<{ cpu: number; rssMb: number; bytes: number }> {
  let pid: number | undefined;
  let bytes = 0;
  const spawner = new NodeSpawner();
  const factory = slateProcessFactory({
    ffmpegPath: 'ffmpeg',
    clock: systemClock,
    fontFile: DEFAULT_CARD_FONT,
    fontExists: () => true,
    spawner: { spawn: (r: SpawnRequest) => { const c = spawner.spawn(r); pid = c.pid; return c; } },
  });
  const slate = factory('bench:slate', { video: { ...size, profile: 'high' }, audio: AUDIO, artwork: { kind: 'card', title: 'Benchmark channel' } }, (chunk) => (bytes += chunk.length));
  slate.start();
  try {
    const s = await sample(() => pid, seconds * 1000);
    return { ...s, bytes };
  } finally {
    await slate.stop();
  }
}

/** The bare reference: the same card and silence, libx264/AAC at FFmpeg's defaults plus veryfast, to /dev/null. */
async function bareRun(size: (typeof SIZES)[number]): Promise<{ cpu: number; rssMb: number }> {
  const ours = buildSlateArgs({ video: { ...size, profile: 'high' }, audio: AUDIO, picture: { kind: 'black' } });
  const inputs = ours.slice(0, ours.indexOf('-map'));
  const child = spawn('ffmpeg', [...inputs, '-map', '0:v:0', '-map', '1:a:0', '-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac', '-f', 'mpegts', '-y', '/dev/null'], { stdio: 'ignore', timeout: (seconds + 30) * 1000 });
  try {
    return await sample(() => child.pid, seconds * 1000);
  } finally {
    child.kill('SIGKILL');
  }
}

class ChunkSource implements Source {
  constructor(readonly sink: SourceSink) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  snapshot(): IngestSnapshot {
    return { state: 'receiving', since: 0, error: null, datagrams: 0, bytes: 0, tsBytes: 0, malformed: 0, malformedReasons: {}, rtp: { lost: 0, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrcChanges: 0, ssrc: null }, lastPacketAt: null, bitrateBps: 0 };
  }
  lostPackets(): number {
    return 0;
  }
}

async function passthrough(): Promise<{ wrapped: number; bare: number }> {
  const ts = buildSyntheticTs({ seconds: 20, frameBytes: 40_000 }).ts;
  const chunks: Buffer[] = [];
  for (let off = 0; off < ts.length; off += 7 * 188 * 8) chunks.push(ts.subarray(off, Math.min(ts.length, off + 7 * 188 * 8)));
  const packets = ts.length / 188;
  let out = 0;
  const sink: SourceSink = { ts: (c) => (out += c.length), rejected: () => {}, stateChanged: () => {} };
  let inner: ChunkSource | undefined;
  const source = new InputLossSource({ owner: 'bench', settings: { action: 'slate', afterMs: 1000, imagePath: null, tsOutputs: false }, channelName: 'bench', createProgramme: (s) => (inner = new ChunkSource(s)), createSlate: () => { throw new Error('no slate in this run'); }, sink, tickMs: 1_000_000 });
  await source.start();
  const t0 = process.hrtime.bigint();
  for (const c of chunks) inner!.sink.ts(c);
  const wrapped = Number(process.hrtime.bigint() - t0) / packets;
  await source.stop();
  const t1 = process.hrtime.bigint();
  for (const c of chunks) sink.ts(c);
  const bare = Number(process.hrtime.bigint() - t1) / packets;
  if (out === 0) throw new Error('nothing went through');
  return { wrapped, bare };
}

console.log(`# input-loss slate benchmark: ${seconds} s per measurement, ${runs} run(s); CPU 100 % = one core`);
for (let r = 1; r <= runs; r++) {
  for (const size of SIZES) {
    const slate = await slateRun(size);
    const bare = await bareRun(size);
    console.log(
      `run ${r} ${size.name.padEnd(13)} slate encoder ${slate.cpu.toFixed(1).padStart(5)} % CPU, ${slate.rssMb.toFixed(0)} MiB RSS, ${((slate.bytes * 8) / seconds / 1000).toFixed(0)} kbit/s | bare libx264 veryfast ${bare.cpu.toFixed(1).padStart(5)} % CPU, ${bare.rssMb.toFixed(0)} MiB | ratio ${(slate.cpu / bare.cpu).toFixed(2)}`,
    );
  }
  const p = await passthrough();
  console.log(`run ${r} passthrough (no loss): ${p.wrapped.toFixed(0)} ns/packet through InputLossSource vs ${p.bare.toFixed(1)} ns/packet to the sink directly (at 8 Mbit/s: ${((p.wrapped * 5319) / 1e7).toFixed(2)} % of a core)`);
}
