// PAT and PMT sections (ISO/IEC 13818-1 §2.4.4): parsers that never throw, and builders the
// fixture generator uses to declare a SCTE-35 PID.
import { crc32mpeg2 } from './crc32-mpeg2.js';

export const TABLE_ID_PAT = 0x00;
export const TABLE_ID_PMT = 0x02;

export const STREAM_TYPE = {
  MPEG2_VIDEO: 0x02,
  MPEG1_AUDIO: 0x03,
  MPEG2_AUDIO: 0x04,
  PRIVATE_PES: 0x06,
  AAC_ADTS: 0x0f,
  H264: 0x1b,
  H265: 0x24,
  AC3: 0x81,
  SCTE35: 0x86,
  EAC3: 0x87,
} as const;

export const DESCRIPTOR_TAG_REGISTRATION = 0x05;
/** format_identifier SCTE 35 asks for in the PMT registration descriptor. */
export const SCTE35_FORMAT_IDENTIFIER = 'CUEI';

export interface Descriptor {
  tag: number;
  data: Buffer;
}

export interface PatProgram {
  programNumber: number;
  pmtPid: number;
}

export interface Pat {
  transportStreamId: number;
  version: number;
  currentNext: boolean;
  sectionNumber: number;
  lastSectionNumber: number;
  /** Programs with program_number > 0; program 0 is the network PID below. */
  programs: PatProgram[];
  networkPid?: number;
}

export interface PmtStream {
  streamType: number;
  pid: number;
  descriptors: Descriptor[];
}

export interface Pmt {
  programNumber: number;
  version: number;
  currentNext: boolean;
  pcrPid: number;
  programInfo: Descriptor[];
  streams: PmtStream[];
}

export type PsiResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Checks the long-form section header and CRC; returns the section's total length or a reason. */
function checkLongSection(s: Uint8Array, tableId: number): number | string {
  if (s.length < 3) return 'shorter than a section header';
  if (s[0] !== tableId) return `table_id 0x${s[0]!.toString(16)} is not 0x${tableId.toString(16)}`;
  if ((s[1]! & 0x80) === 0) return 'section_syntax_indicator is 0';
  const total = 3 + (((s[1]! & 0x0f) << 8) | s[2]!);
  if (total < 12) return `section_length ${total - 3} too small`;
  if (total > s.length) return `section_length ${total - 3} runs past the ${s.length} bytes given`;
  if (crc32mpeg2(s, 0, total) !== 0) return 'CRC-32 mismatch';
  return total;
}

function readDescriptors(s: Uint8Array, start: number, end: number): Descriptor[] | null {
  const out: Descriptor[] = [];
  let p = start;
  while (p < end) {
    if (p + 2 > end) return null;
    const len = s[p + 1]!;
    if (p + 2 + len > end) return null;
    out.push({ tag: s[p]!, data: Buffer.from(s.subarray(p + 2, p + 2 + len)) });
    p += 2 + len;
  }
  return out;
}

export function parsePat(section: Uint8Array): PsiResult<Pat> {
  const total = checkLongSection(section, TABLE_ID_PAT);
  if (typeof total === 'string') return { ok: false, reason: total };
  const s = section;
  const pat: Pat = {
    transportStreamId: (s[3]! << 8) | s[4]!,
    version: (s[5]! >> 1) & 0x1f,
    currentNext: (s[5]! & 0x01) !== 0,
    sectionNumber: s[6]!,
    lastSectionNumber: s[7]!,
    programs: [],
  };
  const loopEnd = total - 4;
  if ((loopEnd - 8) % 4 !== 0) return { ok: false, reason: 'program loop is not a multiple of 4 bytes' };
  for (let p = 8; p < loopEnd; p += 4) {
    const programNumber = (s[p]! << 8) | s[p + 1]!;
    const pid = ((s[p + 2]! & 0x1f) << 8) | s[p + 3]!;
    if (programNumber === 0) pat.networkPid = pid;
    else pat.programs.push({ programNumber, pmtPid: pid });
  }
  return { ok: true, value: pat };
}

export function parsePmt(section: Uint8Array): PsiResult<Pmt> {
  const total = checkLongSection(section, TABLE_ID_PMT);
  if (typeof total === 'string') return { ok: false, reason: total };
  const s = section;
  if (total < 16) return { ok: false, reason: 'too short for a PMT' };
  const loopEnd = total - 4;
  const infoLen = ((s[10]! & 0x0f) << 8) | s[11]!;
  if (12 + infoLen > loopEnd) return { ok: false, reason: 'program_info_length runs past the section' };
  const programInfo = readDescriptors(s, 12, 12 + infoLen);
  if (!programInfo) return { ok: false, reason: 'malformed program descriptor' };
  const streams: PmtStream[] = [];
  let p = 12 + infoLen;
  while (p < loopEnd) {
    if (p + 5 > loopEnd) return { ok: false, reason: 'truncated elementary stream entry' };
    const esInfoLen = ((s[p + 3]! & 0x0f) << 8) | s[p + 4]!;
    if (p + 5 + esInfoLen > loopEnd) return { ok: false, reason: 'ES_info_length runs past the section' };
    const descriptors = readDescriptors(s, p + 5, p + 5 + esInfoLen);
    if (!descriptors) return { ok: false, reason: 'malformed elementary stream descriptor' };
    streams.push({ streamType: s[p]!, pid: ((s[p + 1]! & 0x1f) << 8) | s[p + 2]!, descriptors });
    p += 5 + esInfoLen;
  }
  return {
    ok: true,
    value: {
      programNumber: (s[3]! << 8) | s[4]!,
      version: (s[5]! >> 1) & 0x1f,
      currentNext: (s[5]! & 0x01) !== 0,
      pcrPid: ((s[8]! & 0x1f) << 8) | s[9]!,
      programInfo,
      streams,
    },
  };
}

/** format_identifier of the first registration descriptor (e.g. 'CUEI'), if any. */
export function findRegistration(descriptors: readonly Descriptor[]): string | undefined {
  const d = descriptors.find((x) => x.tag === DESCRIPTOR_TAG_REGISTRATION && x.data.length >= 4);
  return d ? d.data.subarray(0, 4).toString('latin1') : undefined;
}

export function registrationDescriptor(formatIdentifier: string): Descriptor {
  if (formatIdentifier.length !== 4) throw new RangeError('format_identifier must be 4 characters');
  return { tag: DESCRIPTOR_TAG_REGISTRATION, data: Buffer.from(formatIdentifier, 'latin1') };
}

function descriptorsLength(ds: readonly Descriptor[]): number {
  return ds.reduce((n, d) => n + 2 + d.data.length, 0);
}

function writeDescriptors(out: Buffer, p: number, ds: readonly Descriptor[]): number {
  for (const d of ds) {
    if (d.data.length > 255) throw new RangeError(`descriptor 0x${d.tag.toString(16)} longer than 255 bytes`);
    out[p] = d.tag;
    out[p + 1] = d.data.length;
    out.set(d.data, p + 2);
    p += 2 + d.data.length;
  }
  return p;
}

/** Fills in section_length and the CRC of a long-form section whose body is already written. */
function finishLongSection(out: Buffer, tableId: number, idExtension: number, version: number): Buffer {
  const sectionLength = out.length - 3;
  if (sectionLength > 1021) throw new RangeError('PSI section longer than 1021 bytes');
  out[0] = tableId;
  out[1] = 0xb0 | (sectionLength >> 8);
  out[2] = sectionLength & 0xff;
  out.writeUInt16BE(idExtension, 3);
  out[5] = 0xc1 | ((version & 0x1f) << 1); // current_next_indicator = 1
  out[6] = 0; // section_number
  out[7] = 0; // last_section_number
  out.writeUInt32BE(crc32mpeg2(out, 0, out.length - 4), out.length - 4);
  return out;
}

export function buildPatSection(pat: {
  transportStreamId: number;
  version?: number;
  programs: readonly PatProgram[];
  networkPid?: number;
}): Buffer {
  const entries = [...(pat.networkPid !== undefined ? [{ programNumber: 0, pmtPid: pat.networkPid }] : []), ...pat.programs];
  const out = Buffer.alloc(8 + entries.length * 4 + 4);
  let p = 8;
  for (const e of entries) {
    out.writeUInt16BE(e.programNumber, p);
    out.writeUInt16BE(0xe000 | (e.pmtPid & 0x1fff), p + 2);
    p += 4;
  }
  return finishLongSection(out, TABLE_ID_PAT, pat.transportStreamId, pat.version ?? 0);
}

export function buildPmtSection(pmt: {
  programNumber: number;
  version?: number;
  pcrPid: number;
  programInfo?: readonly Descriptor[];
  streams: readonly PmtStream[];
}): Buffer {
  const programInfo = pmt.programInfo ?? [];
  const infoLen = descriptorsLength(programInfo);
  const esLen = pmt.streams.reduce((n, s) => n + 5 + descriptorsLength(s.descriptors), 0);
  const out = Buffer.alloc(12 + infoLen + esLen + 4);
  out.writeUInt16BE(0xe000 | (pmt.pcrPid & 0x1fff), 8);
  out.writeUInt16BE(0xf000 | infoLen, 10);
  let p = writeDescriptors(out, 12, programInfo);
  for (const s of pmt.streams) {
    out[p] = s.streamType;
    out.writeUInt16BE(0xe000 | (s.pid & 0x1fff), p + 1);
    out.writeUInt16BE(0xf000 | descriptorsLength(s.descriptors), p + 3);
    p = writeDescriptors(out, p + 5, s.descriptors);
  }
  return finishLongSection(out, TABLE_ID_PMT, pmt.programNumber, pmt.version ?? 0);
}
