import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeCue, summarizeCue } from './scte35-view.js';

describe('SCTE-35 cue summary', () => {
  it('reads a decoded splice_insert in camelCase', () => {
    const s = summarizeCue({
      pid: 502,
      section: { ptsAdjustment: 0, spliceCommandType: 5, command: { type: 'splice_insert', spliceEventId: 1234, outOfNetwork: true, ptsTime: 900000, breakDuration: { autoReturn: true, duration: 2_700_000 } } },
    });
    assert.deepEqual(s, { command: 'splice_insert', eventId: '1234', direction: 'out', ptsSeconds: 10, durationSeconds: 30, segmentation: null });
    assert.equal(describeCue(s), 'splice_insert #1234, out of network, duration 30 s, at PTS 10 s');
  });

  it('reads snake_case time_signal with a segmentation descriptor', () => {
    const s = summarizeCue({ splice_command_type: 6, pts_time: 180000, descriptors: [{ segmentation_event_id: 7, segmentation_type_id: 0x34, segmentation_duration: 90000 }] });
    assert.deepEqual(s, { command: 'time_signal', eventId: '7', direction: null, ptsSeconds: 2, durationSeconds: 1, segmentation: 'provider placement opportunity start' });
  });

  it('reads the ts-analysis cue shape (seconds already adjusted, named segmentation types)', () => {
    const s = summarizeCue({
      at: 1, pid: 502, crcValid: true, ptsAdjustment: 900000, commandType: 'time_signal', spliceCommandType: 6,
      timeSignal: { ptsTime: 1_800_000, seconds: 20 },
      segmentation: [{ eventId: 9, cancel: false, typeId: 0x34, typeName: 'Provider Placement Opportunity Start', durationSeconds: 30 }],
    });
    assert.deepEqual(s, { command: 'time_signal', eventId: '9', direction: null, ptsSeconds: 20, durationSeconds: 30, segmentation: 'Provider Placement Opportunity Start' });
    const insert = summarizeCue({ commandType: 'splice_insert', spliceInsert: { eventId: 5, outOfNetwork: false, spliceTimeSeconds: 12.5, breakDurationSeconds: 60 } });
    assert.equal(describeCue(insert), 'splice_insert #5, back to network, duration 60 s, at PTS 12.5 s');
  });

  it('copes with empty or unknown details', () => {
    assert.equal(describeCue(summarizeCue(null)), 'cue');
    assert.equal(summarizeCue({ splice_command_type: 0x42 }).command, 'command 0x42');
  });
});
