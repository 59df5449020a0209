import type { OutputConfig } from '../types.js';

/**
 * FFmpeg remuxing the channel's TS (stdin) to FLV for RTMP/RTMPS, without transcoding.
 * Only video and audio are mapped: FLV cannot carry SCTE-35, and mapping the sparse data
 * stream would make the muxer hold everything back until the next cue (EVIDENCE §10).
 * Progress goes to stdout as key=value blocks (parsed for the stall watchdog).
 */
export function buildFfmpegRtmpArgs(config: OutputConfig): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel', 'level+warning',
    '-progress', 'pipe:1',
    '-stats_period', '1',
    // A late-starting PID or a stream joined mid-GOP needs more probing than the defaults (EVIDENCE §10).
    '-probesize', '10000000',
    '-analyzeduration', '5000000',
    '-fflags', '+genpts+discardcorrupt',
    '-f', 'mpegts',
    '-i', 'pipe:0',
    '-map', '0:v:0',
    '-map', '0:a:0?',
    '-c', 'copy',
    '-f', 'flv',
    '-flvflags', 'no_duration_filesize',
    // Network writes that block longer than this fail instead of hanging (microseconds).
    '-rw_timeout', '15000000',
    config.url,
  ];
}
