// Micro-benchmark of what `ad_markers` adds to an RTMP output (ADR 0015), on an 8 Mbit/s CBR feed
// with SCTE-35, in the 64 × 1316-byte batches ProcessEgress writes to FFmpeg:
//   clock     PtsFlvClock.observeInput(): the per-packet work of an output with markers on
//             (an output with markers off does none of it)
//   cue       cuePointFor() + the AMF0 encoding of one message, per cue
// CPU where 100 % = one core, at the feed's bitrate.
//
//   bash scripts/nx.sh run dataplane:build
//   node libs/dataplane/dist/bench/ad-markers-bench.js [--seconds 30] [--runs 5] [--bitrate 8000000]
import { parseArgs } from 'node:util';
import { buildSyntheticTs, insertScte35, padToCbr } from '@mld/mpegts/fixtures';
import { buildCue } from '@mld/ts-analysis';
import { encodeAmf0 } from '../rtmp/amf0.js';
import { cuePointFor } from '../egress/rtmp/cue-points.js';
import { PtsFlvClock } from '../egress/rtmp/pts-flv-clock.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, runs: { type: 'string' }, bitrate: { type: 'string' } } });
const seconds = Number(values.seconds ?? 30);
const runs = Number(values.runs ?? 5);
const bitrate = Number(values.bitrate ?? 8_000_000);
const BATCH = 64 * 1316;

const synthetic = buildSyntheticTs({ seconds, frameBytes: Math.round((bitrate * 0.8) / 8 / 25) });
const withCues = insertScte35(padToCbr(synthetic.ts, bitrate).ts, { intervalSeconds: 2 });
const ts = withCues.ts;
const packets = ts.length / 188;
const batches: Buffer[] = [];
for (let off = 0; off < ts.length; off += BATCH) batches.push(ts.subarray(off, Math.min(ts.length, off + BATCH)));

function clockNsPerPacket(): number {
  const clock = new PtsFlvClock();
  const t0 = process.hrtime.bigint();
  for (const b of batches) clock.observeInput(b);
  return Number(process.hrtime.bigint() - t0) / packets;
}

function cueMicroseconds(): number {
  const cues = withCues.cues.map((c) => buildCue(c.section, 0x1f6, 0));
  const n = 2000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const cue = cues[i % cues.length]!;
    for (const format of ['youtube', 'on_cue_point_scte35'] as const) {
      const point = cuePointFor(format, cue);
      if (point) encodeAmf0(...point.values(1000));
    }
  }
  return Number(process.hrtime.bigint() - t0) / 1000 / (n * 2);
}

const packetsPerSecond = bitrate / 8 / 188;
const clock: number[] = [];
const cue: number[] = [];
for (let r = 0; r < runs; r++) {
  clock.push(clockNsPerPacket());
  cue.push(cueMicroseconds());
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ns = median(clock);
console.log(`feed: ${seconds} s at ${bitrate / 1e6} Mbit/s, ${packets} packets, ${withCues.cues.length} cues; ${runs} runs, medians`);
console.log(`clock (markers on, per output): ${ns.toFixed(1)} ns/packet → ${((ns * packetsPerSecond) / 1e7).toFixed(3)} % of a core at ${bitrate / 1e6} Mbit/s (runs: ${clock.map((x) => x.toFixed(1)).join(', ')})`);
console.log(`one cue → onCuePoint message: ${median(cue).toFixed(2)} µs`);
