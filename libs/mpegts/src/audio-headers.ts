// The sample rate and channel count an audio elementary stream announces in its frame headers:
// AAC in ADTS (ISO/IEC 13818-7 6.2), MPEG-1/2 audio (ISO/IEC 11172-3 2.4.1.3) and AC-3 (ATSC A/52 5.4).

export type AudioCodec = 'aac' | 'mp2' | 'ac3';

export interface AudioFormat {
  codec: AudioCodec;
  sampleRate: number;
  channels: number;
  /** AAC only: the audio object type (2 = AAC LC). */
  objectType?: number;
}

const ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
const MPEG_RATES = [44100, 48000, 32000];
const AC3_RATES = [48000, 44100, 32000];
const AC3_CHANNELS = [2, 1, 2, 3, 3, 4, 4, 5];

/** The first ADTS header found in `b` from `off`. */
export function parseAdtsHeader(b: Uint8Array, off = 0): AudioFormat | null {
  for (let i = off; i + 7 <= b.length; i++) {
    if (b[i] !== 0xff || (b[i + 1]! & 0xf6) !== 0xf0) continue;
    const rate = ADTS_RATES[(b[i + 2]! >> 2) & 0x0f];
    const channels = ((b[i + 2]! & 0x01) << 2) | (b[i + 3]! >> 6);
    if (!rate || channels === 0) continue;
    return { codec: 'aac', sampleRate: rate, channels: channels === 7 ? 8 : channels, objectType: ((b[i + 2]! >> 6) & 0x03) + 1 };
  }
  return null;
}

/** The first MPEG-1/2/2.5 audio frame header found in `b` from `off`. */
export function parseMpegAudioHeader(b: Uint8Array, off = 0): AudioFormat | null {
  for (let i = off; i + 4 <= b.length; i++) {
    if (b[i] !== 0xff || (b[i + 1]! & 0xe0) !== 0xe0) continue;
    const version = (b[i + 1]! >> 3) & 0x03;
    const layer = (b[i + 1]! >> 1) & 0x03;
    const rateIndex = (b[i + 2]! >> 2) & 0x03;
    const bitrateIndex = b[i + 2]! >> 4;
    if (version === 1 || layer === 0 || rateIndex === 3 || bitrateIndex === 0x0f) continue;
    const base = MPEG_RATES[rateIndex]!;
    const sampleRate = version === 3 ? base : version === 2 ? base / 2 : base / 4;
    return { codec: 'mp2', sampleRate, channels: b[i + 3]! >> 6 === 3 ? 1 : 2 };
  }
  return null;
}

/** The first AC-3 sync frame header found in `b` from `off` (channels include the LFE). */
export function parseAc3Header(b: Uint8Array, off = 0): AudioFormat | null {
  for (let i = off; i + 8 <= b.length; i++) {
    if (b[i] !== 0x0b || b[i + 1] !== 0x77) continue;
    const rate = AC3_RATES[b[i + 4]! >> 6];
    if (!rate || b[i + 5]! >> 3 > 10) continue;
    // bsid(5) bsmod(3) | acmod(3) then optional mix levels, then lfeon.
    const acmod = b[i + 6]! >> 5;
    let bit = 3;
    if ((acmod & 1) !== 0 && acmod !== 1) bit += 2;
    if ((acmod & 4) !== 0) bit += 2;
    if (acmod === 2) bit += 2;
    const word = (b[i + 6]! << 8) | b[i + 7]!;
    const lfe = (word >> (15 - bit)) & 1;
    return { codec: 'ac3', sampleRate: rate, channels: AC3_CHANNELS[acmod]! + lfe };
  }
  return null;
}
