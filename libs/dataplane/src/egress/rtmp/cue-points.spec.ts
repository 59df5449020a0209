import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpliceInsert, buildSpliceNull, buildTimeSignal, SEGMENTATION_TYPE } from '@mld/mpegts';
import { buildCue } from '@mld/ts-analysis';
import { decodeAmf0, encodeAmf0 } from '../../rtmp/amf0.js';
import { cuePointFor } from './cue-points.js';

const cue = (section: Buffer) => buildCue(section, 0x1f6, 0);

/** AMF0 by hand (spec: marker byte, u16 length + UTF-8 for strings and keys, IEEE double BE), not by our encoder. */
const str = (s: string) => Buffer.concat([Buffer.of(0x02, s.length >> 8, s.length & 0xff), Buffer.from(s)]);
const key = (s: string) => Buffer.concat([Buffer.of(s.length >> 8, s.length & 0xff), Buffer.from(s)]);
const num = (n: number) => {
  const b = Buffer.alloc(9);
  b.writeDoubleBE(n, 1);
  return b;
};
const bool = (v: boolean) => Buffer.of(0x01, v ? 1 : 0);
const obj = (...entries: Array<[string, Buffer]>) => Buffer.concat([Buffer.of(0x03), ...entries.flatMap(([k, v]) => [key(k), v]), Buffer.of(0, 0, 0x09)]);

describe('cue points (ADR 0015)', () => {
  it('youtube: a splice_insert out of the network is com.youtube.cuepoint, byte for byte', () => {
    const point = cuePointFor('youtube', cue(buildSpliceInsert({ spliceEventId: 1234, ptsTime: 900_000, breakDuration: 30 * 90_000 })))!;
    assert.deepEqual(point.time, { pts: 900_000 });
    const expected = Buffer.concat([
      str('onCuePoint'),
      obj(['type', str('com.youtube.cuepoint')], ['version', str('0.1')], ['pre_roll_time_sec', num(0)], ['cue_point_start', bool(true)], ['break_duration_sec', num(30)], ['splice_event_id', num(1234)]),
    ]);
    assert.deepEqual(encodeAmf0(...point.values(10_000)), expected);
  });

  it('youtube: the return to network ends the break; time_signal counts through its ad descriptors only', () => {
    const back = cuePointFor('youtube', cue(buildSpliceInsert({ spliceEventId: 7, outOfNetwork: false, ptsTime: 1000 })))!;
    assert.deepEqual({ ...(decodeAmf0(encodeAmf0(...back.values(0)))[1] as object) }, { type: 'com.youtube.cuepoint', version: '0.1', pre_roll_time_sec: 0, cue_point_start: false, break_duration_sec: 0, splice_event_id: 7 });
    const ppo = cuePointFor('youtube', cue(buildTimeSignal({ ptsTime: 5000, segmentation: [{ segmentationEventId: 99, segmentationTypeId: SEGMENTATION_TYPE.PROVIDER_PLACEMENT_OPPORTUNITY_START, segmentationDuration: 15 * 90_000 }] })))!;
    assert.deepEqual({ ...(decodeAmf0(encodeAmf0(...ppo.values(0)))[1] as object) }, { type: 'com.youtube.cuepoint', version: '0.1', pre_roll_time_sec: 0, cue_point_start: true, break_duration_sec: 15, splice_event_id: 99 });
    const end = cuePointFor('youtube', cue(buildTimeSignal({ ptsTime: 5000, segmentation: [{ segmentationEventId: 99, segmentationTypeId: SEGMENTATION_TYPE.BREAK_END }] })))!;
    assert.equal((decodeAmf0(encodeAmf0(...end.values(0)))[1] as { cue_point_start: boolean }).cue_point_start, false);
    const chapter = cue(buildTimeSignal({ ptsTime: 5000, segmentation: [{ segmentationEventId: 3, segmentationTypeId: SEGMENTATION_TYPE.CHAPTER_START }] }));
    assert.equal(cuePointFor('youtube', chapter), undefined, 'not an ad break: nothing for YouTube');
    assert.ok(cuePointFor('on_cue_point_scte35', chapter), 'but MediaLive signals every time_signal');
  });

  it('on_cue_point_scte35: onCuePoint {name scte35, time, type event, parameters}, byte for byte', () => {
    const section = buildSpliceInsert({ spliceEventId: 42, ptsTime: 180_000, breakDuration: 30 * 90_000 });
    const point = cuePointFor('on_cue_point_scte35', cue(section))!;
    const expected = Buffer.concat([
      str('onCuePoint'),
      obj(
        ['name', str('scte35')],
        ['time', num(12.345)],
        ['type', str('event')],
        ['parameters', obj(['id', str('42')], ['duration', str('30')], ['splice_command_type', str('splice_insert')], ['out_of_network', str('true')], ['cue', str(section.toString('base64'))])],
      ),
    ]);
    assert.deepEqual(encodeAmf0(...point.values(12_345)), expected);
  });

  it('cancelled events, splice_null and broken sections write nothing; immediate splices are immediate', () => {
    for (const format of ['youtube', 'on_cue_point_scte35'] as const) {
      assert.equal(cuePointFor(format, cue(buildSpliceInsert({ spliceEventId: 1, cancel: true }))), undefined);
      assert.equal(cuePointFor(format, cue(buildSpliceNull())), undefined);
      assert.equal(cuePointFor(format, cue(buildTimeSignal({ ptsTime: 1, segmentation: [{ segmentationEventId: 5, segmentationTypeId: 0x34, cancel: true }] }))), undefined);
      const corrupt = buildSpliceInsert({ spliceEventId: 1, ptsTime: 1 });
      corrupt[corrupt.length - 1]! ^= 0xff;
      assert.equal(cuePointFor(format, cue(corrupt)), undefined, 'bad CRC');
      assert.equal(cuePointFor(format, cue(buildSpliceInsert({ spliceEventId: 2, breakDuration: 90_000 })))!.time, 'immediate');
    }
    assert.equal(cuePointFor('none', cue(buildSpliceInsert({ spliceEventId: 1, ptsTime: 1 }))), undefined);
  });

  it('the splice time has pts_adjustment applied, modulo 2^33', () => {
    const point = cuePointFor('youtube', cue(buildSpliceInsert({ spliceEventId: 1, ptsTime: 2 ** 33 - 90_000, ptsAdjustment: 180_000, breakDuration: 90_000 })))!;
    assert.deepEqual(point.time, { pts: 90_000 });
  });
});
