import type { OutputConfig } from '../types.js';

/**
 * FFmpeg remuxing the channel's TS (stdin) to FLV on stdout, without transcoding; the service
 * publishes that FLV itself (ADR 0007), so no URL, host or stream key is on this command line.
 * Only video and audio are mapped: FLV cannot carry SCTE-35, and mapping the sparse data
 * stream would make the muxer hold everything back until the next cue (EVIDENCE §10).
 */
export function buildFfmpegRtmpArgs(_config: OutputConfig): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel', 'level+warning',
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
    // Tags reach the publisher as FFmpeg writes them, not in 32 KiB blocks.
    '-flush_packets', '1',
    'pipe:1',
  ];
}
