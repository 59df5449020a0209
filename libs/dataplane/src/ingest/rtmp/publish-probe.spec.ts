import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FLV_AUDIO, FLV_SCRIPT, FLV_VIDEO } from '../../rtmp/flv-tag-reader.js';
import { encodeAmf0, encodeAmf0EcmaArray, type Amf0Object } from '../../rtmp/amf0.js';
import { inspectAudioTag, inspectVideoTag } from './flv-codecs.js';
import { PublishProbe, type ProbeStep } from './publish-probe.js';
import { tagBodies } from './testing/scripted-rtmp-client.js';

const meta = (fields: Amf0Object) => Buffer.concat([encodeAmf0('onMetaData'), encodeAmf0EcmaArray(fields)]);

/** Feeds [type, timestamp, body] at `now`, collecting every step. */
function feed(probe: PublishProbe, items: Array<[number, number, Buffer]>, now = 0): ProbeStep[] {
  return items.map(([type, ts, body]) => probe.push(type, ts, body, now));
}

describe('PublishProbe', () => {
  it('holds frames until every stream onMetaData announced has a configuration and a frame; sequence headers go to the layout', () => {
    const probe = new PublishProbe();
    const steps = feed(probe, [
      [FLV_SCRIPT, 0, meta({ videocodecid: 7, audiocodecid: 10, width: 1280 })],
      [FLV_VIDEO, 0, tagBodies.avcConfig()],
      [FLV_AUDIO, 0, tagBodies.aacConfig()],
      [FLV_VIDEO, 1000, tagBodies.avcKeyframe()],
      [FLV_VIDEO, 1040, tagBodies.avcFrame()],
    ]);
    assert.ok(steps.every((s) => s.tags.length === 0 && !s.ready), 'no audio frame yet');
    assert.equal(steps[0]!.metadata?.['width'], 1280);
    const done = probe.push(FLV_AUDIO, 990, tagBodies.aacFrame(), 0);
    assert.ok(done.ready);
    assert.equal(done.ready.origin, 990, 'the smallest media timestamp held');
    assert.deepEqual({ ...done.ready.layout, videoConfig: !!done.ready.layout.videoConfig, audioConfig: !!done.ready.layout.audioConfig }, { video: 'h264', audio: 'aac', videoConfig: true, audioConfig: true });
    assert.deepEqual(done.tags.map((t) => [t.type, t.timestamp, t.keyframe]), [[FLV_VIDEO, 1000, true], [FLV_VIDEO, 1040, false], [FLV_AUDIO, 990, false]]);
    assert.deepEqual(probe.push(FLV_VIDEO, 1080, tagBodies.avcFrame(), 0).tags.length, 1, 'then tags pass at once');
  });

  it('without onMetaData, settles on what came after 1 s of timeline (video only here)', () => {
    const probe = new PublishProbe();
    const steps = feed(probe, [[FLV_VIDEO, 0, tagBodies.avcConfig()], ...Array.from({ length: 26 }, (_, i) => [FLV_VIDEO, i * 40, i === 0 ? tagBodies.avcKeyframe() : tagBodies.avcFrame()] as [number, number, Buffer])]);
    const ready = steps.find((s) => s.ready)!;
    assert.equal(ready.ready!.layout.audio, null);
    assert.equal(ready.tags.length, 26);
  });

  it('settles after 2 s of wall time when a declared stream never comes (tick)', () => {
    const probe = new PublishProbe();
    feed(probe, [[FLV_SCRIPT, 0, meta({ videocodecid: 7, audiocodecid: 10 })], [FLV_VIDEO, 0, tagBodies.avcConfig()], [FLV_VIDEO, 0, tagBodies.avcKeyframe()]], 5000);
    assert.equal(probe.tick(6999).ready, undefined);
    const step = probe.tick(7000);
    assert.equal(step.ready?.layout.video, 'h264');
    assert.equal(step.ready?.layout.audio, null);
    assert.equal(step.ready?.firstArrivedAt, 5000);
  });

  it('after settling: the same sequence header again is nothing, a new one or a new stream changes the layout', () => {
    const probe = new PublishProbe();
    feed(probe, [[FLV_VIDEO, 0, tagBodies.avcConfig()], [FLV_AUDIO, 0, tagBodies.aacConfig()], [FLV_VIDEO, 0, tagBodies.avcKeyframe()], [FLV_AUDIO, 0, tagBodies.aacFrame()]]);
    assert.ok(probe.ready);
    assert.deepEqual(probe.push(FLV_VIDEO, 40, tagBodies.avcConfig(), 0), { tags: [] });
    const changed = probe.push(FLV_VIDEO, 80, tagBodies.avcConfig(2), 0);
    assert.ok(changed.layoutChanged?.videoConfig?.equals(tagBodies.avcConfig(2)));

    const late = new PublishProbe();
    feed(late, [[FLV_VIDEO, 0, tagBodies.avcConfig()], ...Array.from({ length: 30 }, (_, i) => [FLV_VIDEO, i * 40, tagBodies.avcFrame()] as [number, number, Buffer])]);
    assert.equal(late.currentLayout.audio, null);
    assert.deepEqual(late.push(FLV_AUDIO, 1200, tagBodies.aacConfig(), 0), { tags: [] }, 'a configuration alone changes nothing');
    const audio = late.push(FLV_AUDIO, 1210, tagBodies.aacFrame(), 0);
    assert.equal(audio.layoutChanged?.audio, 'aac');
    assert.equal(audio.tags.length, 1);
  });

  it('drops frames that come before their sequence header, and video info frames', () => {
    const probe = new PublishProbe();
    assert.equal(probe.push(FLV_VIDEO, 0, tagBodies.avcFrame(), 0).dropped, 'video_before_sequence_header');
    assert.equal(probe.push(FLV_AUDIO, 0, tagBodies.aacFrame(), 0).dropped, 'audio_before_sequence_header');
    assert.deepEqual(probe.push(FLV_VIDEO, 0, Buffer.from([0x57, 0]), 0), { tags: [] });
    assert.equal(probe.push(FLV_VIDEO, 0, Buffer.alloc(0), 0).dropped, 'malformed_video');
    assert.equal(probe.push(FLV_SCRIPT, 0, Buffer.from([0x02, 0xff]), 0).dropped, 'malformed_data');
  });

  it('takes MP3 audio (FFmpeg copies it to TS) without a sequence header', () => {
    const probe = new PublishProbe();
    const steps = feed(probe, [[FLV_VIDEO, 0, tagBodies.avcConfig()], [FLV_VIDEO, 0, tagBodies.avcKeyframe()], [FLV_AUDIO, 0, tagBodies.mp3Frame()]]);
    assert.equal(steps[2]!.ready?.layout.audio, 'mp3');
  });

  it('refuses codecs FFmpeg 5.1 cannot take from FLV, with the sentence an operator needs', () => {
    const probe = new PublishProbe();
    assert.equal(probe.push(FLV_VIDEO, 0, tagBodies.hevcEnhanced(), 0).refused, 'HEVC over Enhanced RTMP is not supported by this release; publish H.264');
    assert.equal(probe.push(FLV_VIDEO, 0, tagBodies.hevcLegacy(), 0).refused, 'HEVC (FLV codec id 12, a non-standard extension) is not supported by this release; publish H.264');
  });
});

describe('FLV codec inspection', () => {
  it('names each refused codec', () => {
    const enhanced = (fourCc: string) => Buffer.concat([Buffer.from([0x91]), Buffer.from(fourCc, 'latin1'), Buffer.alloc(4)]);
    assert.deepEqual(inspectVideoTag(enhanced('av01')), { kind: 'refused', codec: 'AV1', reason: 'AV1 over Enhanced RTMP is not supported by this release; publish H.264' });
    assert.match((inspectVideoTag(enhanced('vp09')) as { reason: string }).reason, /^VP9 over Enhanced RTMP/);
    assert.match((inspectVideoTag(Buffer.from([0x12, 0])) as { reason: string }).reason, /Sorenson H.263 cannot be carried in MPEG-TS/);
    assert.match((inspectAudioTag(Buffer.from([0xb6, 0])) as { reason: string }).reason, /audio codec Speex cannot be carried/);
    assert.match((inspectAudioTag(Buffer.concat([Buffer.from([0x90]), Buffer.from('Opus')])) as { reason: string }).reason, /^Opus audio over Enhanced RTMP is not supported by this release; publish AAC/);
    assert.deepEqual(inspectVideoTag(tagBodies.avcKeyframe()), { kind: 'h264', packet: 'frame', keyframe: true });
    assert.deepEqual(inspectAudioTag(tagBodies.aacConfig()), { kind: 'aac', packet: 'config' });
  });
});
