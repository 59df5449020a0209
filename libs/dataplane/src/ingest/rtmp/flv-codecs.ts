/**
 * What an RTMP audio or video message carries, from its first bytes (FLV tag body, Enhanced RTMP
 * v1 for the FourCC forms), and whether this release can pass it to MPEG-TS. The remux is FFmpeg
 * 5.1: its FLV demuxer reads H.264 and AAC/MP3, but neither HEVC by the non-standard codec id 12
 * nor anything in an Enhanced RTMP header (measured: the video becomes an unknown data stream).
 */
export type VideoTag =
  | { kind: 'h264'; packet: 'config' | 'frame' | 'end'; keyframe: boolean }
  /** Frame type 5 (video info / command): nothing to decode. */
  | { kind: 'info' }
  | { kind: 'refused'; codec: string; reason: string }
  | { kind: 'malformed'; reason: string };

export type AudioTag =
  | { kind: 'aac'; packet: 'config' | 'frame' }
  | { kind: 'mp3' }
  | { kind: 'refused'; codec: string; reason: string }
  | { kind: 'malformed'; reason: string };

const ENHANCED_VIDEO: Record<string, string> = { hvc1: 'HEVC', av01: 'AV1', vp09: 'VP9', avc1: 'H.264 (Enhanced RTMP form)' };
const LEGACY_VIDEO: Record<number, string> = { 2: 'Sorenson H.263', 3: 'Screen Video', 4: 'On2 VP6', 5: 'On2 VP6 with alpha', 6: 'Screen Video 2' };
const LEGACY_AUDIO: Record<number, string> = {
  0: 'linear PCM', 1: 'ADPCM', 3: 'linear PCM', 4: 'Nellymoser', 5: 'Nellymoser', 6: 'Nellymoser',
  7: 'G.711 A-law', 8: 'G.711 mu-law', 11: 'Speex', 15: 'device-specific audio',
};
const ENHANCED_AUDIO: Record<string, string> = { Opus: 'Opus', fLaC: 'FLAC', 'ac-3': 'AC-3', 'ec-3': 'E-AC-3', mp4a: 'AAC (Enhanced RTMP form)', '.mp3': 'MP3 (Enhanced RTMP form)' };

export function inspectVideoTag(data: Buffer): VideoTag {
  if (data.length < 1) return { kind: 'malformed', reason: 'empty video message' };
  const first = data[0]!;
  if (first & 0x80) {
    // Enhanced RTMP: IsExHeader | FrameType(3) | PacketType(4), then a FourCC.
    if (data.length < 5) return { kind: 'malformed', reason: 'Enhanced RTMP video header cut short' };
    const fourCc = data.toString('latin1', 1, 5);
    const codec = ENHANCED_VIDEO[fourCc] ?? `"${printable(fourCc)}"`;
    return { kind: 'refused', codec, reason: `${codec} over Enhanced RTMP is not supported by this release; publish H.264` };
  }
  const frameType = first >> 4;
  const codecId = first & 0x0f;
  if (frameType === 5) return { kind: 'info' };
  if (codecId === 12) return { kind: 'refused', codec: 'HEVC', reason: 'HEVC (FLV codec id 12, a non-standard extension) is not supported by this release; publish H.264' };
  if (codecId !== 7) {
    const codec = LEGACY_VIDEO[codecId] ?? `FLV video codec ${codecId}`;
    return { kind: 'refused', codec, reason: `video codec ${codec} cannot be carried in MPEG-TS; publish H.264` };
  }
  if (data.length < 5) return { kind: 'malformed', reason: 'H.264 video message cut short' };
  const packet = data[1] === 0 ? 'config' : data[1] === 1 ? 'frame' : data[1] === 2 ? 'end' : undefined;
  if (!packet) return { kind: 'malformed', reason: `unknown AVC packet type ${data[1]}` };
  return { kind: 'h264', packet, keyframe: frameType === 1 };
}

export function inspectAudioTag(data: Buffer): AudioTag {
  if (data.length < 1) return { kind: 'malformed', reason: 'empty audio message' };
  const format = data[0]! >> 4;
  if (format === 10) {
    if (data.length < 2) return { kind: 'malformed', reason: 'AAC audio message cut short' };
    return { kind: 'aac', packet: data[1] === 0 ? 'config' : 'frame' };
  }
  if (format === 2 || format === 14) return data.length > 1 ? { kind: 'mp3' } : { kind: 'malformed', reason: 'empty MP3 audio message' };
  if (format === 9) {
    const fourCc = data.length >= 5 ? data.toString('latin1', 1, 5) : '';
    const codec = ENHANCED_AUDIO[fourCc] ?? (fourCc ? `"${printable(fourCc)}"` : 'unknown');
    return { kind: 'refused', codec, reason: `${codec} audio over Enhanced RTMP is not supported by this release; publish AAC` };
  }
  const codec = LEGACY_AUDIO[format] ?? `FLV audio format ${format}`;
  return { kind: 'refused', codec, reason: `audio codec ${codec} cannot be carried in MPEG-TS by this release; publish AAC` };
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}
