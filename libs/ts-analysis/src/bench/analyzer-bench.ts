// Micro-benchmark: how much CPU TsAnalyzer costs per TS packet, and what that is as a share of
// one core for an 8 Mbit/s channel in real time. Feeds 60 s of a synthetic CBR TS with SCTE-35
// (datagram-sized chunks of 7 packets, a fake clock advancing at the stream's rate, tick() every
// 20 ms of stream time, as the ingest does) as fast as it can.
//
//   bash scripts/nx.sh run ts-analysis:build
//   node libs/ts-analysis/dist/bench/analyzer-bench.js [--seconds 60] [--runs 5] [--bitrate 8000000]
import { buildSyntheticTs, insertScte35, padToCbr } from '@mld/mpegts/fixtures';
import { TsAnalyzer } from '../ts-analyzer.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const seconds = arg('seconds', 60);
const runs = Math.round(arg('runs', 5));
const bitrate = arg('bitrate', 8_000_000);
const CHUNK_PACKETS = 7;
const T0 = 1_700_000_000_000;

const built = Date.now();
const src = buildSyntheticTs({ seconds, frameBytes: Math.round((bitrate * 0.8) / 8 / 25) });
const cbr = padToCbr(src.ts, bitrate).ts;
const feed = insertScte35(cbr, { intervalSeconds: 2 });
const ts = feed.ts;
const packets = ts.length / 188;

// Chunks and their arrival times are prepared up front: the ingest already has both.
const chunks: Buffer[] = [];
const times: number[] = [];
const msPerPacket = (188 * 8 * 1000) / bitrate;
for (let off = 0; off < ts.length; off += CHUNK_PACKETS * 188) {
  chunks.push(ts.subarray(off, Math.min(ts.length, off + CHUNK_PACKETS * 188)));
  times.push(T0 + (off / 188) * msPerPacket);
}
console.log(
  `input: ${seconds} s, ${packets} packets (${chunks.length} chunks of ${CHUNK_PACKETS}), ${(ts.length / 1e6).toFixed(1)} MB, ` +
    `${feed.cues.length} SCTE-35 cues; built in ${Date.now() - built} ms`,
);

function run(): { wallNs: number; cpuUs: number; analyzer: TsAnalyzer } {
  const an = new TsAnalyzer();
  let nextTick = T0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < chunks.length; i++) {
    const now = times[i]!;
    an.push(chunks[i]!, now);
    while (nextTick <= now) an.tick((nextTick += 20));
  }
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  return { wallNs, cpuUs: cpu.user + cpu.system, analyzer: an };
}

run(); // warm-up: let the JIT settle
const results: { wallNs: number; cpuUs: number }[] = [];
let last: TsAnalyzer | undefined;
for (let r = 0; r < runs; r++) {
  const x = run();
  results.push(x);
  last = x.analyzer;
}

const packetsPerSecond = bitrate / (188 * 8);
const perPacketUs = results.map((x) => x.wallNs / 1000 / packets).sort((a, b) => a - b);
const cpuPerPacketUs = results.map((x) => x.cpuUs / packets).sort((a, b) => a - b);
const median = (xs: number[]): number => xs[Math.floor(xs.length / 2)]!;
const pct = (us: number): string => ((us * packetsPerSecond) / 1e4).toFixed(3);

const s = last!.snapshot();
const p1 = ['syncLoss', 'syncByteError', 'patError', 'ccError', 'pmtError', 'pidError'] as const;
console.log(`sanity: cues ${s.scte35.cues}, crc errors ${s.scte35.crcErrors}, P1 errors ${p1.map((k) => s.tr101290[k].count).join('/')}, state ${s.state}`);
console.log(`runs: ${runs} (after 1 warm-up)`);
console.log(`wall: median ${median(perPacketUs).toFixed(4)} µs/packet (best ${perPacketUs[0]!.toFixed(4)}, worst ${perPacketUs[perPacketUs.length - 1]!.toFixed(4)})`);
console.log(`cpu:  median ${median(cpuPerPacketUs).toFixed(4)} µs/packet (user+system, process.cpuUsage)`);
console.log(
  `at ${(bitrate / 1e6).toFixed(2)} Mbit/s real time (${packetsPerSecond.toFixed(0)} packets/s): ` +
    `${pct(median(perPacketUs))} % of one core (wall median), ${pct(median(cpuPerPacketUs))} % (cpu median)`,
);
