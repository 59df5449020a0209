// Micro-benchmark of a main/backup pair's per-packet costs, on two 8 Mbit/s CBR feeds with
// SCTE-35 (different PIDs and clocks), in 7-packet chunks as a datagram input hands them over:
//   standby    InputMonitor.packet() alone: what the hot standby adds to receiving the input
//   on air     TsSwitcher.push() of the main (monitor + copy + PSI/cue re-sending, no remap, no shift)
//   remapped   the same for the backup after a switch (PIDs rewritten, clocks shifted, CC renumbered)
//   analyzer   TsAnalyzer.push() for reference (what the channel's own analysis costs per packet)
//
//   bash scripts/nx.sh run dataplane:build
//   node libs/dataplane/dist/bench/redundant-bench.js [--seconds 30] [--runs 5] [--bitrate 8000000]
import { parseArgs } from 'node:util';
import { buildSyntheticTs, insertScte35, padToCbr } from '@mld/mpegts/fixtures';
import { TsAnalyzer } from '@mld/ts-analysis';
import { CueLedger } from '../ingest/redundant/cue-ledger.js';
import { InputMonitor } from '../ingest/redundant/input-monitor.js';
import { TsSwitcher } from '../ingest/redundant/ts-switcher.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, runs: { type: 'string' }, bitrate: { type: 'string' } } });
const seconds = Number(values.seconds ?? 30);
const runs = Number(values.runs ?? 5);
const bitrate = Number(values.bitrate ?? 8_000_000);
const CHUNK = 7 * 188;

function feed(videoPid: number, audioPid: number, pmtPid: number, scte35Pid: number, firstPts: number, seed: number): Buffer {
  const s = buildSyntheticTs({ seconds, frameBytes: Math.round((bitrate * 0.8) / 8 / 25), videoPid, audioPid, pmtPid, firstPts, seed });
  return insertScte35(padToCbr(s.ts, bitrate).ts, { scte35Pid, intervalSeconds: 2 }).ts;
}
const main = feed(0x100, 0x101, 0x1000, 0x1f6, 126_000, 7);
const backup = feed(0x200, 0x201, 0x1100, 0x300, 5_400_000_000, 99);
const packets = main.length / 188;
const msPerChunk = (CHUNK * 8 * 1000) / bitrate;

function chunks(ts: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < ts.length; off += CHUNK) out.push(ts.subarray(off, Math.min(ts.length, off + CHUNK)));
  return out;
}
const mainChunks = chunks(main);
const backupChunks = chunks(backup);

function measure(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / packets;
}

function standby(): number {
  const m = new InputMonitor({ lossMs: 500, startedAt: 0 });
  return measure(() => {
    let now = 0;
    for (const c of backupChunks) {
      now += msPerChunk;
      for (let off = 0; off < c.length; off += 188) m.packet(c, off, now);
    }
  });
}

/** A switcher with both monitors warmed up on the first second of each feed; `on` 1 puts the backup on air. */
function switcher(on: number): { sw: TsSwitcher; bytes: { n: number } } {
  const bytes = { n: 0 };
  const monitors = [new InputMonitor({ lossMs: 500, startedAt: 0 }), new InputMonitor({ lossMs: 500, startedAt: 0 })] as const;
  const sw = new TsSwitcher({
    monitors,
    ledger: new CueLedger(3000),
    emit: (c) => (bytes.n += c.length),
    onCut: () => undefined,
    opening: () => 0,
    maxRapWaitMs: 3000,
    maxHoldMs: 200,
  });
  for (const m of monitors) m.startedAt = 0;
  const warm = Math.ceil(1000 / msPerChunk);
  for (let i = 0; i < warm; i++) {
    sw.push(0, mainChunks[i]!, i * msPerChunk);
    sw.push(1, backupChunks[i]!, i * msPerChunk);
  }
  if (on === 1) sw.cutNow(1, warm * msPerChunk);
  return { sw, bytes };
}

function onAir(on: number): number {
  const { sw } = switcher(on);
  const list = on === 0 ? mainChunks : backupChunks;
  return measure(() => {
    let now = 1000;
    for (const c of list) sw.push(on, c, (now += msPerChunk));
  });
}

function analyzer(): number {
  const a = new TsAnalyzer();
  return measure(() => {
    let now = 0;
    for (const c of mainChunks) a.push(c, (now += msPerChunk));
  });
}

const cases: [string, () => number][] = [
  ['standby (InputMonitor)', standby],
  ['on air, main (monitor + forward)', () => onAir(0)],
  ['on air, backup remapped + stitched', () => onAir(1)],
  ['TsAnalyzer (reference)', analyzer],
];
console.log(`${packets} packets per run (${seconds} s at ${(bitrate / 1e6).toFixed(1)} Mbit/s), ${runs} runs after a warm-up`);
const pps = bitrate / (188 * 8);
for (const [name, fn] of cases) {
  fn();
  const ns = Array.from({ length: runs }, fn).sort((a, b) => a - b);
  const median = ns[Math.floor(ns.length / 2)]!;
  console.log(`${name.padEnd(38)} median ${median.toFixed(1)} ns/packet (best ${ns[0]!.toFixed(1)}, worst ${ns[ns.length - 1]!.toFixed(1)}) = ${((median * pps) / 1e7).toFixed(3)} % of a core at this rate`);
}
