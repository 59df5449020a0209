// splice_info_section writer. Reserved bits are written as 1, as the spec requires, so
// sections decoded from the spec's own samples re-encode to the same bytes.
import { crc32mpeg2 } from './crc32-mpeg2.js';
import {
  type BreakDuration,
  type DeliveryRestrictions,
  type SegmentationDescriptor,
  SCTE35_TABLE_ID,
  SPLICE_COMMAND_TYPE,
  SPLICE_DESCRIPTOR_TAG,
  type SpliceCommand,
  type SpliceDescriptor,
} from './scte35-types.js';

export interface SpliceInfoSectionInput {
  command: SpliceCommand;
  descriptors?: readonly SpliceDescriptor[];
  /** Default 3: "not specified". */
  sapType?: number;
  protocolVersion?: number;
  ptsAdjustment?: number;
  /** Default 0xFF, as in the spec's samples (only meaningful when encrypted). */
  cwIndex?: number;
  /** Default 0xFFF: no tier restriction. */
  tier?: number;
}

class ByteWriter {
  readonly bytes: number[] = [];
  u8(v: number): void {
    this.bytes.push(v & 0xff);
  }
  u16(v: number): void {
    this.u8(v >>> 8);
    this.u8(v);
  }
  u32(v: number): void {
    this.u16(Math.floor(v / 0x10000) & 0xffff);
    this.u16(v & 0xffff);
  }
  /** A 33-bit value: `flags` fill the top 7 bits of the first byte. */
  u33(flags: number, v: number): void {
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** 33) throw new RangeError(`${v} is not a 33-bit value`);
    this.u8(flags | (v >= 2 ** 32 ? 1 : 0));
    this.u32(v % 2 ** 32);
  }
  raw(b: Uint8Array): void {
    for (const x of b) this.bytes.push(x);
  }
  get length(): number {
    return this.bytes.length;
  }
}

function writeSpliceTime(w: ByteWriter, ptsTime: number | undefined): void {
  if (ptsTime === undefined) w.u8(0x7f);
  else w.u33(0xfe, ptsTime);
}

function writeBreakDuration(w: ByteWriter, b: BreakDuration): void {
  w.u33((b.autoReturn ? 0x80 : 0) | 0x7e, b.duration);
}

function writeCommand(w: ByteWriter, c: SpliceCommand): number {
  switch (c.type) {
    case 'splice_null':
      return SPLICE_COMMAND_TYPE.SPLICE_NULL;
    case 'bandwidth_reservation':
      return SPLICE_COMMAND_TYPE.BANDWIDTH_RESERVATION;
    case 'time_signal':
      writeSpliceTime(w, c.ptsTime);
      return SPLICE_COMMAND_TYPE.TIME_SIGNAL;
    case 'private_command':
      w.u32(c.identifier);
      w.raw(c.data);
      return SPLICE_COMMAND_TYPE.PRIVATE_COMMAND;
    case 'unknown':
      w.raw(c.data);
      return c.commandType;
    case 'splice_insert': {
      w.u32(c.spliceEventId);
      w.u8((c.spliceEventCancel ? 0x80 : 0) | 0x7f);
      if (c.spliceEventCancel) return SPLICE_COMMAND_TYPE.SPLICE_INSERT;
      const hasDuration = c.breakDuration !== undefined;
      w.u8((c.outOfNetwork ? 0x80 : 0) | (c.programSplice ? 0x40 : 0) | (hasDuration ? 0x20 : 0) | (c.spliceImmediate ? 0x10 : 0) | 0x0f);
      if (c.programSplice) {
        if (!c.spliceImmediate) writeSpliceTime(w, c.ptsTime);
      } else {
        const comps = c.components ?? [];
        w.u8(comps.length);
        for (const k of comps) {
          w.u8(k.componentTag);
          if (!c.spliceImmediate) writeSpliceTime(w, k.ptsTime);
        }
      }
      if (c.breakDuration) writeBreakDuration(w, c.breakDuration);
      w.u16(c.uniqueProgramId);
      w.u8(c.availNum);
      w.u8(c.availsExpected);
      return SPLICE_COMMAND_TYPE.SPLICE_INSERT;
    }
  }
}

function writeIdentifier(w: ByteWriter, id: string): void {
  if (id.length !== 4) throw new RangeError('splice descriptor identifier must be 4 characters');
  w.raw(Buffer.from(id, 'latin1'));
}

function writeSegmentation(w: ByteWriter, d: SegmentationDescriptor): void {
  w.u32(d.segmentationEventId);
  w.u8((d.segmentationEventCancel ? 0x80 : 0) | 0x7f);
  if (d.segmentationEventCancel) return;
  const r: DeliveryRestrictions | undefined = d.deliveryRestrictions;
  const hasDuration = d.segmentationDuration !== undefined;
  let flags = (d.programSegmentation ? 0x80 : 0) | (hasDuration ? 0x40 : 0);
  if (r) {
    flags |= (r.webDeliveryAllowed ? 0x10 : 0) | (r.noRegionalBlackout ? 0x08 : 0) | (r.archiveAllowed ? 0x04 : 0);
    flags |= r.deviceRestrictions & 0x03;
  } else {
    flags |= 0x20 | 0x1f;
  }
  w.u8(flags);
  if (!d.programSegmentation) {
    const comps = d.components ?? [];
    w.u8(comps.length);
    for (const k of comps) {
      w.u8(k.componentTag);
      w.u33(0xfe, k.ptsOffset);
    }
  }
  if (d.segmentationDuration !== undefined) {
    const v = d.segmentationDuration;
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** 40) throw new RangeError(`${v} is not a 40-bit duration`);
    w.u8(Math.floor(v / 2 ** 32));
    w.u32(v % 2 ** 32);
  }
  if (d.upid.length > 255) throw new RangeError('segmentation_upid longer than 255 bytes');
  w.u8(d.upidType);
  w.u8(d.upid.length);
  w.raw(d.upid);
  w.u8(d.segmentationTypeId);
  w.u8(d.segmentNum);
  w.u8(d.segmentsExpected);
  if (d.subSegmentNum !== undefined || d.subSegmentsExpected !== undefined) {
    w.u8(d.subSegmentNum ?? 0);
    w.u8(d.subSegmentsExpected ?? 0);
  }
}

function writeDescriptor(w: ByteWriter, d: SpliceDescriptor): void {
  const body = new ByteWriter();
  writeIdentifier(body, d.identifier);
  let tag: number;
  if (d.type === 'avail') {
    tag = SPLICE_DESCRIPTOR_TAG.AVAIL;
    body.u32(d.providerAvailId);
  } else if (d.type === 'segmentation') {
    tag = SPLICE_DESCRIPTOR_TAG.SEGMENTATION;
    writeSegmentation(body, d);
  } else {
    tag = d.tag;
    body.raw(d.data);
  }
  if (body.length > 255) throw new RangeError('splice descriptor longer than 255 bytes');
  w.u8(tag);
  w.u8(body.length);
  w.raw(Uint8Array.from(body.bytes));
}

/** Encodes an unencrypted splice_info_section including its CRC-32. */
export function encodeSpliceInfoSection(input: SpliceInfoSectionInput): Buffer {
  const cmd = new ByteWriter();
  const commandType = writeCommand(cmd, input.command);
  const desc = new ByteWriter();
  for (const d of input.descriptors ?? []) writeDescriptor(desc, d);

  const w = new ByteWriter();
  w.u8(SCTE35_TABLE_ID);
  w.u16(0); // section_length, patched below
  w.u8(input.protocolVersion ?? 0);
  w.u33(0x00, input.ptsAdjustment ?? 0); // encrypted_packet 0, encryption_algorithm 0
  w.u8(input.cwIndex ?? 0xff);
  const tier = input.tier ?? 0xfff;
  if (cmd.length > 0xffe) throw new RangeError('splice command too long');
  w.u8(tier >> 4);
  w.u8(((tier & 0x0f) << 4) | (cmd.length >> 8));
  w.u8(cmd.length & 0xff);
  w.u8(commandType);
  w.raw(Uint8Array.from(cmd.bytes));
  w.u16(desc.length);
  w.raw(Uint8Array.from(desc.bytes));

  const out = Buffer.alloc(w.length + 4);
  out.set(w.bytes);
  const sectionLength = out.length - 3;
  if (sectionLength > 4093) throw new RangeError('splice_info_section longer than 4093 bytes');
  const sap = input.sapType ?? 3;
  out[1] = ((sap & 0x03) << 4) | (sectionLength >> 8); // section_syntax_indicator 0, private_indicator 0
  out[2] = sectionLength & 0xff;
  out.writeUInt32BE(crc32mpeg2(out, 0, out.length - 4), out.length - 4);
  return out;
}
