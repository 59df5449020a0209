/**
 * What an uploaded file is, decided from its bytes by ffprobe (never from its name), and what the
 * library does with it. Pure: argument builders, the parser of ffprobe's JSON and the verdict.
 */

/**
 * Demuxers ffprobe/ffmpeg may use on an upload. Playlists and indirections (hls, dash, concat,
 * image2, …) are left out on purpose: they open other files or URLs named inside the upload.
 * Harmless containers we refuse are listed so the 415 can say what the file was.
 */
export const PROBE_DEMUXERS = ['png_pipe', 'jpeg_pipe', 'mpegts', 'mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm', 'flv', 'avi', 'mpeg', 'ogg', 'wav', 'mp3', 'asf'] as const;
const MP4_DEMUXER = 'mov,mp4,m4a,3gp,3g2,mj2';

export const ACCEPTED_DESCRIPTION =
  'accepted: MPEG-TS (stored as is), or MP4/MOV with H.264 video and AAC audio (or no audio), remuxed once to MPEG-TS without transcoding; for input-loss slates, a PNG or JPEG image up to 7680x4320';

/** Single-image demuxers (they read the upload itself, nothing it names) → the container we report. */
export const IMAGE_FORMATS: Readonly<Record<string, { container: 'png' | 'jpeg'; codec: string }>> = {
  png_pipe: { container: 'png', codec: 'png' },
  jpeg_pipe: { container: 'jpeg', codec: 'mjpeg' },
};
export const IMAGE_CONTAINERS: readonly string[] = ['png', 'jpeg'];
const MAX_IMAGE = { width: 7680, height: 4320 };

export interface ProbedStream {
  index: number;
  type: 'video' | 'audio' | 'other';
  codec: string;
  width: number | null;
  height: number | null;
  /** Cover art in an MP4: a picture, not a video track. */
  attachedPic: boolean;
}

export interface ProbeResult {
  /** ffprobe's demuxer name, e.g. `mpegts` or `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  /** The short name we report: mpegts, mp4, mov, matroska, … */
  container: string;
  durationMs: number | null;
  bitrateBps: number | null;
  streams: ProbedStream[];
}

export type Verdict = { action: 'store' | 'remux' | 'store_image'; container: string } | { action: 'refuse'; message: string };

/** `file:` so nothing in a path is ever read as another protocol. */
const fileUrl = (path: string) => `file:${path}`;

export function ffprobeArgs(path: string): string[] {
  return [
    '-hide_banner',
    '-v',
    'error',
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    PROBE_DEMUXERS.join(','),
    '-show_entries',
    'format=format_name,duration,bit_rate:format_tags=major_brand:stream=index,codec_type,codec_name,width,height:stream_disposition=attached_pic',
    '-of',
    'json',
    fileUrl(path),
  ];
}

/** The one remux: container change only (`-c copy`), the video's H.264 put in Annex B as TS needs. */
export function remuxArgs(input: string, output: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    MP4_DEMUXER,
    '-i',
    fileUrl(input),
    // Video tracks but not cover art, and every audio track; data/timecode tracks are dropped.
    '-map',
    '0:V',
    '-map',
    '0:a?',
    '-c',
    'copy',
    '-bsf:v',
    'h264_mp4toannexb',
    '-f',
    'mpegts',
    '-y',
    fileUrl(output),
  ];
}

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
function positiveNumber(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Short container name; an ISO file with the QuickTime brand is a MOV. */
function containerName(formatName: string, majorBrand: string | null): string {
  if (formatName === MP4_DEMUXER) return majorBrand?.trim() === 'qt' ? 'mov' : 'mp4';
  return formatName.split(',')[0] ?? formatName;
}

/** ffprobe's JSON (`-of json`) → what we need; null when it does not describe a file. */
export function parseFfprobeJson(output: string): ProbeResult | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return null;
  }
  const format = record(record(parsed)['format']);
  const formatName = text(format['format_name']);
  if (formatName === null) return null;
  const rawStreams = record(parsed)['streams'];
  const streams: ProbedStream[] = (Array.isArray(rawStreams) ? rawStreams : []).map((raw, i) => {
    const s = record(raw);
    const codecType = text(s['codec_type']);
    return {
      index: typeof s['index'] === 'number' ? s['index'] : i,
      type: codecType === 'video' || codecType === 'audio' ? codecType : 'other',
      codec: text(s['codec_name']) ?? 'unknown',
      width: positiveNumber(s['width']),
      height: positiveNumber(s['height']),
      attachedPic: record(s['disposition'])['attached_pic'] === 1,
    };
  });
  const duration = positiveNumber(format['duration']);
  const bitrate = positiveNumber(format['bit_rate']);
  return {
    formatName,
    container: containerName(formatName, text(record(format['tags'])['major_brand'])),
    durationMs: duration === null ? null : Math.round(duration * 1000),
    bitrateBps: bitrate === null ? null : Math.round(bitrate),
    streams,
  };
}

/** Tracks that play: video without cover art, and audio. */
export function videoStreams(probe: ProbeResult): ProbedStream[] {
  return probe.streams.filter((s) => s.type === 'video' && !s.attachedPic);
}
export function audioStreams(probe: ProbeResult): ProbedStream[] {
  return probe.streams.filter((s) => s.type === 'audio');
}

function codecList(streams: ProbedStream[]): string {
  return streams.length === 0 ? 'none' : [...new Set(streams.map((s) => s.codec))].join(', ');
}

/** "mp4 with video mpeg4 and audio none": what was found, for the 415. */
export function describeFound(probe: ProbeResult): string {
  return `${probe.container} with video ${codecList(videoStreams(probe))} and audio ${codecList(audioStreams(probe))}`;
}

/** Store, remux or refuse, from what ffprobe saw. */
export function classify(probe: ProbeResult): Verdict {
  const video = videoStreams(probe);
  const audio = audioStreams(probe);
  const image = IMAGE_FORMATS[probe.formatName];
  if (image) {
    const picture = video[0];
    if (!picture || video.length !== 1 || picture.codec !== image.codec) return { action: 'refuse', message: `the file looks like ${image.container.toUpperCase()} but does not decode as one picture; ${ACCEPTED_DESCRIPTION}` };
    if ((picture.width ?? 0) > MAX_IMAGE.width || (picture.height ?? 0) > MAX_IMAGE.height) {
      return { action: 'refuse', message: `the image is ${picture.width}x${picture.height}: at most ${MAX_IMAGE.width}x${MAX_IMAGE.height}` };
    }
    return { action: 'store_image', container: image.container };
  }
  if (probe.formatName === 'mpegts') {
    if (video.length === 0 && audio.length === 0) return { action: 'refuse', message: `the file is MPEG-TS without any audio or video stream; ${ACCEPTED_DESCRIPTION}` };
    return { action: 'store', container: 'mpegts' };
  }
  if (probe.formatName === MP4_DEMUXER) {
    const playable = video.length > 0 && video.every((s) => s.codec === 'h264') && audio.every((s) => s.codec === 'aac');
    if (playable) return { action: 'remux', container: probe.container };
  }
  return { action: 'refuse', message: `the file is ${describeFound(probe)}; ${ACCEPTED_DESCRIPTION}` };
}

export const TS_PACKET_BYTES = 188;
const TS_SYNC_BYTE = 0x47;

/**
 * Why the start of a file ffprobe calls MPEG-TS cannot be relayed byte for byte, or null. The
 * outputs send 188-byte packets: a 192-byte M2TS or a capture cut mid-packet would be garbled.
 */
export function tsPacketProblem(head: Uint8Array, fileSize: number): string | null {
  if (fileSize < TS_PACKET_BYTES) return 'the file is shorter than one MPEG-TS packet (188 bytes)';
  for (let offset = 0; offset + TS_PACKET_BYTES <= Math.min(head.length, fileSize); offset += TS_PACKET_BYTES) {
    if (head[offset] !== TS_SYNC_BYTE) {
      return offset === 0
        ? 'the file does not start with an MPEG-TS packet (sync byte 0x47): it must be plain 188-byte TS, not cut mid-packet'
        : `the file is not plain 188-byte MPEG-TS (no sync byte at offset ${offset}; 192-byte M2TS is not accepted as is)`;
    }
  }
  return null;
}
