import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpliceInsert, buildTimeSignal, SEGMENTATION_TYPE, SEGMENTATION_UPID_TYPE } from '@mld/mpegts';
import { buildCue, type Scte35Cue } from './scte35-cue.js';
import { TsAnalyzer } from './ts-analyzer.js';
import { AUDIO, CUE_PID, drive, fixCrc, healthyStep, pcrAt, StreamBuilder, T0, VIDEO } from './testing/ts-builder.js';

// Real sections: ANSI/SCTE 35 §14 samples, and a splice_null heartbeat as sent by encoders
// that still use the legacy splice_command_length 0xFFF.
const SAMPLE_14_1_TIME_SIGNAL = '/DA0AAAAAAAA///wBQb+cr0AUAAeAhxDVUVJSAAAjn/PAAGlmbAICAAAAAAsoKGKNAIAmsnRfg==';
const SAMPLE_14_2_SPLICE_INSERT = '/DAvAAAAAAAA///wFAVIAACPf+/+c2nALv4AUsz1AAAAAAAKAAhDVUVJAAABNWLbowo=';
const SPLICE_NULL_HEX = 'fc301100000000000000ffffff0000004f253396';

/** A started stream, the given sections on the SCTE-35 PID at +1 s, then more clean stream. */
function analyse(sections: Buffer[], opts: ConstructorParameters<typeof TsAnalyzer>[0] = {}): { an: TsAnalyzer; seen: Scte35Cue[] } {
  const seen: Scte35Cue[] = [];
  const an = new TsAnalyzer({ ...opts, onCue: opts.onCue ?? ((c) => seen.push(c)) });
  const b = new StreamBuilder();
  drive(an, T0, T0 + 1000, (t) => healthyStep(b, t));
  sections.forEach((s, i) => an.push(b.section(CUE_PID, s), T0 + 1000 + i));
  drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t));
  return { an, seen };
}

describe('SCTE-35 through the analyzer', () => {
  it('decodes splice_insert with a break duration (SCTE 35 §14.2)', () => {
    const section = Buffer.from(SAMPLE_14_2_SPLICE_INSERT, 'base64');
    const { an, seen } = analyse([section]);
    assert.equal(seen.length, 1);
    const cue = seen[0]!;
    assert.equal(cue.at, T0 + 1000);
    assert.equal(cue.pid, CUE_PID);
    assert.equal(cue.crcValid, true);
    assert.equal(cue.commandType, 'splice_insert');
    assert.equal(cue.ptsAdjustment, 0);
    assert.equal(cue.tier, 0xfff);
    const si = cue.spliceInsert!;
    assert.equal(si.eventId, 0x4800008f);
    assert.equal(si.cancel, false);
    assert.equal(si.outOfNetwork, true);
    assert.equal(si.immediate, false);
    assert.equal(si.spliceTimePts, 0x07369c02e);
    assert.equal(si.spliceTimeSeconds, 0x07369c02e / 90_000);
    assert.equal(Math.round(si.breakDurationSeconds! * 1e6) / 1e6, 60.293567);
    assert.equal(si.autoReturn, true);
    assert.equal(cue.raw, SAMPLE_14_2_SPLICE_INSERT);
    assert.equal(cue.segmentation, undefined);
    assert.deepEqual(an.recentCues(), seen);
    assert.deepEqual(an.snapshot().scte35, { pids: [CUE_PID], cues: 1, crcErrors: 0, decodeErrors: 0, lastCueAt: T0 + 1000 });
    assert.equal(an.snapshot().tr101290.ccError.count, 0);
  });

  it('decodes time_signal with a segmentation descriptor and a TI UPID (SCTE 35 §14.1)', () => {
    const { seen } = analyse([Buffer.from(SAMPLE_14_1_TIME_SIGNAL, 'base64')]);
    const cue = seen[0]!;
    assert.equal(cue.commandType, 'time_signal');
    assert.deepEqual(cue.timeSignal, { ptsTime: 0x072bd0050, seconds: 0x072bd0050 / 90_000 });
    assert.deepEqual(cue.segmentation, [
      {
        eventId: 0x4800008e,
        cancel: false,
        typeId: 0x34,
        typeName: 'Provider Placement Opportunity Start',
        upidType: 0x08,
        upidTypeName: 'TI',
        upid: { hex: '000000002ca0a18a' },
        durationSeconds: 307,
        segmentNum: 2,
        segmentsExpected: 0,
      },
    ]);
  });

  it('shows an ADI UPID as text', () => {
    const section = buildTimeSignal({
      ptsTime: 900_000,
      segmentation: [
        {
          segmentationEventId: 77,
          segmentationTypeId: SEGMENTATION_TYPE.DISTRIBUTOR_PLACEMENT_OPPORTUNITY_START,
          upidType: SEGMENTATION_UPID_TYPE.ADI,
          upid: Buffer.from('SIGNAL:abc-123', 'latin1'),
          segmentationDuration: 30 * 90_000,
          segmentNum: 1,
          segmentsExpected: 1,
        },
      ],
    });
    const seg = analyse([section]).seen[0]!.segmentation![0]!;
    assert.equal(seg.typeName, 'Distributor Placement Opportunity Start');
    assert.equal(seg.upidTypeName, 'ADI');
    assert.deepEqual(seg.upid, { hex: Buffer.from('SIGNAL:abc-123').toString('hex'), text: 'SIGNAL:abc-123' });
    assert.equal(seg.durationSeconds, 30);
  });

  it('decodes a splice_null heartbeat with the legacy command length', () => {
    const cue = analyse([Buffer.from(SPLICE_NULL_HEX, 'hex')]).seen[0]!;
    assert.equal(cue.commandType, 'splice_null');
    assert.equal(cue.crcValid, true);
    assert.equal(cue.spliceInsert, undefined);
    assert.equal(cue.timeSignal, undefined);
  });

  it('reports a corrupted CRC as crcValid false and counts it, still decoding the fields', () => {
    const section = Buffer.from(SAMPLE_14_2_SPLICE_INSERT, 'base64');
    section[section.length - 2] ^= 0x01;
    const { an, seen } = analyse([section, Buffer.from(SPLICE_NULL_HEX, 'hex')]);
    assert.deepEqual(seen.map((c) => c.crcValid), [false, true]);
    assert.equal(seen[0]!.spliceInsert!.eventId, 0x4800008f);
    assert.equal(an.snapshot().scte35.crcErrors, 1);
    assert.equal(an.snapshot().scte35.cues, 2);
  });

  it('keeps only the last maxCues, oldest first, and survives an onCue that throws', () => {
    const sections = [1, 2, 3, 4, 5].map((id) => buildSpliceInsert({ spliceEventId: id, breakDuration: 90_000 }));
    const { an } = analyse(sections, {
      maxCues: 3,
      onCue: () => {
        throw new Error('owner bug');
      },
    });
    assert.deepEqual(an.recentCues().map((c) => c.spliceInsert!.eventId), [3, 4, 5]);
    assert.deepEqual(an.recentCues(2).map((c) => c.spliceInsert!.eventId), [4, 5]);
    const s = an.snapshot();
    assert.equal(s.scte35.cues, 5);
    assert.equal(s.callbackErrors, 5);
    assert.equal(s.pids.find((p) => p.pid === VIDEO)!.packets, 100, 'analysis went on');
  });

  it('reads SCTE-35 from a PID given in the options even when the PMT does not declare it', () => {
    const an = new TsAnalyzer({ scte35Pids: [0x300] });
    const b = new StreamBuilder();
    drive(an, T0, T0 + 200, (t) => healthyStep(b, t));
    an.push(b.section(0x300, buildSpliceInsert({ spliceEventId: 9 })), T0 + 200);
    assert.equal(an.recentCues()[0]!.spliceInsert!.eventId, 9);
    assert.equal(an.recentCues()[0]!.spliceInsert!.immediate, true);
  });
});

describe('buildCue', () => {
  it('applies pts_adjustment (wrapping at 33 bits) and computes the pre-roll from the PCR', () => {
    const pts = 2 ** 33 - 90_000;
    const cue = buildCue(buildSpliceInsert({ spliceEventId: 1, ptsTime: pts, ptsAdjustment: 180_000 }), CUE_PID, 5, (90_000 - 8 * 90_000) * 300 + 2 ** 33 * 300);
    assert.equal(cue.ptsAdjustment, 180_000);
    assert.equal(cue.spliceInsert!.spliceTimePts, 90_000);
    assert.equal(cue.prerollSeconds, 8);
  });

  it('names the command of a section the decoder refuses and keeps its raw bytes', () => {
    const section = Buffer.from(SAMPLE_14_2_SPLICE_INSERT, 'base64');
    section[4] |= 0x80; // encrypted_packet
    fixCrc(section);
    const cue = buildCue(section, CUE_PID, 1);
    assert.match(cue.decodeError!, /encrypted/);
    assert.equal(cue.commandType, 'splice_insert');
    assert.equal(cue.crcValid, true);
    assert.equal(cue.tier, 0xfff);
    assert.equal(Buffer.from(cue.raw, 'base64').equals(section), true);
  });

  it('gives reserved segmentation types a readable name', () => {
    const section = buildTimeSignal({ segmentation: [{ segmentationEventId: 1, segmentationTypeId: 0x60 }] });
    const seg = buildCue(section, CUE_PID, 1).segmentation![0]!;
    assert.equal(seg.typeName, 'Reserved (0x60)');
    assert.equal(seg.upidTypeName, 'Not Used');
  });
});

describe('SCTE-35 pre-roll in the stream', () => {
  it('measures how far ahead of the PCR a cue arrives', () => {
    const an = new TsAnalyzer();
    const b = new StreamBuilder();
    drive(an, T0, T0 + 1000, (t) => healthyStep(b, t));
    const pcrNow = pcrAt(T0 + 980) / 300;
    an.push(b.section(CUE_PID, buildSpliceInsert({ spliceEventId: 2, ptsTime: pcrNow + 4 * 90_000 })), T0 + 990);
    an.push(b.es(AUDIO), T0 + 990);
    assert.equal(an.recentCues(1)[0]!.prerollSeconds, 4);
  });
});
