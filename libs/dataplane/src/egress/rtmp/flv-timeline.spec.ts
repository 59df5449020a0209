import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAmf0, encodeAmf0 } from '../../rtmp/amf0.js';
import { CSID, MSG } from '../../rtmp/chunk-stream.js';
import { FLV_AUDIO, FLV_SCRIPT, FLV_VIDEO } from '../../rtmp/flv-tag-reader.js';
import { FlvTimeline } from './flv-timeline.js';

const video = (timestamp: number) => ({ type: FLV_VIDEO, timestamp, data: Buffer.from([0x27, 1, 0, 0, 0]) });

describe('FlvTimeline', () => {
  it('maps audio, video and script tags to RTMP messages of the stream; onMetaData as @setDataFrame', () => {
    const t = new FlvTimeline(1);
    const meta = encodeAmf0('onMetaData', { width: 640 });
    const [m] = t.map({ type: FLV_SCRIPT, timestamp: 0, data: meta });
    assert.deepEqual(decodeAmf0(m!.payload).slice(0, 2), ['@setDataFrame', 'onMetaData']);
    assert.equal(m!.type, MSG.DataAmf0);
    const [a] = t.map({ type: FLV_AUDIO, timestamp: 21, data: Buffer.from([0xaf, 1]) });
    assert.deepEqual({ csid: a!.csid, type: a!.type, streamId: a!.streamId, timestamp: a!.timestamp }, { csid: CSID.Audio, type: MSG.Audio, streamId: 1, timestamp: 21 });
    const [v] = t.map(video(40));
    assert.equal(v!.type, MSG.Video);
    assert.equal(t.videoTags, 1);
  });

  it('places an inserted data message (issue #14 onCuePoint hook) just before the first frame at or after its time', () => {
    const t = new FlvTimeline(1);
    t.insertDataMessage(1000, ['onCuePoint', { name: 'scte35', time: 1.0 }]);
    t.insertDataMessage(500, ['onCuePoint', { name: 'early' }]);
    const sent = [0, 400, 520, 960, 1000, 1040].flatMap((ts) => t.map(video(ts)));
    const order = sent.map((m) => (m.type === MSG.DataAmf0 ? `cue@${m.timestamp}:${(decodeAmf0(m.payload)[1] as { name: string }).name}` : `v@${m.timestamp}`));
    assert.deepEqual(order, ['v@0', 'v@400', 'cue@500:early', 'v@520', 'v@960', 'cue@1000:scte35', 'v@1000', 'v@1040']);
    assert.equal(t.pendingDataMessages, 0);
  });

  it('a cue for a time already sent goes out at once, never back in time', () => {
    const t = new FlvTimeline(1);
    t.map(video(2000));
    t.insertDataMessage(1500, ['onCuePoint', {}]);
    const [cue, frame] = t.map(video(2040));
    assert.equal(cue!.type, MSG.DataAmf0);
    assert.equal(cue!.timestamp, 2000);
    assert.equal(frame!.timestamp, 2040);
  });
});
