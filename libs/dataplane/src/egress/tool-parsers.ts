import { genericLineParser, type LineParser, type ParsedLine } from '@mld/supervisor';

/** srt-live-transmit stderr: connection events, and its error wording. */
export const srtLiveTransmitParser: LineParser = {
  parse(line: string): ParsedLine | undefined {
    // JSON statistics (stdout): only printed while connected and sending, so they prove progress.
    if (line.startsWith('{')) return { progress: { stats: 1 } };
    if (/SRT target connected|Accepted SRT target connection/i.test(line)) return { progress: { connected: 1 } };
    if (/^Media path:/.test(line)) return undefined;
    if (/connection (setup failure|rejected)|Connection does not exist|Connection timeout|conn_setup_failure|UDP::send|Connection refused/i.test(line)) return { error: line.trim() };
    if (/Wrong|Invalid|Unknown option|unrecognized/i.test(line)) return { error: line.trim(), fatal: true };
    return genericLineParser.parse(line);
  },
};

const FATAL_FFMPEG = [
  // FFmpeg 5.1's words for "FLV cannot carry this codec" (seen with HEVC video and MP2 audio).
  /codec \S+ not compatible with flv/i,
  /incompatible with output codec id/i,
  /Could not write header for output file.*incorrect codec parameters/i,
  /not currently supported in container/i,
  /Could not find tag for codec/i,
  /codec not currently supported/i,
  /Unsupported codec (id|with id)/i,
  /Unrecognized option|Option not found|Invalid argument.*option/i,
];

/**
 * FFmpeg: `-progress pipe:1` blocks on stdout (out_time_us=, speed=, frame=...), warnings and
 * errors on stderr. A codec FLV cannot carry is fatal: retrying would loop for nothing.
 */
export const ffmpegParser: LineParser = {
  parse(line: string): ParsedLine | undefined {
    const kv = /^(frame|fps|bitrate|total_size|out_time_us|out_time_ms|out_time|dup_frames|drop_frames|speed|progress)=(.*)$/.exec(line.trim());
    if (kv) {
      const [, key, value] = kv;
      // One progress signal per block, when output time is known to advance.
      if (key === 'out_time_us' && value !== 'N/A' && Number(value) > 0) return { progress: { out_time_us: Number(value) } };
      return undefined;
    }
    if (FATAL_FFMPEG.some((p) => p.test(line))) return { error: line.trim(), fatal: true };
    if (/^(\[[^\]]+ @ [^\]]+\] )?\[(warning|info)\]/.test(line.trim())) return undefined;
    return genericLineParser.parse(line);
  },
};

/** One `-pf:json` report of srt-live-transmit (per-interval counters), or undefined. */
export function parseSrtStatsJson(line: string): { rtt: number; mbitRate: number; bandwidth: number; msTsbPdDelay: number; msBuf: number; packets: number; packetsRetransmitted: number; packetsLost: number; packetsDropped: number } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const j = JSON.parse(line) as { link?: { rtt?: number; bandwidth?: number }; send?: Record<string, number>; recv?: { msTsbPdDelay?: number } };
    const send = j.send ?? {};
    return {
      rtt: Number(j.link?.rtt ?? 0),
      bandwidth: Number(j.link?.bandwidth ?? 0),
      mbitRate: Number(send['mbitRate'] ?? 0),
      msTsbPdDelay: Number(j.recv?.msTsbPdDelay ?? send['msTsbPdDelay'] ?? 0),
      msBuf: Number(send['msBuf'] ?? 0),
      packets: Number(send['packets'] ?? 0),
      packetsRetransmitted: Number(send['packetsRetransmitted'] ?? 0),
      packetsLost: Number(send['packetsLost'] ?? 0),
      packetsDropped: Number(send['packetsDropped'] ?? 0),
    };
  } catch {
    return undefined;
  }
}

/** One `key=value` line of FFmpeg's -progress output, numbers parsed; undefined for other lines. */
export function parseFfmpegProgressLine(line: string): { key: string; value: number | null } | undefined {
  const m = /^(frame|fps|bitrate|out_time_us|speed|drop_frames)=\s*(.*)$/.exec(line.trim());
  if (!m) return undefined;
  const raw = m[2]!.replace(/kbits\/s$/, '').replace(/x$/, '').trim();
  const value = raw === 'N/A' || raw === '' ? null : Number(raw);
  return { key: m[1]!, value: value !== null && Number.isFinite(value) ? value : null };
}
