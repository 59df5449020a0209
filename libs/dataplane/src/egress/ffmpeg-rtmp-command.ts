import type { OutputConfig } from '../types.js';
import { ffmpegTsInputArgs } from './ffmpeg-ts-input.js';

/**
 * FFmpeg remuxing the channel's TS (stdin) to FLV on stdout, without transcoding; the service
 * publishes that FLV itself (ADR 0007), so no URL, host or stream key is on this command line. The input side (A/V only) is ffmpegTsInputArgs().
 */
export function buildFfmpegRtmpArgs(_config: OutputConfig): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel', 'level+warning',
    ...ffmpegTsInputArgs(),
    '-f', 'flv',
    '-flvflags', 'no_duration_filesize',
    // Tags reach the publisher as FFmpeg writes them, not in 32 KiB blocks.
    '-flush_packets', '1',
    'pipe:1',
  ];
}
