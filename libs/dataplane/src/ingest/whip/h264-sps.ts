/** What a sequence parameter set says about a stream: enough for input health and layout checks. */
export interface H264SpsInfo {
  profileIdc: number;
  /** constraint_set0..5 flags, as the byte after profile_idc. */
  constraintFlags: number;
  levelIdc: number;
  /** "Constrained Baseline", "Main", "High", … */
  profile: string;
  /** "3.1" */
  level: string;
  /** Displayed size: coded macroblocks less the cropping window. */
  width: number;
  height: number;
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/**
 * Parses an H.264 SPS NAL unit (with its one-byte NAL header, emulation prevention bytes still in,
 * as RTP and Annex B carry it). Returns null for anything that is not a complete SPS, never throws:
 * it reads what a publisher sent.
 */
export function parseH264Sps(nal: Uint8Array): H264SpsInfo | null {
  if (nal.length < 4 || (nal[0]! & 0x1f) !== 7) return null;
  const bits = new BitReader(unescapeRbsp(nal.subarray(1)));
  try {
    const profileIdc = bits.u(8);
    const constraintFlags = bits.u(8);
    const levelIdc = bits.u(8);
    bits.ue(); // seq_parameter_set_id
    let chromaFormatIdc = 1;
    let separateColourPlane = false;
    if (HIGH_PROFILES.has(profileIdc)) {
      chromaFormatIdc = bits.ue();
      if (chromaFormatIdc === 3) separateColourPlane = bits.u(1) === 1;
      bits.ue(); // bit_depth_luma_minus8
      bits.ue(); // bit_depth_chroma_minus8
      bits.u(1); // qpprime_y_zero_transform_bypass_flag
      if (bits.u(1) === 1) {
        const lists = chromaFormatIdc === 3 ? 12 : 8;
        for (let i = 0; i < lists; i++) if (bits.u(1) === 1) skipScalingList(bits, i < 6 ? 16 : 64);
      }
    }
    bits.ue(); // log2_max_frame_num_minus4
    const pocType = bits.ue();
    if (pocType === 0) bits.ue();
    else if (pocType === 1) {
      bits.u(1);
      bits.se();
      bits.se();
      const cycle = bits.ue();
      for (let i = 0; i < cycle; i++) bits.se();
    }
    bits.ue(); // max_num_ref_frames
    bits.u(1); // gaps_in_frame_num_value_allowed_flag
    const widthMbs = bits.ue() + 1;
    const heightMapUnits = bits.ue() + 1;
    const frameMbsOnly = bits.u(1);
    if (!frameMbsOnly) bits.u(1);
    bits.u(1); // direct_8x8_inference_flag
    let crop = [0, 0, 0, 0];
    if (bits.u(1) === 1) crop = [bits.ue(), bits.ue(), bits.ue(), bits.ue()];
    const chroma = separateColourPlane ? 0 : chromaFormatIdc;
    const cropUnitX = chroma === 0 ? 1 : chroma === 3 ? 1 : 2;
    const cropUnitY = (chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
    const width = widthMbs * 16 - cropUnitX * (crop[0]! + crop[1]!);
    const height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (crop[2]! + crop[3]!);
    if (width <= 0 || height <= 0) return null;
    return { profileIdc, constraintFlags, levelIdc, profile: h264ProfileName(profileIdc, constraintFlags), level: h264LevelName(levelIdc, constraintFlags), width, height };
  } catch {
    return null;
  }
}

/** Profile name from profile_idc and the constraint flags (as in an SDP profile-level-id too). */
export function h264ProfileName(profileIdc: number, constraintFlags: number): string {
  if (profileIdc === 66) return constraintFlags & 0x40 ? 'Constrained Baseline' : 'Baseline';
  // RFC 6184 table 5: Main with constraint_set0 is also Constrained Baseline.
  if (profileIdc === 77) return constraintFlags & 0x80 ? 'Constrained Baseline' : 'Main';
  if (profileIdc === 88) return 'Extended';
  if (profileIdc === 100) return constraintFlags & 0x0c ? 'Constrained High' : 'High';
  if (profileIdc === 110) return 'High 10';
  if (profileIdc === 122) return 'High 4:2:2';
  if (profileIdc === 244) return 'High 4:4:4';
  return `profile ${profileIdc}`;
}

export function h264LevelName(levelIdc: number, constraintFlags: number): string {
  // Level 1b is level_idc 11 with constraint_set3 in Baseline/Main.
  if (levelIdc === 11 && constraintFlags & 0x10) return '1b';
  return levelIdc % 10 === 0 ? String(levelIdc / 10) : (levelIdc / 10).toFixed(1);
}

function skipScalingList(bits: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + bits.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** Drops the 0x03 of every 00 00 03 (emulation prevention). */
function unescapeRbsp(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  let n = 0;
  let zeros = 0;
  for (const byte of data) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

class BitReader {
  private pos = 0;
  constructor(private readonly data: Uint8Array) {}

  u(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      const byte = this.data[this.pos >> 3];
      if (byte === undefined) throw new RangeError('SPS ends early');
      value = value * 2 + ((byte >> (7 - (this.pos & 7))) & 1);
      this.pos++;
    }
    return value;
  }

  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) if (++zeros > 31) throw new RangeError('bad exp-Golomb code');
    return zeros === 0 ? 0 : 2 ** zeros - 1 + this.u(zeros);
  }

  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}
