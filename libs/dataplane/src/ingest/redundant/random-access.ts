// Where a decoder can start: a planned input switch waits for one, an emergency switch opens
// the new input's video there. Two signs, the cheap one first: random_access_indicator in the
// adaptation field (ISO/IEC 13818-1 §2.4.3.5; FFmpeg and broadcast encoders set it on key
// frames), else the first NAL units of the PES in this packet (H.264 IDR or SPS, H.265 IRAP or
// VPS/SPS, MPEG-2 sequence header).
import { STREAM_TYPE } from '@mld/mpegts';

export const CODEC_OTHER = 0;
export const CODEC_H264 = 1;
export const CODEC_H265 = 2;
export const CODEC_MPEG2 = 3;
export type VideoCodec = typeof CODEC_OTHER | typeof CODEC_H264 | typeof CODEC_H265 | typeof CODEC_MPEG2;

export function videoCodecOf(streamType: number): VideoCodec {
  if (streamType === STREAM_TYPE.H264) return CODEC_H264;
  if (streamType === STREAM_TYPE.H265) return CODEC_H265;
  if (streamType === STREAM_TYPE.MPEG2_VIDEO || streamType === 0x01) return CODEC_MPEG2;
  return CODEC_OTHER;
}

const YES = 1;
const NO = 2;
const GO_ON = 0;

/** What the NAL unit (or MPEG-2 start code) whose first byte is `b` says about the access unit. */
function classify(codec: VideoCodec, b: number): number {
  if (codec === CODEC_H264) {
    const type = b & 0x1f;
    if (type === 5 || type === 7) return YES; // IDR slice, SPS
    return type === 1 ? NO : GO_ON; // a non-IDR slice: the picture is not a random-access point
  }
  if (codec === CODEC_H265) {
    const type = (b >> 1) & 0x3f;
    if ((type >= 16 && type <= 23) || type === 32 || type === 33) return YES; // IRAP, VPS, SPS
    return type <= 9 ? NO : GO_ON;
  }
  if (b === 0xb3) return YES; // MPEG-2 sequence header
  return b === 0x00 ? NO : GO_ON; // picture start code
}

/**
 * Whether the packet at `off` (a PUSI packet of a video PID) starts a random-access point.
 * Only this packet's bytes are read: no state, no allocation.
 */
export function isRandomAccess(buf: Uint8Array, off: number, codec: VideoCodec): boolean {
  const b3 = buf[off + 3]!;
  let p = off + 4;
  if ((b3 & 0x20) !== 0) {
    const afLength = buf[off + 4]!;
    if (afLength > 0 && (buf[off + 5]! & 0x40) !== 0) return true;
    p += 1 + afLength;
  }
  if (codec === CODEC_OTHER || (b3 & 0x10) === 0) return false;
  const end = off + 188;
  // PES header: start code, stream id, length, two flag bytes, header_data_length.
  if (p + 9 > end || buf[p] !== 0 || buf[p + 1] !== 0 || buf[p + 2] !== 1) return false;
  p += 9 + buf[p + 8]!;
  let zeros = 0;
  for (; p < end - 1; p++) {
    const b = buf[p]!;
    if (b === 0) {
      zeros++;
      continue;
    }
    if (b === 1 && zeros >= 2) {
      const said = classify(codec, buf[p + 1]!);
      if (said !== GO_ON) return said === YES;
    }
    zeros = 0;
  }
  return false;
}
