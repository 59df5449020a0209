// Micro-benchmark: what TsTimelineStitcher costs per TS packet, on 60 s of a synthetic 8 Mbit/s
// CBR feed with SCTE-35 (H.264-like PES with PCR every frame, audio, ~13 % null packets), in
// chunks the size a file reader or datagram batch hands over. Two cases: the first segment at
// offset 0 (counters and clocks only read), and a later segment (every counter, PCR, PTS and
// cue rewritten).
//
//   bash scripts/nx.sh run mpegts:build
//   node libs/mpegts/dist/bench/timeline-bench.js [--seconds 60] [--runs 5] [--chunk-packets 1024]
import { buildSyntheticTs, insertScte35, padToCbr } from '../fixtures/index.js';
import { TS_PACKET_SIZE } from '../ts-packet.js';
import { TsTimelineStitcher } from '../timeline/ts-timeline-stitcher.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const seconds = arg('seconds', 60);
const runs = Math.round(arg('runs', 5));
const chunkBytes = Math.round(arg('chunk-packets', 1024)) * TS_PACKET_SIZE;
const bitrate = 8_000_000;

const src = buildSyntheticTs({ seconds, frameBytes: Math.round((bitrate * 0.8) / 8 / 25) });
const feed = insertScte35(padToCbr(src.ts, bitrate).ts, { intervalSeconds: 2 });
const ts = feed.ts;
const packets = ts.length / TS_PACKET_SIZE;
console.log(`input: ${seconds} s, ${packets} packets, ${(ts.length / 1e6).toFixed(1)} MB, ${feed.cues.length} cues, chunks of ${chunkBytes / TS_PACKET_SIZE} packets`);

function run(joined: boolean): number {
  const st = new TsTimelineStitcher();
  if (joined) {
    st.process(ts.subarray(0, 10 * TS_PACKET_SIZE)); // a previous segment's counters
    st.startSegment(123_456_789);
  }
  const t0 = process.hrtime.bigint();
  for (let off = 0; off < ts.length; off += chunkBytes) st.process(ts, off, Math.min(ts.length, off + chunkBytes));
  return Number(process.hrtime.bigint() - t0) / packets;
}

for (const [name, joined] of [
  ['first segment, offset 0 (read only)', false],
  ['later segment (all rewritten)', true],
] as const) {
  run(joined); // warm-up
  const ns = Array.from({ length: runs }, () => run(joined)).sort((a, b) => a - b);
  const median = ns[Math.floor(ns.length / 2)]!;
  const perSecond = (bitrate / 8 / TS_PACKET_SIZE) * median * 1e-9;
  console.log(`${name}: median ${median.toFixed(1)} ns/packet (min ${ns[0]!.toFixed(1)}, max ${ns.at(-1)!.toFixed(1)}); ${(perSecond * 100).toFixed(3)} % of a core at 8 Mbit/s`);
}
