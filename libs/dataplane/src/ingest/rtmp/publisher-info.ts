import type { Amf0Object, Amf0Value } from '../../rtmp/amf0.js';
import type { RtmpPublisherInfo } from '../../types.js';
import type { StreamLayout } from './publish-probe.js';

const VIDEO_CODECS: Record<string, string> = { '7': 'h264', avc1: 'h264', '12': 'hevc', hvc1: 'hevc', av01: 'av1', vp09: 'vp9', '2': 'h263', '4': 'vp6' };
const AUDIO_CODECS: Record<string, string> = { '10': 'aac', mp4a: 'aac', '2': 'mp3', '14': 'mp3', Opus: 'opus', '11': 'speex', '0': 'pcm', '3': 'pcm' };

/** The publisher as the dashboard shows it: the connection, then what onMetaData says, then what the tags say. */
export function publisherInfo(session: { clientAddress: string; flashVer: string | null; connectedAt: number }, metadata: Amf0Object | null, layout: StreamLayout | null): RtmpPublisherInfo {
  const md = metadata ?? {};
  return {
    clientAddress: session.clientAddress,
    encoder: text(md['encoder']) ?? session.flashVer,
    videoCodec: layout?.video ?? codecName(md['videocodecid'], VIDEO_CODECS),
    audioCodec: layout?.audio ?? codecName(md['audiocodecid'], AUDIO_CODECS),
    width: positive(md['width']),
    height: positive(md['height']),
    frameRate: positive(md['framerate']) ?? positive(md['fps']),
    videoKbps: positive(md['videodatarate']),
    audioKbps: positive(md['audiodatarate']),
    connectedAt: session.connectedAt,
  };
}

function text(value: Amf0Value): string | null {
  // Encoders write their name here; keep it printable and short, it ends up in the dashboard.
  return typeof value === 'string' && value.length > 0 ? value.replace(/[^\x20-\x7e]/g, '').slice(0, 120) : null;
}

function positive(value: Amf0Value): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value * 1000) / 1000 : null;
}

/** videocodecid is a number (7) or, in Enhanced RTMP, a FourCC as a string or as its 32-bit number. */
function codecName(value: Amf0Value, names: Record<string, string>): string | null {
  if (typeof value === 'string') return names[value] ?? null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) return null;
  if (value > 0xffff) {
    const fourCc = Buffer.alloc(4);
    fourCc.writeUInt32BE(value >>> 0, 0);
    return names[fourCc.toString('latin1')] ?? null;
  }
  return names[String(value)] ?? null;
}
