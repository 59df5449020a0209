import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildSyntheticTs, insertScte35, padToCbr } from '@mld/mpegts/fixtures';
import { PRIORITY_1_CHECKS, type TsAnalysisSnapshot } from './types.js';
import { TsAnalyzer } from './ts-analyzer.js';
import { T0 } from './testing/ts-builder.js';

const BITRATE = 8_000_000;
const CHUNK_PACKETS = 7;
const MS_PER_PACKET = (188 * 8 * 1000) / BITRATE;

/** Feeds `ts` in datagram-sized chunks on a fake clock at the CBR rate, ticking every 20 ms. */
function feed(an: TsAnalyzer, ts: Buffer): number {
  let nextTick = T0;
  let now = T0;
  for (let off = 0; off < ts.length; off += CHUNK_PACKETS * 188) {
    now = T0 + (off / 188) * MS_PER_PACKET;
    an.push(ts.subarray(off, Math.min(ts.length, off + CHUNK_PACKETS * 188)), now);
    while (nextTick <= now) an.tick((nextTick += 20));
  }
  return now;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('a synthetic 8 Mbit/s CBR channel with SCTE-35', () => {
  const src = buildSyntheticTs({ seconds: 10 });
  const cbr = padToCbr(src.ts, BITRATE).ts;
  const feedTs = insertScte35(cbr, { intervalSeconds: 2, scte35Pid: 0x1f6 });

  it('finds the program, codecs, PCR PID, every cue and no error', () => {
    const an = new TsAnalyzer();
    const end = feed(an, feedTs.ts);
    const s: TsAnalysisSnapshot = an.snapshot(end);
    assert.deepEqual(
      s.programs.map((p) => [p.number, p.pmtPid, p.pcrPid, p.streams.map((x) => [x.pid, x.streamType, x.codec])]),
      [[1, 0x1000, 0x100, [[0x100, 0x1b, 'H.264/AVC'], [0x101, 0x0f, 'AAC (ADTS)'], [0x1f6, 0x86, 'SCTE-35']]]],
    );
    assert.deepEqual(s.programs[0]!.descriptorsSummary, ['registration CUEI']);
    for (const check of PRIORITY_1_CHECKS) assert.equal(s.tr101290[check].count, 0, check);
    assert.equal(s.tr101290.crcError.count, 0);
    assert.equal(s.state, 'receiving');
    assert.equal(s.packets, feedTs.ts.length / 188);
    assert.ok(Math.abs(s.bitrate1s - BITRATE) < 0.01 * BITRATE, `bitrate1s ${s.bitrate1s}`);
    assert.ok(Math.abs(s.bitrate10s - BITRATE) < 0.01 * BITRATE, `bitrate10s ${s.bitrate10s}`);
    assert.deepEqual(s.scte35.pids, [0x1f6]);

    const cues = an.recentCues();
    assert.equal(cues.length, feedTs.cues.length);
    assert.ok(cues.length >= 4);
    assert.deepEqual(
      cues.map((c) => [c.commandType, c.spliceInsert?.eventId ?? c.segmentation?.[0]?.eventId, c.crcValid]),
      feedTs.cues.map((c) => [c.kind, c.eventId, true]),
    );
    for (const [i, c] of cues.entries()) {
      assert.equal(Buffer.from(c.raw, 'base64').equals(feedTs.cues[i]!.section), true);
      assert.ok(c.prerollSeconds! > 3 && c.prerollSeconds! < 5, `pre-roll ${c.prerollSeconds}`);
    }
    const ts = cues.find((c) => c.commandType === 'time_signal')!;
    assert.equal(ts.segmentation![0]!.typeName, 'Provider Placement Opportunity Start');
    assert.equal(ts.segmentation![0]!.durationSeconds, 30);
  });

  it('never modifies the bytes it reads, clean or damaged', () => {
    const clean = Buffer.from(feedTs.ts);
    const damaged = Buffer.from(feedTs.ts);
    for (let i = 1000; i < damaged.length / 188; i += 997) damaged[i * 188] = 0x48;
    damaged[3000 * 188 + 3] ^= 0x0f; // continuity counter
    for (const ts of [clean, damaged]) {
      const before = sha256(ts);
      const an = new TsAnalyzer();
      feed(an, ts);
      assert.equal(sha256(ts), before);
    }
    const an = new TsAnalyzer();
    feed(an, damaged);
    assert.ok(an.snapshot().tr101290.syncByteError.count > 40);
  });
});
