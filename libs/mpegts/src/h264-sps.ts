// What an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1) says about the picture: enough to
// encode another stream a decoder can switch to without reinitialising (profile, level, size).

export interface H264Sps {
  profileIdc: number;
  /** constraint_set0..5 flags, as the byte after profile_idc. */
  constraintFlags: number;
  levelIdc: number;
  /** "Constrained Baseline", "Main", "High", … */
  profile: string;
  /** "3.1", "1b" */
  level: string;
  /** Displayed size: coded macroblocks less the cropping window. */
  width: number;
  height: number;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  frameMbsOnly: boolean;
}

/** Profiles whose SPS carries chroma format, bit depths and scaling matrices (7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** RBSP bits of a NAL unit (emulation prevention bytes 0x000003 removed), read MSB first. */
class BitReader {
  private bit = 0;
  constructor(private readonly b: Uint8Array) {}

  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.b[this.bit >> 3];
      if (byte === undefined) throw new RangeError('SPS ends early');
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
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

function unescape(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** Parses an SPS NAL unit (starting at its NAL header byte, type 7); null when it is not one or is malformed. */
export function parseH264Sps(nal: Uint8Array): H264Sps | null {
  if (nal.length < 4 || (nal[0]! & 0x1f) !== 7) return null;
  try {
    const r = new BitReader(unescape(nal.subarray(1)));
    const profileIdc = r.u(8);
    const constraintFlags = r.u(8);
    const levelIdc = r.u(8);
    r.ue(); // seq_parameter_set_id
    let chromaFormatIdc = 1;
    let bitDepthLuma = 8;
    if (HIGH_PROFILES.has(profileIdc)) {
      chromaFormatIdc = r.ue();
      if (chromaFormatIdc === 3) r.u(1); // separate_colour_plane_flag
      bitDepthLuma = r.ue() + 8;
      r.ue(); // bit_depth_chroma_minus8
      r.u(1); // qpprime_y_zero_transform_bypass_flag
      if (r.u(1) === 1) {
        const lists = chromaFormatIdc === 3 ? 12 : 8;
        for (let i = 0; i < lists; i++) if (r.u(1) === 1) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
    r.ue(); // log2_max_frame_num_minus4
    const pocType = r.ue();
    if (pocType === 0) r.ue();
    else if (pocType === 1) {
      r.u(1);
      r.se();
      r.se();
      const cycle = r.ue();
      for (let i = 0; i < cycle; i++) r.se();
    }
    r.ue(); // max_num_ref_frames
    r.u(1); // gaps_in_frame_num_value_allowed_flag
    const widthMbs = r.ue() + 1;
    const heightMapUnits = r.ue() + 1;
    const frameMbsOnly = r.u(1) === 1;
    if (!frameMbsOnly) r.u(1); // mb_adaptive_frame_field_flag
    r.u(1); // direct_8x8_inference_flag
    let crop = [0, 0, 0, 0];
    if (r.u(1) === 1) crop = [r.ue(), r.ue(), r.ue(), r.ue()];
    // Crop units (7-19, 7-20): in luma samples, doubled vertically for field coding.
    const cropX = chromaFormatIdc === 1 || chromaFormatIdc === 2 ? 2 : 1;
    const cropY = (chromaFormatIdc === 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
    const width = widthMbs * 16 - cropX * (crop[0]! + crop[1]!);
    const height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16 - cropY * (crop[2]! + crop[3]!);
    if (width <= 0 || height <= 0) return null;
    return { profileIdc, constraintFlags, levelIdc, profile: h264ProfileName(profileIdc, constraintFlags), level: h264LevelName(levelIdc, constraintFlags), width, height, chromaFormatIdc, bitDepthLuma, frameMbsOnly };
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

/** The first SPS NAL unit in Annex B bytes (start codes 00 00 01 / 00 00 00 01), or null. */
export function findH264Sps(annexB: Uint8Array): Uint8Array | null {
  for (let i = 0; i + 3 < annexB.length; i++) {
    if (annexB[i] !== 0 || annexB[i + 1] !== 0 || annexB[i + 2] !== 1) continue;
    const start = i + 3;
    if ((annexB[start]! & 0x1f) !== 7) continue;
    let end = start;
    while (end + 2 < annexB.length && !(annexB[end] === 0 && annexB[end + 1] === 0 && (annexB[end + 2] === 1 || annexB[end + 2] === 0))) end++;
    return annexB.subarray(start, end + 2 < annexB.length ? end : annexB.length);
  }
  return null;
}
