// The keeper holds exactly the latest random-access access unit of the video PID (with the PAT
// and PMT it needs), within its byte bound, and nothing at all while nobody asked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PAT_PID, TS_PACKET_SIZE, tsPid, tsPusi, tsRandomAccess } from '@mld/mpegts';
import { buildSyntheticTs } from '@mld/mpegts/fixtures';
import { KEY_FRAME_INTEREST_MS, KeyFrameKeeper } from './key-frame-keeper.js';

const VIDEO = 0x100;
const PMT = 0x1000;
// 25 fps, a random-access point every second (frame 0, 25, 50, …).
const feed = buildSyntheticTs({ seconds: 4, frameBytes: 2000, pmtPid: PMT, videoPid: VIDEO, audioPid: 0x101 }).ts;

function packets(ts: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < ts.length; off += TS_PACKET_SIZE) out.push(ts.subarray(off, off + TS_PACKET_SIZE));
  return out;
}

/** Video PES per starting packet index, with whether it starts a random-access point. */
function videoStarts(ts: Buffer): { index: number; rap: boolean }[] {
  return packets(ts).flatMap((p, index) => (tsPid(p) === VIDEO && tsPusi(p) ? [{ index, rap: tsRandomAccess(p) }] : []));
}

describe('KeyFrameKeeper', () => {
  it('keeps nothing while nobody asked', () => {
    const keeper = new KeyFrameKeeper();
    keeper.push(feed, 0);
    assert.equal(keeper.keyFrame(), null);
    assert.equal(keeper.interested, false);
  });

  it('keeps PAT, PMT and the whole latest random-access access unit of the video PID', () => {
    const keeper = new KeyFrameKeeper();
    keeper.want(0);
    keeper.push(feed, 10);
    const kept = keeper.keyFrame();
    assert.ok(kept);
    const got = packets(kept.ts);
    assert.equal(tsPid(got[0]!), PAT_PID);
    assert.equal(tsPid(got[1]!), PMT);
    const video = got.slice(2);
    assert.ok(video.every((p) => tsPid(p) === VIDEO), 'only video packets after PAT and PMT');
    assert.ok(tsPusi(video[0]!) && tsRandomAccess(video[0]!), 'starts at a random-access PES');
    assert.equal(video.filter((p) => tsPusi(p)).length, 1, 'one PES only');
    // The last random-access PES of the feed that has a successor (so is known complete).
    const starts = videoStarts(feed);
    const lastRap = starts.filter((s, i) => s.rap && i < starts.length - 1).at(-1)!;
    const next = starts[starts.indexOf(lastRap) + 1]!;
    const expected = packets(feed).slice(lastRap.index, next.index).filter((p) => tsPid(p) === VIDEO);
    assert.deepEqual(video, expected);
    assert.ok(kept.ts.length < 20 * TS_PACKET_SIZE, `one 2000-byte frame, not the stream (${kept.ts.length} bytes)`);
  });

  it('moves on to each newer key frame as the stream goes on', () => {
    const keeper = new KeyFrameKeeper();
    keeper.want(0);
    const half = Math.floor(feed.length / TS_PACKET_SIZE / 2) * TS_PACKET_SIZE;
    keeper.push(feed.subarray(0, half), 1);
    const first = keeper.keyFrame();
    keeper.push(feed.subarray(half), 2);
    const second = keeper.keyFrame();
    assert.ok(first && second);
    assert.equal(first.at, 1);
    assert.equal(second.at, 2);
    assert.notDeepEqual(first.ts, second.ts);
  });

  it('drops an access unit larger than its bound instead of keeping it', () => {
    const keeper = new KeyFrameKeeper(8 * TS_PACKET_SIZE);
    keeper.want(0);
    keeper.push(feed, 1);
    assert.equal(keeper.keyFrame(), null);
  });

  it('forgets everything once nobody asked for a while', () => {
    const keeper = new KeyFrameKeeper();
    keeper.want(0);
    keeper.push(feed, 1);
    assert.ok(keeper.keyFrame());
    keeper.push(feed, KEY_FRAME_INTEREST_MS + 1);
    assert.equal(keeper.keyFrame(), null);
    assert.equal(keeper.interested, false);
  });
});
