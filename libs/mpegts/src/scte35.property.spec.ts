// Properties of the SCTE-35 splice_info_section decoder and encoder, over generated input
// (fast-check, fixed seed; FC_SEED / FC_RUNS to explore further).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeSpliceInfoSection } from './scte35-decoder.js';
import { encodeSpliceInfoSection, type SpliceInfoSectionInput } from './scte35-encoder.js';
import { SEGMENTATION_TYPES_WITH_SUB_SEGMENTS, type SegmentationDescriptor, type SpliceCommand, type SpliceDescriptor } from './scte35-types.js';

const PARAMS = { seed: Number(process.env['FC_SEED'] ?? 20261201), numRuns: Number(process.env['FC_RUNS'] ?? 500) };
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const pts = fc.integer({ min: 0, max: 2 ** 33 - 1 });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((u) => Buffer.from(u));
const identifier = fc.oneof(fc.constant('CUEI'), fc.uint8Array({ minLength: 4, maxLength: 4 }).map((u) => Buffer.from(u).toString('latin1')));

const spliceInsert = fc.oneof(
  fc.record({ spliceEventId: u32 }).map((c) => ({ type: 'splice_insert' as const, ...c, spliceEventCancel: true, outOfNetwork: false, programSplice: false, spliceImmediate: false, uniqueProgramId: 0, availNum: 0, availsExpected: 0 })),
  fc
    .record({
      spliceEventId: u32,
      outOfNetwork: fc.boolean(),
      programSplice: fc.boolean(),
      spliceImmediate: fc.boolean(),
      ptsTime: fc.option(pts, { nil: undefined }),
      components: fc.array(fc.record({ componentTag: u8, ptsTime: fc.option(pts, { nil: undefined }) }), { maxLength: 5 }),
      breakDuration: fc.option(fc.record({ autoReturn: fc.boolean(), duration: pts }), { nil: undefined }),
      uniqueProgramId: u16,
      availNum: u8,
      availsExpected: u8,
    })
    .map(({ components, ptsTime, ...c }) => ({
      type: 'splice_insert' as const,
      ...c,
      spliceEventCancel: false,
      ...(c.programSplice ? (c.spliceImmediate ? {} : { ptsTime }) : { components: components.map((k) => (c.spliceImmediate ? { componentTag: k.componentTag } : k)) }),
    })),
);

const command: fc.Arbitrary<SpliceCommand> = fc.oneof(
  fc.constant({ type: 'splice_null' as const }),
  fc.constant({ type: 'bandwidth_reservation' as const }),
  fc.option(pts, { nil: undefined }).map((ptsTime) => ({ type: 'time_signal' as const, ptsTime })),
  spliceInsert,
  fc.record({ identifier: u32, data: bytes(64) }).map((c) => ({ type: 'private_command' as const, ...c })),
  fc.record({ commandType: fc.integer({ min: 0x08, max: 0xfe }), data: bytes(64) }).map((c) => ({ type: 'unknown' as const, ...c })),
);

const segmentation: fc.Arbitrary<SegmentationDescriptor> = fc
  .record({
    identifier,
    segmentationEventId: u32,
    segmentationEventCancel: fc.boolean(),
    programSegmentation: fc.boolean(),
    deliveryRestrictions: fc.option(fc.record({ webDeliveryAllowed: fc.boolean(), noRegionalBlackout: fc.boolean(), archiveAllowed: fc.boolean(), deviceRestrictions: fc.integer({ min: 0, max: 3 }) }), { nil: undefined }),
    components: fc.array(fc.record({ componentTag: u8, ptsOffset: pts }), { maxLength: 4 }),
    segmentationDuration: fc.option(fc.integer({ min: 0, max: 2 ** 40 - 1 }), { nil: undefined }),
    upidType: u8,
    upid: bytes(40),
    segmentationTypeId: u8,
    segmentNum: u8,
    segmentsExpected: u8,
    sub: fc.option(fc.tuple(u8, u8), { nil: undefined }),
  })
  .map(({ sub, components, ...d }) => {
    if (d.segmentationEventCancel) {
      return { type: 'segmentation', identifier: d.identifier, segmentationEventId: d.segmentationEventId, segmentationEventCancel: true, programSegmentation: true, upidType: 0, upid: Buffer.alloc(0), segmentationTypeId: 0, segmentNum: 0, segmentsExpected: 0 };
    }
    // sub_segment fields exist on the wire only for the types that define them.
    const subFields = sub && SEGMENTATION_TYPES_WITH_SUB_SEGMENTS.has(d.segmentationTypeId) ? { subSegmentNum: sub[0], subSegmentsExpected: sub[1] } : {};
    return { type: 'segmentation', ...d, ...(d.programSegmentation ? {} : { components }), ...subFields };
  });

const descriptorArb: fc.Arbitrary<SpliceDescriptor> = fc.oneof(
  segmentation,
  fc.record({ identifier, providerAvailId: u32 }).map((d) => ({ type: 'avail' as const, ...d })),
  fc.record({ tag: fc.integer({ min: 0x03, max: 0xff }), identifier, data: bytes(60) }).map((d) => ({ type: 'unknown' as const, ...d })),
);

const sectionInput: fc.Arbitrary<SpliceInfoSectionInput> = fc.record({
  command,
  descriptors: fc.array(descriptorArb, { maxLength: 4 }),
  sapType: fc.integer({ min: 0, max: 3 }),
  protocolVersion: u8,
  ptsAdjustment: pts,
  cwIndex: u8,
  tier: fc.integer({ min: 0, max: 0xfff }),
});

/** Plain JSON form: fields left undefined and fields absent compare equal, Buffers by content. */
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('SCTE-35 splice_info_section (property)', () => {
  it('the decoder never throws on arbitrary bytes, also ones that start like a section', () => {
    const sectionLike = fc.tuple(fc.integer({ min: 0, max: 0x0f }), fc.uint8Array({ maxLength: 400 })).map(([hi, rest]) => Uint8Array.from([0xfc, 0x30 | hi, ...rest]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), sectionLike), (buf) => {
        const r = decodeSpliceInfoSection(buf);
        assert.ok(r.ok || (typeof r.reason === 'string' && !r.reason.startsWith('decoder error')), !r.ok ? r.reason : '');
      }),
      PARAMS,
    );
  });

  it('nor on a valid section with bytes damaged or cut short', () => {
    fc.assert(
      fc.property(sectionInput, fc.array(fc.tuple(fc.nat(), u8), { maxLength: 4 }), fc.nat(), (input, damage, cut) => {
        const buf = Buffer.from(encodeSpliceInfoSection(input));
        for (const [at, value] of damage) buf[at % buf.length] = value;
        const r = decodeSpliceInfoSection(buf.subarray(0, buf.length - (cut % 4 === 0 ? cut % buf.length : 0)));
        assert.ok(r.ok || !r.reason.startsWith('decoder error'), !r.ok ? r.reason : '');
      }),
      PARAMS,
    );
  });

  it('encode, decode and re-encode is bit-exact, CRC valid, command and descriptors as given', () => {
    fc.assert(
      fc.property(sectionInput, (input) => {
        const bytes1 = encodeSpliceInfoSection(input);
        const r = decodeSpliceInfoSection(bytes1);
        assert.ok(r.ok, !r.ok ? r.reason : '');
        const s = r.value;
        assert.equal(s.crcValid, true);
        assert.deepEqual(plain(s.command), plain(input.command));
        assert.deepEqual(plain(s.descriptors), plain(input.descriptors));
        assert.deepEqual([s.sapType, s.protocolVersion, s.ptsAdjustment, s.cwIndex, s.tier], [input.sapType, input.protocolVersion, input.ptsAdjustment, input.cwIndex, input.tier]);
        const bytes2 = encodeSpliceInfoSection({ command: s.command, descriptors: s.descriptors, sapType: s.sapType, protocolVersion: s.protocolVersion, ptsAdjustment: s.ptsAdjustment, cwIndex: s.cwIndex, tier: s.tier });
        assert.ok(bytes2.equals(bytes1));
      }),
      PARAMS,
    );
  });
});
