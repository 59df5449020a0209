import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSyntheticTs, insertScte35, timelineProblems, timelineReport } from '../fixtures/index.js';
import { buildPatSection, buildPmtSection, STREAM_TYPE } from '../psi.js';
import { buildTimeSignal } from '../scte35-builders.js';
import { decodeSpliceInfoSection } from '../scte35-decoder.js';
import { SectionAssembler } from '../section-assembler.js';
import { packetizeSection } from '../ts-mux.js';
import { makeNullPacket, PTS_MODULO, TS_PACKET_SIZE, tsPcr } from '../ts-packet.js';
import { type StitchSegmentOptions, TsTimelineStitcher } from './ts-timeline-stitcher.js';
import { readPtsAdjustment, readTimestampField, shiftPcrField, shiftTimestampField, shiftPtsAdjustment } from './timestamp-fields.js';

const feed = insertScte35(buildSyntheticTs({ seconds: 4 }).ts, { intervalSeconds: 1 });

/** Plays `ts` `passes` times through one stitcher, each pass going on where the last ended. */
function loop(ts: Buffer, passes: number, chunkPackets = 7, segment: StitchSegmentOptions = {}): { out: Buffer; stitcher: TsTimelineStitcher; step: number } {
  const stitcher = new TsTimelineStitcher();
  const out = Buffer.alloc(ts.length * passes);
  let offset = 0;
  let step = 0;
  for (let k = 0; k < passes; k++) {
    if (k > 0) {
      step = stitcher.extent.continuation90k();
      offset += step;
      stitcher.startSegment(offset, segment);
    }
    const base = k * ts.length;
    ts.copy(out, base);
    for (let off = 0; off < ts.length; off += chunkPackets * TS_PACKET_SIZE) {
      stitcher.process(out, base + off, base + Math.min(ts.length, off + chunkPackets * TS_PACKET_SIZE));
    }
  }
  return { out, stitcher, step };
}

describe('TsTimelineStitcher', () => {
  it('leaves a single segment byte for byte as it was', () => {
    const { out, stitcher } = loop(feed.ts, 1);
    assert.ok(out.equals(feed.ts));
    const first = new TsTimelineStitcher();
    first.startSegment(0);
    const copy = Buffer.from(feed.ts);
    first.process(copy);
    assert.ok(copy.equals(feed.ts), 'a first segment with offset 0 is the identity too');
    assert.equal(stitcher.stats.pcrsShifted, 0);
  });

  it('makes three passes of a file one stream: counters continue, every clock rises, cues re-signed', () => {
    const { out, stitcher, step } = loop(feed.ts, 3);
    const r = timelineReport(out);
    assert.equal(r.ccErrors, 0);
    assert.deepEqual(timelineProblems(r, { passes: 3 }), []);
    assert.equal(r.cues.length, 3 * feed.cues.length);
    // 3.96 s from the first to the last PCR, one every 40 ms: the join is one more 40 ms step.
    assert.equal(step, 4 * 90_000);
    const steps = r.pcrs.slice(1).map((p, i) => p - r.pcrs[i]!);
    assert.deepEqual([...new Set(steps)], [40 * 27_000]);
    const s = stitcher.stats;
    assert.equal(s.segments, 2);
    assert.equal(s.scte35Shifted, 2 * feed.cues.length);
    assert.equal(s.pcrsShifted, 2 * 100);
    assert.equal(s.scte35Incomplete + s.scte35BadCrc + s.pesHeadersTruncated, 0);
    assert.deepEqual(
      r.cues.map((c) => c.ptsAdjustment),
      [0, 1, 2].flatMap((k) => feed.cues.map(() => k * step)),
    );
  });

  it('gives the same result whatever the buffers passed to process()', () => {
    const reference = loop(feed.ts, 2, 7).out;
    for (const chunk of [1, 3, 64, 100_000]) assert.ok(loop(feed.ts, 2, chunk).out.equals(reference), `chunks of ${chunk} packets`);
  });

  it('shifts further than the PCR says only when a PID would otherwise step back', () => {
    // PCR every 100 ms for 1 s; audio presented until 1.5 s: the next pass must start after it.
    const st = new TsTimelineStitcher();
    const play = (audioEnd: number): number => {
      st.extent.reset();
      for (let i = 0; i <= 10; i++) st.extent.onPcr(0x100, i * 2_700_000);
      st.extent.onPes(0x101, 10_000, -1);
      st.extent.onPes(0x101, 10_000 + audioEnd, -1);
      return st.extent.continuation90k();
    };
    assert.equal(play(135_000), 135_001);
    assert.equal(play(50_000), 99_000, 'PCR span + one interval');
  });

  it('wraps PCR and PTS at 2^33', () => {
    const nearWrap = insertScte35(buildSyntheticTs({ seconds: 2, firstPts: PTS_MODULO - 90_000 }).ts, { intervalSeconds: 0.5 });
    const { out } = loop(nearWrap.ts, 3);
    const r = timelineReport(out);
    assert.ok(r.pcrs.some((p) => p < 27_000_000 * 10) && r.pcrs.some((p) => p > (PTS_MODULO - 2 * 90_000) * 300), 'the stream crosses the wrap');
    assert.deepEqual(timelineProblems(r, { passes: 3 }), []);
    assert.equal(r.ccErrors, 0);
  });

  it('flags the first PCR of each later segment as a discontinuity when asked', () => {
    const plain = timelineReport(loop(feed.ts, 3).out);
    const flagged = loop(feed.ts, 3, 7, { discontinuity: true });
    assert.equal(plain.discontinuityIndicators, 0);
    assert.equal(timelineReport(flagged.out).discontinuityIndicators, 2);
    assert.equal(flagged.stitcher.stats.discontinuitiesSet, 2);
  });
});

describe('TsTimelineStitcher SCTE-35', () => {
  const SCTE35_PID = 0x1f6;
  const VIDEO_PID = 0x100;
  // 12 segmentation descriptors: a section of ~400 bytes, three packets.
  const big = buildTimeSignal({
    ptsTime: 1_000_000,
    ptsAdjustment: 5,
    segmentation: Array.from({ length: 12 }, (_, i) => ({ segmentationEventId: i, segmentationTypeId: 0x34, upidType: 0x0c, upid: Buffer.alloc(8, i), segmentationDuration: 90_000 })),
  });

  function stream(section: Buffer): Buffer {
    const pat = packetizeSection(buildPatSection({ transportStreamId: 1, programs: [{ programNumber: 1, pmtPid: 0x1000 }] }), 0).packets;
    const pmt = packetizeSection(
      buildPmtSection({
        programNumber: 1,
        pcrPid: VIDEO_PID,
        streams: [
          { streamType: STREAM_TYPE.H264, pid: VIDEO_PID, descriptors: [] },
          { streamType: STREAM_TYPE.SCTE35, pid: SCTE35_PID, descriptors: [] },
        ],
      }),
      0x1000,
    ).packets;
    const cue = packetizeSection(section, SCTE35_PID).packets;
    const parts = [pat, pmt];
    // Interleave the cue's packets with other packets, as a multiplexer would.
    for (let off = 0; off < cue.length; off += TS_PACKET_SIZE) parts.push(cue.subarray(off, off + TS_PACKET_SIZE), makeNullPacket());
    return Buffer.concat(parts);
  }

  function sectionsIn(ts: Buffer): Buffer[] {
    const found: Buffer[] = [];
    const asm = new SectionAssembler(SCTE35_PID, (s) => found.push(s));
    for (let off = 0; off < ts.length; off += TS_PACKET_SIZE) if (((ts[off + 1]! & 0x1f) << 8 | ts[off + 2]!) === SCTE35_PID) asm.push(ts, off);
    return found;
  }

  it('shifts pts_adjustment of a section spread over several packets and re-signs it', () => {
    assert.ok(big.length > 2 * 184);
    const ts = stream(big);
    const st = new TsTimelineStitcher();
    st.startSegment(1234);
    st.process(ts);
    const [section] = sectionsIn(ts);
    const d = decodeSpliceInfoSection(section!);
    assert.ok(d.ok && d.value.crcValid);
    assert.equal(d.value.ptsAdjustment, 5 + 1234);
    assert.deepEqual(d.value.command, { type: 'time_signal', ptsTime: 1_000_000 });
    assert.equal(st.stats.scte35Shifted, 1);
  });

  it('leaves a section alone when it runs past the buffer given, or its CRC was already wrong', () => {
    const ts = stream(big);
    const st = new TsTimelineStitcher();
    st.startSegment(1234);
    const cut = 3 * TS_PACKET_SIZE; // PAT, PMT, the cue's first packet
    st.process(ts, 0, cut);
    st.process(ts, cut);
    assert.ok(sectionsIn(ts)[0]!.equals(big));
    assert.equal(st.stats.scte35Incomplete, 1);

    const corrupt = Buffer.from(big);
    corrupt[20]! ^= 0x01;
    const ts2 = stream(corrupt);
    const st2 = new TsTimelineStitcher();
    st2.startSegment(1234);
    st2.process(ts2);
    assert.ok(sectionsIn(ts2)[0]!.equals(corrupt));
    assert.equal(st2.stats.scte35BadCrc, 1);
  });
});

describe('timestamp fields', () => {
  it('shift PCR, PTS and pts_adjustment modulo 2^33 and keep every other bit', () => {
    const pcr = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x80 | 0x7e | 0x01, 0x2b]); // base 2^33-1, ext 0x12b
    shiftPcrField(pcr, 0, 2);
    assert.equal(tsPcr(Buffer.concat([Buffer.from([0x47, 0x01, 0x00, 0x30, 0x07, 0x10]), pcr]), 0), 1 * 300 + 0x12b);
    assert.equal(pcr[4]! & 0x7e, 0x7e, 'reserved bits kept');

    const pts = Buffer.from([0x3e, 0xff, 0xfe, 0xff, 0xfe]); // prefix 0011, value 2^33-1, marker bits 0 on purpose
    shiftTimestampField(pts, 0, 11);
    assert.equal(readTimestampField(pts, 0), 10);
    assert.deepEqual([pts[0]! & 0xf1, pts[2]! & 1, pts[4]! & 1], [0x30, 0, 0]);

    const section = Buffer.alloc(9);
    section[4] = 0x7e | 0x01; // encryption_algorithm bits set, pts_adjustment bit 32 set
    section.writeUInt32BE(0xffff_fff0, 5);
    assert.equal(readPtsAdjustment(section), PTS_MODULO - 16);
    shiftPtsAdjustment(section, 0, 20);
    assert.equal(readPtsAdjustment(section), 4);
    assert.equal(section[4]! & 0xfe, 0x7e);
  });
});
