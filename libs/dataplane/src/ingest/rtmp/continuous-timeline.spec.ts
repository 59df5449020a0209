import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@mld/supervisor/testing';
import { FLV_AUDIO, FLV_VIDEO } from '../../rtmp/flv-tag-reader.js';
import { ContinuousTimeline } from './continuous-timeline.js';

describe('ContinuousTimeline', () => {
  it('starts the first session at 0 and continues the next one after the wall-clock gap', () => {
    const clock = new FakeClock();
    const t = new ContinuousTimeline();
    t.startSession(5000, clock.now());
    const first: number[] = [];
    for (let i = 0; i < 50; i++) {
      first.push(t.map(FLV_VIDEO, 5000 + i * 40, clock.now()));
      clock.advance(40);
    }
    assert.equal(first[0], 0);
    assert.equal(first[49], 1960);
    // The encoder is gone for 5 s, then starts again from 0 with its own clock.
    clock.advance(5000 - 40);
    t.startSession(0, clock.now());
    const again = t.map(FLV_VIDEO, 0, clock.now());
    assert.equal(again, 1960 + 5000, 'the last tag + the time nobody published');
    assert.equal(t.map(FLV_VIDEO, 40, clock.now()), 1960 + 5040);
    assert.equal(t.sessionCount, 2);
  });

  it('never lets a stream go back, not even by a millisecond across a quick reconnect', () => {
    const t = new ContinuousTimeline();
    t.startSession(0, 0);
    t.map(FLV_VIDEO, 1000, 10);
    t.map(FLV_AUDIO, 1010, 10);
    t.startSession(0, 10);
    const audio = t.map(FLV_AUDIO, 0, 10);
    const video = t.map(FLV_VIDEO, 0, 10);
    assert.ok(audio > 1010 && video > 1000, `${audio} ${video}`);
    // Within a session, a tag older than its predecessor of the same type is held at the predecessor's time.
    assert.equal(t.map(FLV_VIDEO, -500, 10), video);
  });
});
