// Data model of ANSI/SCTE 35 splice_info_section (2022 edition field names, camelCased).
// All times are 90 kHz ticks held in plain numbers: 33- and 40-bit values fit a double exactly.
import { PTS_CLOCK_HZ, PTS_MODULO } from './ts-packet.js';

export const SCTE35_TABLE_ID = 0xfc;

export const SPLICE_COMMAND_TYPE = {
  SPLICE_NULL: 0x00,
  SPLICE_SCHEDULE: 0x04,
  SPLICE_INSERT: 0x05,
  TIME_SIGNAL: 0x06,
  BANDWIDTH_RESERVATION: 0x07,
  PRIVATE_COMMAND: 0xff,
} as const;

export const SPLICE_DESCRIPTOR_TAG = {
  AVAIL: 0x00,
  DTMF: 0x01,
  SEGMENTATION: 0x02,
  TIME: 0x03,
  AUDIO: 0x04,
} as const;

/** segmentation_type_id values used most in ad insertion (SCTE 35 table 23). */
export const SEGMENTATION_TYPE = {
  PROGRAM_START: 0x10,
  PROGRAM_END: 0x11,
  CHAPTER_START: 0x20,
  CHAPTER_END: 0x21,
  BREAK_START: 0x22,
  BREAK_END: 0x23,
  PROVIDER_ADVERTISEMENT_START: 0x30,
  PROVIDER_ADVERTISEMENT_END: 0x31,
  DISTRIBUTOR_ADVERTISEMENT_START: 0x32,
  DISTRIBUTOR_ADVERTISEMENT_END: 0x33,
  PROVIDER_PLACEMENT_OPPORTUNITY_START: 0x34,
  PROVIDER_PLACEMENT_OPPORTUNITY_END: 0x35,
  DISTRIBUTOR_PLACEMENT_OPPORTUNITY_START: 0x36,
  DISTRIBUTOR_PLACEMENT_OPPORTUNITY_END: 0x37,
} as const;

/** segmentation_upid_type values (SCTE 35 table 22). */
export const SEGMENTATION_UPID_TYPE = {
  NOT_USED: 0x00,
  ISCI: 0x02,
  AD_ID: 0x03,
  UMID: 0x04,
  ISAN: 0x06,
  TID: 0x07,
  TI: 0x08,
  ADI: 0x09,
  EIDR: 0x0a,
  ATSC_CONTENT_IDENTIFIER: 0x0b,
  MPU: 0x0c,
  MID: 0x0d,
  ADS_INFORMATION: 0x0e,
  URI: 0x0f,
  UUID: 0x10,
  SCR: 0x11,
} as const;

/** Types whose descriptor may end with sub_segment_num / sub_segments_expected. */
export const SEGMENTATION_TYPES_WITH_SUB_SEGMENTS: ReadonlySet<number> = new Set([0x34, 0x36, 0x38, 0x3a, 0x44, 0x46]);

export interface BreakDuration {
  autoReturn: boolean;
  /** 90 kHz ticks. */
  duration: number;
}

export interface SpliceNull {
  type: 'splice_null';
}

export interface SpliceInsert {
  type: 'splice_insert';
  spliceEventId: number;
  /** When true the remaining fields are absent on the wire and read back as defaults. */
  spliceEventCancel: boolean;
  outOfNetwork: boolean;
  programSplice: boolean;
  spliceImmediate: boolean;
  /** Program splice time; undefined when immediate or time_specified_flag is 0. */
  ptsTime?: number;
  /** Component splice mode (programSplice false). */
  components?: { componentTag: number; ptsTime?: number }[];
  breakDuration?: BreakDuration;
  uniqueProgramId: number;
  availNum: number;
  availsExpected: number;
}

export interface TimeSignal {
  type: 'time_signal';
  /** undefined when time_specified_flag is 0. */
  ptsTime?: number;
}

export interface BandwidthReservation {
  type: 'bandwidth_reservation';
}

export interface PrivateCommand {
  type: 'private_command';
  identifier: number;
  data: Buffer;
}

/** splice_schedule and reserved types: kept as raw bytes. */
export interface UnknownSpliceCommand {
  type: 'unknown';
  commandType: number;
  data: Buffer;
}

export type SpliceCommand = SpliceNull | SpliceInsert | TimeSignal | BandwidthReservation | PrivateCommand | UnknownSpliceCommand;

export interface DeliveryRestrictions {
  webDeliveryAllowed: boolean;
  noRegionalBlackout: boolean;
  archiveAllowed: boolean;
  deviceRestrictions: number;
}

export interface SegmentationDescriptor {
  type: 'segmentation';
  /** 4-character identifier, 'CUEI' for SCTE 35 descriptors. */
  identifier: string;
  segmentationEventId: number;
  segmentationEventCancel: boolean;
  programSegmentation: boolean;
  /** undefined when delivery_not_restricted_flag is 1. */
  deliveryRestrictions?: DeliveryRestrictions;
  components?: { componentTag: number; ptsOffset: number }[];
  /** 90 kHz ticks; undefined when segmentation_duration_flag is 0. */
  segmentationDuration?: number;
  upidType: number;
  upid: Buffer;
  segmentationTypeId: number;
  segmentNum: number;
  segmentsExpected: number;
  subSegmentNum?: number;
  subSegmentsExpected?: number;
}

export interface AvailDescriptor {
  type: 'avail';
  identifier: string;
  providerAvailId: number;
}

export interface UnknownSpliceDescriptor {
  type: 'unknown';
  tag: number;
  identifier: string;
  /** Bytes after the identifier. */
  data: Buffer;
}

export type SpliceDescriptor = SegmentationDescriptor | AvailDescriptor | UnknownSpliceDescriptor;

export interface SpliceInfoSection {
  tableId: number;
  sectionSyntaxIndicator: boolean;
  privateIndicator: boolean;
  sapType: number;
  sectionLength: number;
  protocolVersion: number;
  encryptedPacket: boolean;
  encryptionAlgorithm: number;
  ptsAdjustment: number;
  cwIndex: number;
  tier: number;
  spliceCommandLength: number;
  spliceCommandType: number;
  command: SpliceCommand;
  descriptorLoopLength: number;
  descriptors: SpliceDescriptor[];
  crc32: number;
  /** False when the CRC-32 over the section does not check; fields are still decoded. */
  crcValid: boolean;
}

export type Scte35DecodeResult = { ok: true; value: SpliceInfoSection } | { ok: false; reason: string };

/** A splice time with the section's pts_adjustment applied, wrapped to 33 bits. */
export function adjustedPts(ptsTime: number, ptsAdjustment: number): number {
  return (ptsTime + ptsAdjustment) % PTS_MODULO;
}

export function ticksToSeconds(ticks90k: number): number {
  return ticks90k / PTS_CLOCK_HZ;
}

export function secondsToTicks(seconds: number): number {
  return Math.round(seconds * PTS_CLOCK_HZ);
}
