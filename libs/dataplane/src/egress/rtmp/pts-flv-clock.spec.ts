import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PTS_MODULO } from '@mld/mpegts';
import { FLV_AUDIO } from '../../rtmp/flv-tag-reader.js';
import { PtsFlvClock, unwrapPts } from './pts-flv-clock.js';
import { flvVideoTag, tsTables, tsVideoFrame } from './testing/cue-feed.js';

/** TS of frames every 40 ms (3600 ticks) from `firstPts`; keyframes where `key(i)`. */
function frames(firstPts: number, n: number, key: (i: number) => boolean): Buffer {
  return Buffer.concat(Array.from({ length: n }, (_, i) => tsVideoFrame((firstPts + i * 3600) % PTS_MODULO, key(i), i)));
}

describe('PtsFlvClock: TS PTS → FLV ms of one FFmpeg run', () => {
  it('learns the offset from the first keyframe fed and the first FLV keyframe (FFmpeg drops what precedes it)', () => {
    const clock = new PtsFlvClock();
    // Joined mid-GOP: two P frames, then the keyframe at PTS 1_000_000 + 7200.
    clock.observeInput(Buffer.concat([tsTables(), frames(1_000_000, 10, (i) => i === 2)]));
    assert.equal(clock.flvMsOf(1_000_000), undefined, 'nothing before the FLV says where the keyframe went');
    clock.observeOutput({ type: FLV_AUDIO, timestamp: 0, data: Buffer.of(0xaf, 1) });
    // FFmpeg made it DTS 0, presented 80 ms later (B-frame delay).
    clock.observeOutput(flvVideoTag(0, true, 80));
    assert.ok(clock.synced);
    assert.equal(clock.flvMsOf(1_007_200), 80, 'the keyframe itself');
    assert.equal(clock.flvMsOf(1_007_200 + 90 * 1000), 1080, 'a splice one second later');
    assert.equal(clock.nowMs(), 80 + (7 * 3600) / 90, 'now: the last frame handed to FFmpeg');
  });

  it('follows the input across the 33-bit wrap, and maps splice times on either side of it', () => {
    const clock = new PtsFlvClock();
    const first = PTS_MODULO - 5 * 3600;
    clock.observeInput(Buffer.concat([tsTables(), frames(first, 10, (i) => i === 0)]));
    clock.observeOutput(flvVideoTag(40, true));
    // Before the wrap, and 1 s after it (a small PTS): both on one rising FLV timeline.
    assert.equal(clock.flvMsOf(first + 3600), 80);
    assert.equal(clock.flvMsOf(90_000), 40 + (5 * 3600 + 90_000) / 90);
    assert.equal(unwrapPts(10, PTS_MODULO - 10), PTS_MODULO + 10);
    assert.equal(unwrapPts(PTS_MODULO - 10, 10), -10);
  });

  it('a feed without random_access_indicator: the IDR NAL marks the keyframe', () => {
    const clock = new PtsFlvClock();
    const idr = tsVideoFrame(500_000, true);
    idr[5] = 0; // adaptation flags cleared: no RAI, the IDR NAL (0x65) remains
    clock.observeInput(Buffer.concat([tsTables(), tsVideoFrame(496_400, false), idr]));
    clock.observeOutput(flvVideoTag(0, true));
    assert.equal(clock.flvMsOf(500_000), 0);
  });

  it('without PAT/PMT it finds no video and never guesses', () => {
    const clock = new PtsFlvClock();
    clock.observeInput(frames(0, 5, () => true));
    clock.observeOutput(flvVideoTag(0, true));
    assert.equal(clock.synced, false);
    assert.equal(clock.flvMsOf(0), undefined);
  });
});
