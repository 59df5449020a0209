// Properties of the timeline stitcher over generated streams, joins and buffer cuts (fast-check,
// fixed seed; FC_SEED / FC_RUNS to explore further).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ContinuityTracker, isContinuityError } from '../continuity.js';
import { buildSyntheticTs, insertScte35, timelineProblems, timelineReport } from '../fixtures/index.js';
import { buildSpliceInsert } from '../scte35-builders.js';
import { decodeSpliceInfoSection } from '../scte35-decoder.js';
import { readPesTimestamps, writePesTimestamp } from '../pes.js';
import { packetizePes } from '../ts-mux.js';
import { NULL_PID, PTS_MODULO, TS_PACKET_SIZE, TS_SYNC_BYTE, tsDiscontinuity, tsPayloadOffset, tsPcr, tsPid } from '../ts-packet.js';
import { readPtsAdjustment, readTimestampField, shiftTimestampField } from './timestamp-fields.js';
import { TsTimelineStitcher } from './ts-timeline-stitcher.js';

const seed = Number(process.env['FC_SEED'] ?? 20261201);
const PARAMS = { seed, numRuns: Number(process.env['FC_RUNS'] ?? 500) };
/** Properties that build or rewrite whole streams per run. */
const STREAM_PARAMS = { seed, numRuns: Math.min(PARAMS.numRuns, 60) };
const ts33 = fc.integer({ min: 0, max: PTS_MODULO - 1 });

/** Calls process() on consecutive pieces of buf whose sizes (in packets) cycle through `cuts`. */
function processInPieces(st: TsTimelineStitcher, buf: Buffer, start: number, end: number, cuts: readonly number[]): void {
  let off = start;
  for (let i = 0; off < end; i++) {
    const next = Math.min(end, off + cuts[i % cuts.length]! * TS_PACKET_SIZE);
    st.process(buf, off, next);
    off = next;
  }
}

function ccErrors(ts: Buffer): number {
  const t = new ContinuityTracker();
  let n = 0;
  for (let off = 0; off < ts.length; off += TS_PACKET_SIZE) {
    const pid = tsPid(ts, off);
    if (pid !== NULL_PID && isContinuityError(t.observe(ts, off, pid, tsDiscontinuity(ts, off)))) n++;
  }
  return n;
}

/** A few source streams with the same PIDs (main, backup, another file), made once. */
const sources = [
  insertScte35(buildSyntheticTs({ seconds: 2, seed: 1 }).ts, { intervalSeconds: 0.5 }).ts,
  buildSyntheticTs({ seconds: 1, seed: 2, frameBytes: 500, firstPts: PTS_MODULO - 40_000 }).ts,
  buildSyntheticTs({ seconds: 1.5, seed: 3, frameBytes: 1800, firstPts: 5_000_000_000 }).ts,
];
/** A source with some packets dropped and some repeated once (errors and duplicates of its own). */
const damagedSource = fc.record({ index: fc.integer({ min: 0, max: sources.length - 1 }), drops: fc.array(fc.nat(), { maxLength: 3 }), dups: fc.array(fc.nat(), { maxLength: 3 }) });

/** Kept as a recipe, not bytes, so a counterexample prints in a few lines. */
function damaged({ index, drops, dups }: { index: number; drops: number[]; dups: number[] }): Buffer {
    const src = sources[index]!;
    const n = src.length / TS_PACKET_SIZE;
    const drop = new Set(drops.map((d) => d % n));
    const dup = new Set(dups.map((d) => d % n));
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      if (drop.has(i)) continue;
      const p = src.subarray(i * TS_PACKET_SIZE, (i + 1) * TS_PACKET_SIZE);
      parts.push(p);
      if (dup.has(i)) parts.push(p);
    }
    return Buffer.concat(parts);
}

const segmentArb = fc.record({
  source: damagedSource,
  from: fc.double({ min: 0, max: 1, noNaN: true }),
  share: fc.double({ min: 0, max: 1, noNaN: true }),
  offset: ts33,
  discontinuity: fc.boolean(),
});

describe('TsTimelineStitcher (property)', () => {
  it('is the identity on anything until a segment starts, whatever the buffer cuts', () => {
    const packet = fc.uint8Array({ minLength: TS_PACKET_SIZE, maxLength: TS_PACKET_SIZE }).map((p) => ((p[0] = TS_SYNC_BYTE), p));
    const stream = fc.oneof(
      fc.array(packet, { minLength: 1, maxLength: 40 }).map((ps) => Buffer.concat(ps)),
      fc.integer({ min: 0, max: sources.length - 1 }).map((i) => Buffer.from(sources[i]!)),
    );
    fc.assert(
      fc.property(stream, fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }), fc.boolean(), (ts, cuts, explicitFirst) => {
        const copy = Buffer.from(ts);
        const st = new TsTimelineStitcher();
        if (explicitFirst) st.startSegment(0);
        processInPieces(st, copy, 0, copy.length, cuts);
        assert.ok(copy.equals(ts));
      }),
      STREAM_PARAMS,
    );
  });

  it('continuity across random joins: no error at a join, and every error a segment had of its own kept', () => {
    fc.assert(
      fc.property(fc.array(segmentArb, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }), (segments, cuts) => {
        const slices = segments.map((s) => {
          const source = damaged(s.source);
          const n = source.length / TS_PACKET_SIZE;
          const from = Math.floor(s.from * n);
          const count = Math.max(1, Math.floor(s.share * (n - from)));
          return { ...s, bytes: Buffer.from(source.subarray(from * TS_PACKET_SIZE, (from + count) * TS_PACKET_SIZE)) };
        });
        const own = slices.reduce((n, s) => n + ccErrors(s.bytes), 0);
        const out = Buffer.concat(slices.map((s) => s.bytes));
        const st = new TsTimelineStitcher();
        let off = 0;
        for (const [i, s] of slices.entries()) {
          if (i > 0) st.startSegment(s.offset, { discontinuity: s.discontinuity });
          processInPieces(st, out, off, off + s.bytes.length, cuts);
          off += s.bytes.length;
        }
        assert.equal(ccErrors(out), own);
      }),
      STREAM_PARAMS,
    );
  });

  it('loops of a stream: PCR, decode times and splice times rise modulo 2^33; sections re-signed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.integer({ min: 2, max: 5 }),
        ts33,
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
        (index, passes, start, cuts) => {
          const src = sources[index]!;
          const out = Buffer.alloc(src.length * passes);
          const st = new TsTimelineStitcher();
          st.startSegment(start);
          let offset = start;
          for (let k = 0; k < passes; k++) {
            if (k > 0) st.startSegment((offset += st.extent.continuation90k()));
            src.copy(out, k * src.length);
            processInPieces(st, out, k * src.length, (k + 1) * src.length, cuts);
          }
          const r = timelineReport(out);
          assert.equal(r.ccErrors, 0);
          assert.deepEqual(timelineProblems(r, { passes }), []);
          assert.equal(st.stats.scte35Incomplete + st.stats.scte35BadCrc, 0);
        },
      ),
      STREAM_PARAMS,
    );
  });

  it('pts_adjustment of any section moves by the offset, modulo 2^33, and the CRC stays valid', () => {
    const stitcherWith = (section: Buffer, offset: number): Buffer => {
      // PMT-less: the PID is declared SCTE-35 up front.
      const st = new TsTimelineStitcher({ scte35Pids: [0x1f6] });
      const packet = Buffer.alloc(TS_PACKET_SIZE, 0xff);
      packet.set([TS_SYNC_BYTE, 0x41, 0xf6, 0x10, 0x00]);
      packet.set(section, 5);
      st.startSegment(offset);
      st.process(packet);
      return packet.subarray(5, 5 + section.length);
    };
    fc.assert(
      fc.property(ts33, ts33, ts33, fc.integer({ min: 0, max: 0xffffffff }), (adjustment, ptsTime, offset, eventId) => {
        const section = buildSpliceInsert({ spliceEventId: eventId, ptsTime, ptsAdjustment: adjustment });
        const out = stitcherWith(section, offset);
        const d = decodeSpliceInfoSection(out);
        assert.ok(d.ok && d.value.crcValid);
        assert.equal(d.value.ptsAdjustment, (adjustment + offset) % PTS_MODULO);
        assert.equal(readPtsAdjustment(out), d.value.ptsAdjustment);
        assert.ok(out.subarray(9, -4).equals(section.subarray(9, -4)), 'only pts_adjustment and the CRC change');
      }),
      PARAMS,
    );
  });

  it('a PES header: PTS and DTS both move by the offset, modulo 2^33', () => {
    fc.assert(
      fc.property(ts33, ts33, ts33, fc.boolean(), (pts, dts, offset, withDts) => {
        const pes = Buffer.alloc(40, 0xaa);
        pes.set([0, 0, 1, 0xe0, 0, 0, 0x80, withDts ? 0xc0 : 0x80, withDts ? 10 : 5]);
        writePesTimestamp(pes, 9, withDts ? 0b0011 : 0b0010, pts);
        if (withDts) writePesTimestamp(pes, 14, 0b0001, dts);
        const { packets } = packetizePes(pes, 0x100, 0, { pcr: pts * 300 });
        const st = new TsTimelineStitcher();
        st.startSegment(offset);
        st.process(packets);
        const got = readPesTimestamps(packets, tsPayloadOffset(packets, 0), TS_PACKET_SIZE);
        assert.deepEqual(got, { pts: (pts + offset) % PTS_MODULO, dts: withDts ? (dts + offset) % PTS_MODULO : -1 });
        assert.equal(tsPcr(packets, 0), ((pts + offset) % PTS_MODULO) * 300);
      }),
      PARAMS,
    );
  });

  it('a PTS/DTS field moves by the offset modulo 2^33 and keeps its prefix and marker bits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), ts33, (bytes, offset) => {
        const field = Buffer.from(bytes);
        const before = readTimestampField(field, 0);
        shiftTimestampField(field, 0, offset);
        assert.equal(readTimestampField(field, 0), (before + offset) % PTS_MODULO);
        assert.deepEqual([field[0]! & 0xf1, field[2]! & 1, field[4]! & 1], [bytes[0]! & 0xf1, bytes[2]! & 1, bytes[4]! & 1]);
      }),
      PARAMS,
    );
  });
});

