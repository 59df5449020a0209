// What an operator (and the event log) wants to know about one splice_info_section, flattened
// from the @mld/mpegts decoder's full data model: times in seconds with pts_adjustment applied,
// segmentation types and UPIDs named, the raw section kept as base64 for re-decoding.
import {
  adjustedPts,
  crc32mpeg2,
  decodeSpliceInfoSection,
  type SegmentationDescriptor,
  type SpliceInfoSection,
  ticksToSeconds,
} from '@mld/mpegts';

export type CueCommandType =
  | 'splice_null'
  | 'splice_insert'
  | 'time_signal'
  | 'bandwidth_reservation'
  | 'private_command'
  | 'splice_schedule'
  | 'unknown';

export interface CueSpliceInsert {
  eventId: number;
  cancel: boolean;
  outOfNetwork: boolean;
  immediate: boolean;
  /** Splice time (90 kHz, pts_adjustment applied); absent when immediate or not specified. */
  spliceTimePts?: number;
  spliceTimeSeconds?: number;
  /** Component-mode splices only (program_splice_flag 0). */
  components?: { componentTag: number; spliceTimePts?: number }[];
  breakDurationSeconds?: number;
  autoReturn?: boolean;
  uniqueProgramId: number;
  availNum: number;
  availsExpected: number;
}

export interface CueTimeSignal {
  /** 90 kHz, pts_adjustment applied; absent when time_specified_flag is 0. */
  ptsTime?: number;
  seconds?: number;
}

export interface CueUpid {
  hex: string;
  /** The UPID as text, for the types defined as ASCII strings when every byte is printable. */
  text?: string;
}

export interface CueSegmentation {
  eventId: number;
  cancel: boolean;
  typeId: number;
  typeName: string;
  upidType: number;
  upidTypeName: string;
  upid: CueUpid;
  durationSeconds?: number;
  segmentNum: number;
  segmentsExpected: number;
  subSegmentNum?: number;
  subSegmentsExpected?: number;
}

export interface Scte35Cue {
  /** Arrival time (ms since the epoch, from the caller's clock) of the packet that completed the section. */
  at: number;
  pid: number;
  crcValid: boolean;
  /** 90 kHz ticks. */
  ptsAdjustment: number;
  tier: number;
  commandType: CueCommandType;
  /** splice_command_type as on the wire. */
  spliceCommandType: number;
  spliceInsert?: CueSpliceInsert;
  timeSignal?: CueTimeSignal;
  segmentation?: CueSegmentation[];
  /**
   * Seconds from the program clock (last PCR before the cue) to the splice time, when both are
   * known: how far ahead of its splice point the cue arrived. Negative means late.
   */
  prerollSeconds?: number;
  /** Set when the section could not be decoded (truncated, encrypted...); the fields above are then best effort. */
  decodeError?: string;
  /** The whole section, base64. */
  raw: string;
}

/** segmentation_type_id names, ANSI/SCTE 35 2022 table 23. */
export const SEGMENTATION_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x00: 'Not Indicated',
  0x01: 'Content Identification',
  0x10: 'Program Start',
  0x11: 'Program End',
  0x12: 'Program Early Termination',
  0x13: 'Program Breakaway',
  0x14: 'Program Resumption',
  0x15: 'Program Runover Planned',
  0x16: 'Program Runover Unplanned',
  0x17: 'Program Overlap Start',
  0x18: 'Program Blackout Override',
  0x19: 'Program Join',
  0x20: 'Chapter Start',
  0x21: 'Chapter End',
  0x22: 'Break Start',
  0x23: 'Break End',
  0x24: 'Opening Credit Start',
  0x25: 'Opening Credit End',
  0x26: 'Closing Credit Start',
  0x27: 'Closing Credit End',
  0x30: 'Provider Advertisement Start',
  0x31: 'Provider Advertisement End',
  0x32: 'Distributor Advertisement Start',
  0x33: 'Distributor Advertisement End',
  0x34: 'Provider Placement Opportunity Start',
  0x35: 'Provider Placement Opportunity End',
  0x36: 'Distributor Placement Opportunity Start',
  0x37: 'Distributor Placement Opportunity End',
  0x38: 'Provider Overlay Placement Opportunity Start',
  0x39: 'Provider Overlay Placement Opportunity End',
  0x3a: 'Distributor Overlay Placement Opportunity Start',
  0x3b: 'Distributor Overlay Placement Opportunity End',
  0x3c: 'Provider Promo Start',
  0x3d: 'Provider Promo End',
  0x3e: 'Distributor Promo Start',
  0x3f: 'Distributor Promo End',
  0x40: 'Unscheduled Event Start',
  0x41: 'Unscheduled Event End',
  0x42: 'Alternate Content Opportunity Start',
  0x43: 'Alternate Content Opportunity End',
  0x44: 'Provider Ad Block Start',
  0x45: 'Provider Ad Block End',
  0x46: 'Distributor Ad Block Start',
  0x47: 'Distributor Ad Block End',
  0x50: 'Network Start',
  0x51: 'Network End',
};

/** segmentation_upid_type names, ANSI/SCTE 35 2022 table 22. */
export const UPID_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x00: 'Not Used',
  0x01: 'User Defined (deprecated)',
  0x02: 'ISCI (deprecated)',
  0x03: 'Ad-ID',
  0x04: 'UMID',
  0x05: 'ISAN (deprecated)',
  0x06: 'ISAN',
  0x07: 'TID',
  0x08: 'TI',
  0x09: 'ADI',
  0x0a: 'EIDR',
  0x0b: 'ATSC Content Identifier',
  0x0c: 'MPU',
  0x0d: 'MID',
  0x0e: 'ADS Information',
  0x0f: 'URI',
  0x10: 'UUID',
  0x11: 'SCR',
};

/** UPID types whose value is defined as a character string. */
const TEXT_UPID_TYPES: ReadonlySet<number> = new Set([0x01, 0x02, 0x03, 0x07, 0x09, 0x0e, 0x0f, 0x11]);

const COMMAND_TYPES: Readonly<Record<number, CueCommandType>> = {
  0x00: 'splice_null',
  0x04: 'splice_schedule',
  0x05: 'splice_insert',
  0x06: 'time_signal',
  0x07: 'bandwidth_reservation',
  0xff: 'private_command',
};

const PTS_MODULO = 2 ** 33;

function hexByte(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

export function segmentationTypeName(typeId: number): string {
  return SEGMENTATION_TYPE_NAMES[typeId] ?? `Reserved (${hexByte(typeId)})`;
}

export function upidTypeName(upidType: number): string {
  return UPID_TYPE_NAMES[upidType] ?? `Reserved (${hexByte(upidType)})`;
}

export function formatUpid(upidType: number, upid: Uint8Array): CueUpid {
  const buf = Buffer.from(upid.buffer, upid.byteOffset, upid.byteLength);
  const out: CueUpid = { hex: buf.toString('hex') };
  if (TEXT_UPID_TYPES.has(upidType) && buf.length > 0 && buf.every((b) => b >= 0x20 && b <= 0x7e)) out.text = buf.toString('latin1');
  return out;
}

function segmentation(d: SegmentationDescriptor): CueSegmentation {
  const s: CueSegmentation = {
    eventId: d.segmentationEventId,
    cancel: d.segmentationEventCancel,
    typeId: d.segmentationTypeId,
    typeName: segmentationTypeName(d.segmentationTypeId),
    upidType: d.upidType,
    upidTypeName: upidTypeName(d.upidType),
    upid: formatUpid(d.upidType, d.upid),
    segmentNum: d.segmentNum,
    segmentsExpected: d.segmentsExpected,
  };
  if (d.segmentationDuration !== undefined) s.durationSeconds = ticksToSeconds(d.segmentationDuration);
  if (d.subSegmentNum !== undefined) s.subSegmentNum = d.subSegmentNum;
  if (d.subSegmentsExpected !== undefined) s.subSegmentsExpected = d.subSegmentsExpected;
  return s;
}

function fromDecoded(s: SpliceInfoSection, cue: Scte35Cue): void {
  const c = s.command;
  const adj = (pts: number | undefined): number | undefined => (pts === undefined ? undefined : adjustedPts(pts, s.ptsAdjustment));
  if (c.type === 'splice_insert') {
    const si: CueSpliceInsert = {
      eventId: c.spliceEventId,
      cancel: c.spliceEventCancel,
      outOfNetwork: c.outOfNetwork,
      immediate: c.spliceImmediate,
      uniqueProgramId: c.uniqueProgramId,
      availNum: c.availNum,
      availsExpected: c.availsExpected,
    };
    const pts = adj(c.ptsTime);
    if (pts !== undefined) {
      si.spliceTimePts = pts;
      si.spliceTimeSeconds = ticksToSeconds(pts);
    }
    if (c.components) si.components = c.components.map((x) => ({ componentTag: x.componentTag, spliceTimePts: adj(x.ptsTime) }));
    if (c.breakDuration) {
      si.breakDurationSeconds = ticksToSeconds(c.breakDuration.duration);
      si.autoReturn = c.breakDuration.autoReturn;
    }
    cue.spliceInsert = si;
  } else if (c.type === 'time_signal') {
    const pts = adj(c.ptsTime);
    cue.timeSignal = pts === undefined ? {} : { ptsTime: pts, seconds: ticksToSeconds(pts) };
  }
  const segs = s.descriptors.filter((d): d is SegmentationDescriptor => d.type === 'segmentation');
  if (segs.length > 0) cue.segmentation = segs.map(segmentation);
}

/** Splice time of a cue (90 kHz), if it names one. */
function spliceTimeOf(cue: Scte35Cue): number | undefined {
  return cue.spliceInsert?.spliceTimePts ?? cue.spliceInsert?.components?.find((c) => c.spliceTimePts !== undefined)?.spliceTimePts ?? cue.timeSignal?.ptsTime;
}

/**
 * Builds the cue for one complete section. Never throws: a section the decoder refuses still
 * yields a cue with `decodeError`, the CRC verdict and whatever header fields are readable.
 * @param pcr27 last PCR (27 MHz) of the program, or a negative number when unknown
 */
export function buildCue(section: Buffer, pid: number, at: number, pcr27 = -1): Scte35Cue {
  const decoded = decodeSpliceInfoSection(section);
  const cue: Scte35Cue = {
    at,
    pid,
    crcValid: false,
    ptsAdjustment: 0,
    tier: 0,
    commandType: 'unknown',
    spliceCommandType: -1,
    raw: section.toString('base64'),
  };
  if (decoded.ok) {
    const s = decoded.value;
    cue.crcValid = s.crcValid;
    cue.ptsAdjustment = s.ptsAdjustment;
    cue.tier = s.tier;
    cue.spliceCommandType = s.spliceCommandType;
    cue.commandType = COMMAND_TYPES[s.spliceCommandType] ?? 'unknown';
    fromDecoded(s, cue);
  } else {
    cue.decodeError = decoded.reason;
    cue.crcValid = section.length >= 4 && crc32mpeg2(section) === 0;
    // Fixed-position header fields are still worth showing (e.g. an encrypted section).
    if (section.length >= 14) {
      cue.ptsAdjustment = (section[4]! & 0x01) * 2 ** 32 + section.readUInt32BE(5);
      cue.tier = (section.readUInt16BE(10) >> 4) & 0x0fff;
      cue.spliceCommandType = section[13]!;
      cue.commandType = COMMAND_TYPES[section[13]!] ?? 'unknown';
    }
  }
  const splice = spliceTimeOf(cue);
  if (splice !== undefined && pcr27 >= 0) {
    let delta = (splice - Math.floor(pcr27 / 300) + PTS_MODULO) % PTS_MODULO;
    if (delta >= PTS_MODULO / 2) delta -= PTS_MODULO;
    cue.prerollSeconds = ticksToSeconds(delta);
  }
  return cue;
}
