// splice_info_section reader. Every read is bounds-checked; anything malformed becomes
// { ok: false, reason } so a corrupt cue on the wire can never take the ingest down.
import { crc32mpeg2 } from './crc32-mpeg2.js';
import {
  type Scte35DecodeResult,
  SCTE35_TABLE_ID,
  SEGMENTATION_TYPES_WITH_SUB_SEGMENTS,
  type SegmentationDescriptor,
  SPLICE_COMMAND_TYPE,
  SPLICE_DESCRIPTOR_TAG,
  type SpliceCommand,
  type SpliceDescriptor,
  type SpliceInsert,
} from './scte35-types.js';

class Malformed extends Error {}

class Reader {
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
    public readonly end: number,
  ) {}
  get remaining(): number {
    return this.end - this.pos;
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new Malformed(`${what} runs past its length`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = (this.b[this.pos]! << 8) | this.b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const p = this.pos;
    this.pos += 4;
    return ((this.b[p]! << 24) | (this.b[p + 1]! << 16) | (this.b[p + 2]! << 8) | this.b[p + 3]!) >>> 0;
  }
  /** Low bit of the current byte and the next 32 bits. */
  u33(what: string): number {
    const hi = this.u8(what) & 0x01;
    return hi * 2 ** 32 + this.u32(what);
  }
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const out = Buffer.from(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }
  sub(n: number, what: string): Reader {
    this.need(n, what);
    const r = new Reader(this.b, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
}

/** splice_time(): the flag byte tells whether 33 bits of PTS follow in the same 5 bytes. */
function readSpliceTime(r: Reader): number | undefined {
  r.need(1, 'splice_time');
  const specified = (r.u8('splice_time') & 0x80) !== 0;
  if (!specified) return undefined;
  r.pos--;
  return r.u33('splice_time');
}

function readSpliceInsert(r: Reader): SpliceInsert {
  const c: SpliceInsert = {
    type: 'splice_insert',
    spliceEventId: r.u32('splice_event_id'),
    spliceEventCancel: (r.u8('splice_insert flags') & 0x80) !== 0,
    outOfNetwork: false,
    programSplice: false,
    spliceImmediate: false,
    uniqueProgramId: 0,
    availNum: 0,
    availsExpected: 0,
  };
  if (c.spliceEventCancel) return c;
  const f = r.u8('splice_insert flags');
  c.outOfNetwork = (f & 0x80) !== 0;
  c.programSplice = (f & 0x40) !== 0;
  const durationFlag = (f & 0x20) !== 0;
  c.spliceImmediate = (f & 0x10) !== 0;
  if (c.programSplice) {
    if (!c.spliceImmediate) c.ptsTime = readSpliceTime(r);
  } else {
    const count = r.u8('component_count');
    c.components = [];
    for (let i = 0; i < count; i++) {
      const componentTag = r.u8('component_tag');
      c.components.push(c.spliceImmediate ? { componentTag } : { componentTag, ptsTime: readSpliceTime(r) });
    }
  }
  if (durationFlag) {
    r.need(5, 'break_duration');
    const autoReturn = (r.u8('break_duration') & 0x80) !== 0;
    r.pos--;
    c.breakDuration = { autoReturn, duration: r.u33('break_duration') };
  }
  c.uniqueProgramId = r.u16('unique_program_id');
  c.availNum = r.u8('avail_num');
  c.availsExpected = r.u8('avails_expected');
  return c;
}

function readCommand(type: number, r: Reader): SpliceCommand {
  switch (type) {
    case SPLICE_COMMAND_TYPE.SPLICE_NULL:
      return { type: 'splice_null' };
    case SPLICE_COMMAND_TYPE.BANDWIDTH_RESERVATION:
      return { type: 'bandwidth_reservation' };
    case SPLICE_COMMAND_TYPE.TIME_SIGNAL:
      return { type: 'time_signal', ptsTime: readSpliceTime(r) };
    case SPLICE_COMMAND_TYPE.SPLICE_INSERT:
      return readSpliceInsert(r);
    case SPLICE_COMMAND_TYPE.PRIVATE_COMMAND:
      return { type: 'private_command', identifier: r.u32('private_command identifier'), data: r.bytes(r.remaining, '') };
    default:
      return { type: 'unknown', commandType: type, data: r.bytes(r.remaining, '') };
  }
}

function readSegmentation(identifier: string, r: Reader): SegmentationDescriptor {
  const d: SegmentationDescriptor = {
    type: 'segmentation',
    identifier,
    segmentationEventId: r.u32('segmentation_event_id'),
    segmentationEventCancel: (r.u8('segmentation flags') & 0x80) !== 0,
    programSegmentation: true,
    upidType: 0,
    upid: Buffer.alloc(0),
    segmentationTypeId: 0,
    segmentNum: 0,
    segmentsExpected: 0,
  };
  if (d.segmentationEventCancel) return d;
  const f = r.u8('segmentation flags');
  d.programSegmentation = (f & 0x80) !== 0;
  const durationFlag = (f & 0x40) !== 0;
  if ((f & 0x20) === 0) {
    d.deliveryRestrictions = {
      webDeliveryAllowed: (f & 0x10) !== 0,
      noRegionalBlackout: (f & 0x08) !== 0,
      archiveAllowed: (f & 0x04) !== 0,
      deviceRestrictions: f & 0x03,
    };
  }
  if (!d.programSegmentation) {
    const count = r.u8('component_count');
    d.components = [];
    for (let i = 0; i < count; i++) d.components.push({ componentTag: r.u8('component_tag'), ptsOffset: r.u33('pts_offset') });
  }
  if (durationFlag) {
    const hi = r.u8('segmentation_duration');
    d.segmentationDuration = hi * 2 ** 32 + r.u32('segmentation_duration');
  }
  d.upidType = r.u8('segmentation_upid_type');
  const upidLength = r.u8('segmentation_upid_length');
  d.upid = r.bytes(upidLength, 'segmentation_upid');
  d.segmentationTypeId = r.u8('segmentation_type_id');
  d.segmentNum = r.u8('segment_num');
  d.segmentsExpected = r.u8('segments_expected');
  // Optional on the wire: encoders older than SCTE 35 2016 stop here even for these types.
  if (SEGMENTATION_TYPES_WITH_SUB_SEGMENTS.has(d.segmentationTypeId) && r.remaining >= 2) {
    d.subSegmentNum = r.u8('sub_segment_num');
    d.subSegmentsExpected = r.u8('sub_segments_expected');
  }
  return d;
}

function readDescriptor(r: Reader): SpliceDescriptor {
  const tag = r.u8('splice_descriptor_tag');
  const len = r.u8('descriptor_length');
  const body = r.sub(len, `splice descriptor 0x${tag.toString(16)}`);
  const identifier = body.bytes(4, 'descriptor identifier').toString('latin1');
  if (tag === SPLICE_DESCRIPTOR_TAG.AVAIL) {
    return { type: 'avail', identifier, providerAvailId: body.u32('provider_avail_id') };
  }
  if (tag === SPLICE_DESCRIPTOR_TAG.SEGMENTATION) return readSegmentation(identifier, body);
  return { type: 'unknown', tag, identifier, data: body.bytes(body.remaining, '') };
}

/** Decodes a splice_info_section starting at byte 0 of `buf`; bytes after it are ignored. */
export function decodeSpliceInfoSection(buf: Uint8Array): Scte35DecodeResult {
  try {
    if (buf.length < 3) return { ok: false, reason: 'shorter than a section header' };
    if (buf[0] !== SCTE35_TABLE_ID) return { ok: false, reason: `table_id 0x${buf[0]!.toString(16)} is not 0xfc` };
    const sectionLength = ((buf[1]! & 0x0f) << 8) | buf[2]!;
    const total = 3 + sectionLength;
    if (total > buf.length) return { ok: false, reason: `section_length ${sectionLength} runs past the ${buf.length} bytes given` };
    if (sectionLength < 17) return { ok: false, reason: `section_length ${sectionLength} too small` };
    const crcValid = crc32mpeg2(buf, 0, total) === 0;

    const r = new Reader(buf, 3, total - 4);
    const protocolVersion = r.u8('protocol_version');
    const encByte = r.u8('encrypted_packet');
    r.pos--;
    const ptsAdjustment = r.u33('pts_adjustment');
    const encryptedPacket = (encByte & 0x80) !== 0;
    const encryptionAlgorithm = (encByte >> 1) & 0x3f;
    if (encryptedPacket) return { ok: false, reason: 'encrypted splice_info_section is not supported' };
    const cwIndex = r.u8('cw_index');
    const t = r.u8('tier') << 16;
    const tierAndLength = t | r.u16('tier');
    const tier = tierAndLength >> 12;
    const spliceCommandLength = tierAndLength & 0x0fff;
    const spliceCommandType = r.u8('splice_command_type');

    let command: SpliceCommand;
    if (spliceCommandLength === 0xfff) {
      // Legacy encoders: length unknown, the command's own syntax says where it ends.
      const cr = new Reader(buf, r.pos, r.end - 2);
      command = readCommand(spliceCommandType, cr);
      r.pos = cr.pos;
    } else {
      // Lenient about trailing bytes inside the declared command length; strict about overruns.
      command = readCommand(spliceCommandType, r.sub(spliceCommandLength, 'splice command'));
    }

    const descriptorLoopLength = r.u16('descriptor_loop_length');
    const loop = r.sub(descriptorLoopLength, 'descriptor loop');
    const descriptors: SpliceDescriptor[] = [];
    while (loop.remaining > 0) descriptors.push(readDescriptor(loop));

    return {
      ok: true,
      value: {
        tableId: buf[0]!,
        sectionSyntaxIndicator: (buf[1]! & 0x80) !== 0,
        privateIndicator: (buf[1]! & 0x40) !== 0,
        sapType: (buf[1]! >> 4) & 0x03,
        sectionLength,
        protocolVersion,
        encryptedPacket,
        encryptionAlgorithm,
        ptsAdjustment,
        cwIndex,
        tier,
        spliceCommandLength,
        spliceCommandType,
        command,
        descriptorLoopLength,
        descriptors,
        crc32: ((buf[total - 4]! << 24) | (buf[total - 3]! << 16) | (buf[total - 2]! << 8) | buf[total - 1]!) >>> 0,
        crcValid,
      },
    };
  } catch (err) {
    return { ok: false, reason: err instanceof Malformed ? err.message : `decoder error: ${String(err)}` };
  }
}
