import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc32mpeg2 } from './crc32-mpeg2.js';
import { buildSpliceInsert, buildSpliceNull, buildTimeSignal } from './scte35-builders.js';
import { decodeSpliceInfoSection } from './scte35-decoder.js';
import { encodeSpliceInfoSection } from './scte35-encoder.js';
import type { SegmentationDescriptor, SpliceInfoSection, SpliceInsert } from './scte35-types.js';

// ANSI/SCTE 35 §14 sample messages. Expected values are those the spec lists and that
// independent decoders (Comcast scte35-go, SCTE35Parser for Swift) assert for them.
const SAMPLE_14_1 = '/DA0AAAAAAAA///wBQb+cr0AUAAeAhxDVUVJSAAAjn/PAAGlmbAICAAAAAAsoKGKNAIAmsnRfg==';
const SAMPLE_14_2 = '/DAvAAAAAAAA///wFAVIAACPf+/+c2nALv4AUsz1AAAAAAAKAAhDVUVJAAABNWLbowo=';
const SAMPLE_14_3 = '/DAvAAAAAAAA///wBQb+dGKQoAAZAhdDVUVJSAAAjn+fCAgAAAAALKChijUCAKnMZ1g=';
const SAMPLE_14_4 = '/DBIAAAAAAAA///wBQb+ek2ItgAyAhdDVUVJSAAAGH+fCAgAAAAALMvDRBEAAAIXQ1VFSUgAABl/nwgIAAAAACyk26AQAACZcuND';

function decode(buf: Uint8Array): SpliceInfoSection {
  const r = decodeSpliceInfoSection(buf);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.value;
}

function reencode(s: SpliceInfoSection): Buffer {
  return encodeSpliceInfoSection({ ...s, descriptors: s.descriptors });
}

describe('SCTE-35 decoder on the spec samples', () => {
  it('14.1 time_signal, placement opportunity start', () => {
    const bytes = Buffer.from(SAMPLE_14_1, 'base64');
    assert.equal(bytes.toString('hex'), 'fc3034000000000000fffff00506fe72bd0050001e021c435545494800008e7fcf0001a599b00808000000002ca0a18a3402009ac9d17e');
    const s = decode(bytes);
    assert.equal(s.tableId, 0xfc);
    assert.equal(s.sectionLength, 52);
    assert.equal(s.sapType, 3);
    assert.equal(s.protocolVersion, 0);
    assert.equal(s.encryptedPacket, false);
    assert.equal(s.ptsAdjustment, 0);
    assert.equal(s.cwIndex, 0xff);
    assert.equal(s.tier, 0xfff);
    assert.equal(s.spliceCommandLength, 5);
    assert.equal(s.spliceCommandType, 6);
    assert.deepEqual(s.command, { type: 'time_signal', ptsTime: 0x072bd0050 });
    assert.equal(s.descriptorLoopLength, 30);
    assert.equal(s.descriptors.length, 1);
    const d = s.descriptors[0] as SegmentationDescriptor;
    assert.equal(d.type, 'segmentation');
    assert.equal(d.identifier, 'CUEI');
    assert.equal(d.segmentationEventId, 0x4800008e);
    assert.equal(d.segmentationEventCancel, false);
    assert.equal(d.programSegmentation, true);
    assert.deepEqual(d.deliveryRestrictions, { webDeliveryAllowed: false, noRegionalBlackout: true, archiveAllowed: true, deviceRestrictions: 3 });
    assert.equal(d.segmentationDuration, 0x0001a599b0);
    assert.equal(d.segmentationDuration / 90_000, 307);
    assert.equal(d.upidType, 0x08);
    assert.equal(d.upid.toString('hex'), '000000002ca0a18a');
    assert.equal(d.segmentationTypeId, 0x34);
    assert.equal(d.segmentNum, 2);
    assert.equal(d.segmentsExpected, 0);
    assert.equal(d.subSegmentNum, undefined, 'pre-2016 layout: no sub-segment bytes');
    assert.equal(s.crc32, 0x9ac9d17e);
    assert.equal(s.crcValid, true);
    assert.ok(reencode(s).equals(bytes), 're-encodes to the same bytes');
  });

  it('14.2 splice_insert with avail descriptor', () => {
    const bytes = Buffer.from(SAMPLE_14_2, 'base64');
    const s = decode(bytes);
    const c = s.command as SpliceInsert;
    assert.equal(c.type, 'splice_insert');
    assert.equal(c.spliceEventId, 0x4800008f);
    assert.equal(c.spliceEventCancel, false);
    assert.equal(c.outOfNetwork, true);
    assert.equal(c.programSplice, true);
    assert.equal(c.spliceImmediate, false);
    assert.equal(c.ptsTime, 0x07369c02e);
    assert.deepEqual(c.breakDuration, { autoReturn: true, duration: 0x00052ccf5 });
    assert.equal(Math.round((c.breakDuration!.duration / 90_000) * 1e6) / 1e6, 60.293567);
    assert.equal(c.uniqueProgramId, 0);
    assert.equal(c.availNum, 0);
    assert.equal(c.availsExpected, 0);
    assert.deepEqual(s.descriptors, [{ type: 'avail', identifier: 'CUEI', providerAvailId: 0x135 }]);
    assert.equal(s.crc32, 0x62dba30a);
    assert.equal(s.crcValid, true);
    assert.ok(reencode(s).equals(bytes));
  });

  it('14.3 and 14.4 time_signals with one and two segmentation descriptors', () => {
    const s3 = decode(Buffer.from(SAMPLE_14_3, 'base64'));
    assert.deepEqual(s3.command, { type: 'time_signal', ptsTime: 0x0746290a0 });
    const d3 = s3.descriptors[0] as SegmentationDescriptor;
    assert.equal(d3.segmentationTypeId, 0x35);
    assert.equal(d3.segmentationDuration, undefined);
    assert.equal(d3.deliveryRestrictions?.webDeliveryAllowed, true);
    assert.equal(s3.crc32, 0xa9cc6758);

    const s4 = decode(Buffer.from(SAMPLE_14_4, 'base64'));
    assert.deepEqual(s4.command, { type: 'time_signal', ptsTime: 0x07a4d88b6 });
    const ds = s4.descriptors as SegmentationDescriptor[];
    assert.deepEqual(
      ds.map((d) => [d.segmentationEventId, d.segmentationTypeId, d.upid.toString('hex')]),
      [
        [0x48000018, 0x11, '000000002ccbc344'],
        [0x48000019, 0x10, '000000002ca4dba0'],
      ],
    );
    assert.equal(s4.crc32, 0x9972e343);
    for (const b64 of [SAMPLE_14_3, SAMPLE_14_4]) assert.equal(reencode(decode(Buffer.from(b64, 'base64'))).toString('base64'), b64);
  });
});

describe('SCTE-35 encoder round trips', () => {
  it('splice_null', () => {
    const b = buildSpliceNull();
    const s = decode(b);
    assert.deepEqual(s.command, { type: 'splice_null' });
    assert.equal(s.spliceCommandLength, 0);
    assert.equal(s.descriptors.length, 0);
    assert.equal(b.length, 20);
    assert.ok(s.crcValid);
  });

  it('splice_insert: timed with break, immediate, and cancel', () => {
    const timed = decode(
      buildSpliceInsert({ spliceEventId: 0xffffffff, ptsTime: 2 ** 33 - 1, breakDuration: 30 * 90_000, uniqueProgramId: 0xbeef, availNum: 2, availsExpected: 3, ptsAdjustment: 2 ** 32 + 5, tier: 0x123 }),
    );
    assert.deepEqual(timed.command, {
      type: 'splice_insert',
      spliceEventId: 0xffffffff,
      spliceEventCancel: false,
      outOfNetwork: true,
      programSplice: true,
      spliceImmediate: false,
      ptsTime: 2 ** 33 - 1,
      breakDuration: { autoReturn: true, duration: 2_700_000 },
      uniqueProgramId: 0xbeef,
      availNum: 2,
      availsExpected: 3,
    });
    assert.equal(timed.ptsAdjustment, 2 ** 32 + 5);
    assert.equal(timed.tier, 0x123);

    const immediate = decode(buildSpliceInsert({ spliceEventId: 1, outOfNetwork: false })).command as SpliceInsert;
    assert.equal(immediate.spliceImmediate, true);
    assert.equal(immediate.outOfNetwork, false);
    assert.equal(immediate.ptsTime, undefined);
    assert.equal(immediate.breakDuration, undefined);

    const cancel = decode(buildSpliceInsert({ spliceEventId: 9, cancel: true }));
    assert.equal(cancel.spliceCommandLength, 5);
    assert.equal((cancel.command as SpliceInsert).spliceEventCancel, true);
  });

  it('component-mode splice_insert', () => {
    const cmd: SpliceInsert = {
      type: 'splice_insert',
      spliceEventId: 5,
      spliceEventCancel: false,
      outOfNetwork: true,
      programSplice: false,
      spliceImmediate: false,
      components: [{ componentTag: 1, ptsTime: 100 }, { componentTag: 2, ptsTime: undefined }],
      uniqueProgramId: 1,
      availNum: 0,
      availsExpected: 0,
    };
    assert.deepEqual(decode(encodeSpliceInfoSection({ command: cmd })).command, cmd);
  });

  it('time_signal with several segmentation descriptors', () => {
    const b = buildTimeSignal({
      ptsTime: 123_456,
      segmentation: [
        { segmentationEventId: 1, segmentationTypeId: 0x34, segmentationDuration: 2 ** 40 - 1, upidType: 0x0c, upid: Buffer.from('MPU-ID'), segmentNum: 1, segmentsExpected: 2, subSegmentNum: 3, subSegmentsExpected: 4 },
        { segmentationEventId: 2, segmentationTypeId: 0x35, deliveryRestrictions: { webDeliveryAllowed: true, noRegionalBlackout: false, archiveAllowed: true, deviceRestrictions: 1 } },
        { segmentationEventId: 3, segmentationTypeId: 0x30, cancel: true },
      ],
    });
    const s = decode(b);
    const [a, c, d] = s.descriptors as SegmentationDescriptor[];
    assert.equal(a!.segmentationDuration, 2 ** 40 - 1);
    assert.equal(a!.upid.toString(), 'MPU-ID');
    assert.deepEqual([a!.subSegmentNum, a!.subSegmentsExpected], [3, 4]);
    assert.equal(a!.deliveryRestrictions, undefined);
    assert.deepEqual(c!.deliveryRestrictions, { webDeliveryAllowed: true, noRegionalBlackout: false, archiveAllowed: true, deviceRestrictions: 1 });
    assert.equal(d!.segmentationEventCancel, true);
    assert.ok(reencode(s).equals(b));
  });

  it('refuses values that do not fit their fields', () => {
    assert.throws(() => buildTimeSignal({ ptsTime: 2 ** 33 }), RangeError);
    assert.throws(() => buildTimeSignal({ segmentation: [{ segmentationEventId: 1, segmentationTypeId: 0x34, upid: Buffer.alloc(256) }] }), RangeError);
  });
});

describe('SCTE-35 decoder robustness', () => {
  it('decodes with a bad CRC but says so', () => {
    const b = buildSpliceInsert({ spliceEventId: 42, ptsTime: 1000 });
    b[b.length - 1] ^= 0xff;
    const s = decode(b);
    assert.equal(s.crcValid, false);
    assert.equal((s.command as SpliceInsert).spliceEventId, 42);
  });

  it('reads a legacy splice_command_length of 0xFFF from the command syntax', () => {
    const b = buildTimeSignal({ ptsTime: 77, segmentation: [{ segmentationEventId: 5, segmentationTypeId: 0x22 }] });
    b[11] |= 0x0f;
    b[12] = 0xff;
    b.writeUInt32BE(crc32mpeg2(b, 0, b.length - 4), b.length - 4);
    const s = decode(b);
    assert.equal(s.spliceCommandLength, 0xfff);
    assert.deepEqual(s.command, { type: 'time_signal', ptsTime: 77 });
    assert.equal((s.descriptors[0] as SegmentationDescriptor).segmentationEventId, 5);
  });

  it('never throws: truncations, bit flips and random bytes', () => {
    const samples = [SAMPLE_14_1, SAMPLE_14_2, SAMPLE_14_4].map((b) => Buffer.from(b, 'base64'));
    for (const good of samples) {
      for (let n = 0; n < good.length; n++) {
        const r = decodeSpliceInfoSection(good.subarray(0, n));
        assert.equal(r.ok, false, `truncated to ${n}`);
      }
      for (let bit = 0; bit < good.length * 8; bit++) {
        const b = Buffer.from(good);
        b[bit >> 3] ^= 0x80 >> (bit & 7);
        const r = decodeSpliceInfoSection(b);
        if (r.ok) assert.equal(r.value.crcValid, false, `bit ${bit} flipped yet CRC valid`);
      }
    }
    let x = 1;
    for (let i = 0; i < 20_000; i++) {
      const b = Buffer.alloc(3 + (i % 64));
      for (let k = 0; k < b.length; k++) b[k] = (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) >>> 24;
      b[0] = 0xfc;
      b[1] = (b[1]! & 0xf0) | 0;
      b[2] = b.length - 3;
      const r = decodeSpliceInfoSection(b);
      assert.equal(typeof r.ok, 'boolean');
    }
  });

  it('rejects other tables and encrypted sections with a reason', () => {
    assert.deepEqual(decodeSpliceInfoSection(Buffer.from('00b00d0001c100000001f0002ab104b2', 'hex')), { ok: false, reason: 'table_id 0x0 is not 0xfc' });
    const enc = buildSpliceNull();
    enc[4] |= 0x80;
    const r = decodeSpliceInfoSection(enc);
    assert.equal(r.ok, false);
  });
});
