// Human names for what a PMT declares: codec from stream_type, refined by descriptors when the
// stream_type is generic (0x06 private PES, user-private 0x80+), plus a one-line summary of
// each descriptor and the names of the PIDs fixed by ISO/IEC 13818-1 and DVB/ATSC.
import { type Descriptor, findRegistration, NULL_PID, PAT_PID } from '@mld/mpegts';

export type StreamKind = 'video' | 'audio' | 'subtitles' | 'teletext' | 'scte35' | 'metadata' | 'data' | 'unknown';

export interface StreamDescription {
  codec: string;
  kind: StreamKind;
  /** ISO 639 code from a language, subtitling or teletext descriptor. */
  language?: string;
}

type Entry = readonly [codec: string, kind: StreamKind];

const BY_STREAM_TYPE: ReadonlyMap<number, Entry> = new Map<number, Entry>([
  [0x01, ['MPEG-1 video', 'video']],
  [0x02, ['MPEG-2 video', 'video']],
  [0x03, ['MPEG-1 audio', 'audio']],
  [0x04, ['MPEG-2 audio', 'audio']],
  [0x05, ['private sections', 'data']],
  [0x0a, ['DSM-CC multi-protocol encapsulation', 'data']],
  [0x0b, ['DSM-CC U-N messages', 'data']],
  [0x0c, ['DSM-CC stream descriptors', 'data']],
  [0x0d, ['DSM-CC sections', 'data']],
  [0x0f, ['AAC (ADTS)', 'audio']],
  [0x10, ['MPEG-4 Visual', 'video']],
  [0x11, ['AAC (LATM)', 'audio']],
  [0x15, ['ID3 metadata', 'metadata']],
  [0x1b, ['H.264/AVC', 'video']],
  [0x1c, ['MPEG-4 audio', 'audio']],
  [0x24, ['HEVC/H.265', 'video']],
  [0x2d, ['MPEG-H 3D audio', 'audio']],
  [0x33, ['VVC/H.266', 'video']],
  [0x81, ['AC-3', 'audio']],
  [0x86, ['SCTE-35', 'scte35']],
  [0x87, ['E-AC-3', 'audio']],
]);

/** Descriptors that identify a codec on a private PES (ETSI EN 300 468 tags). */
const BY_DESCRIPTOR_TAG: ReadonlyMap<number, Entry> = new Map<number, Entry>([
  [0x6a, ['AC-3', 'audio']],
  [0x7a, ['E-AC-3', 'audio']],
  [0x7b, ['DTS', 'audio']],
  [0x7c, ['AAC', 'audio']],
  [0x59, ['DVB subtitles', 'subtitles']],
  [0x56, ['DVB teletext', 'teletext']],
  [0x46, ['VBI teletext', 'teletext']],
]);

/** format_identifier values of the registration descriptor (SMPTE-RA registered). */
const BY_REGISTRATION: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ['Opus', ['Opus', 'audio']],
  ['AC-3', ['AC-3', 'audio']],
  ['EAC3', ['E-AC-3', 'audio']],
  ['AC-4', ['AC-4', 'audio']],
  ['DTS1', ['DTS', 'audio']],
  ['DTS2', ['DTS', 'audio']],
  ['DTS3', ['DTS', 'audio']],
  ['BSSD', ['SMPTE 302M audio', 'audio']],
  ['HEVC', ['HEVC/H.265', 'video']],
  ['AV01', ['AV1', 'video']],
  ['ID3 ', ['ID3 metadata', 'metadata']],
  ['KLVA', ['KLV metadata', 'metadata']],
  ['VANC', ['SMPTE 2038 ancillary data', 'data']],
]);

const EXTENSION_DESCRIPTOR = 0x7f;
/** descriptor_tag_extension values of the DVB extension descriptor that name a codec. */
const BY_EXTENSION_TAG: ReadonlyMap<number, Entry> = new Map<number, Entry>([
  [0x15, ['AC-4', 'audio']],
  [0x0e, ['DTS-HD', 'audio']],
  [0x0f, ['DTS Neural', 'audio']],
  [0x21, ['DTS-UHD', 'audio']],
]);

function languageOf(descriptors: readonly Descriptor[]): string | undefined {
  for (const d of descriptors) {
    // ISO 639 language (0x0A), subtitling (0x59), teletext (0x56): the first 3 bytes are the code.
    if ((d.tag === 0x0a || d.tag === 0x59 || d.tag === 0x56) && d.data.length >= 3) {
      const code = d.data.subarray(0, 3).toString('latin1');
      if (/^[a-zA-Z]{3}$/.test(code)) return code.toLowerCase();
    }
  }
  return undefined;
}

function fromDescriptors(descriptors: readonly Descriptor[]): Entry | undefined {
  for (const d of descriptors) {
    const byTag = BY_DESCRIPTOR_TAG.get(d.tag);
    if (byTag) return byTag;
    if (d.tag === EXTENSION_DESCRIPTOR && d.data.length >= 1) {
      const ext = BY_EXTENSION_TAG.get(d.data[0]!);
      if (ext) return ext;
    }
  }
  const reg = findRegistration(descriptors);
  return reg === undefined ? undefined : BY_REGISTRATION.get(reg);
}

/**
 * Codec and kind of an elementary stream. `programInfo` is only used for a registration
 * descriptor when the stream has none of its own (some muxers put 'Opus' or 'CUEI' there).
 */
export function describeStream(
  streamType: number,
  descriptors: readonly Descriptor[],
  programInfo: readonly Descriptor[] = [],
): StreamDescription {
  const language = languageOf(descriptors);
  // SCTE 35 §8.1: splice_info_sections on stream_type 0x86; some muxers use 0x05 + a CUEI registration.
  if (streamType === 0x05 && findRegistration(descriptors) === 'CUEI') return { codec: 'SCTE-35', kind: 'scte35' };
  const generic = streamType === 0x06 || (streamType >= 0x80 && !BY_STREAM_TYPE.has(streamType));
  let entry = generic ? fromDescriptors(descriptors) : BY_STREAM_TYPE.get(streamType);
  if (!entry && generic && streamType !== 0x06) {
    // A program-level registration only qualifies user-private stream types (ATSC style).
    const reg = findRegistration(programInfo);
    const byReg = reg === undefined ? undefined : BY_REGISTRATION.get(reg);
    if (byReg) entry = byReg;
  }
  if (!entry) {
    const hex = `0x${streamType.toString(16).padStart(2, '0')}`;
    if (streamType === 0x06) entry = ['private data', 'data'];
    else if (streamType >= 0x80) entry = [`user private (${hex})`, 'unknown'];
    else entry = [`stream_type ${hex}`, 'unknown'];
  }
  return language === undefined ? { codec: entry[0], kind: entry[1] } : { codec: entry[0], kind: entry[1], language };
}

const DESCRIPTOR_NAMES: ReadonlyMap<number, string> = new Map([
  [0x02, 'video stream'],
  [0x03, 'audio stream'],
  [0x06, 'data stream alignment'],
  [0x0e, 'maximum bitrate'],
  [0x10, 'smoothing buffer'],
  [0x1c, 'MPEG-4 audio'],
  [0x26, 'metadata'],
  [0x28, 'AVC video'],
  [0x2a, 'AVC timing and HRD'],
  [0x38, 'HEVC video'],
  [0x46, 'VBI teletext'],
  [0x56, 'teletext'],
  [0x59, 'DVB subtitling'],
  [0x6a, 'AC-3'],
  [0x7a, 'E-AC-3'],
  [0x7b, 'DTS'],
  [0x7c, 'AAC'],
  [0x7f, 'extension'],
]);

function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}

/** One short line per descriptor, e.g. `registration CUEI`, `language eng`, `stream identifier 2`. */
export function summarizeDescriptors(descriptors: readonly Descriptor[]): string[] {
  return descriptors.map((d) => {
    const b = d.data;
    switch (d.tag) {
      case 0x05:
        return b.length >= 4 ? `registration ${b.subarray(0, 4).toString('latin1').replace(/[^\x20-\x7e]/g, '.')}` : 'registration';
      case 0x09:
        return b.length >= 4 ? `CA system ${hex((b[0]! << 8) | b[1]!, 4)} PID ${hex(((b[2]! & 0x1f) << 8) | b[3]!, 4)}` : 'CA';
      case 0x0a:
      case 0x59:
      case 0x56: {
        const lang = languageOf([d]);
        const name = d.tag === 0x0a ? 'language' : DESCRIPTOR_NAMES.get(d.tag)!;
        return lang ? `${name} ${lang}` : name;
      }
      case 0x52:
        return b.length >= 1 ? `stream identifier ${b[0]}` : 'stream identifier';
      case 0x8a:
        return b.length >= 1 ? `cue identifier (cue_stream_type ${hex(b[0]!, 2)})` : 'cue identifier';
      default:
        return DESCRIPTOR_NAMES.get(d.tag) ?? `descriptor ${hex(d.tag, 2)}`;
    }
  });
}

export type PidType = 'pat' | 'psi' | 'si' | 'pmt' | 'pcr' | 'null' | StreamKind;

/** PIDs whose use is fixed by ISO/IEC 13818-1, ETSI EN 300 468 or ATSC A/65. */
export function wellKnownPid(pid: number): { type: PidType; name: string } | undefined {
  switch (pid) {
    case PAT_PID:
      return { type: 'pat', name: 'PAT' };
    case 0x0001:
      return { type: 'psi', name: 'CAT' };
    case 0x0002:
      return { type: 'psi', name: 'TSDT' };
    case 0x0010:
      return { type: 'si', name: 'NIT' };
    case 0x0011:
      return { type: 'si', name: 'SDT/BAT' };
    case 0x0012:
      return { type: 'si', name: 'EIT' };
    case 0x0013:
      return { type: 'si', name: 'RST' };
    case 0x0014:
      return { type: 'si', name: 'TDT/TOT' };
    case 0x1ffb:
      return { type: 'si', name: 'ATSC PSIP' };
    case NULL_PID:
      return { type: 'null', name: 'null packets' };
    default:
      return undefined;
  }
}
