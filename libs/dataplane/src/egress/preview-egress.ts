import type { Spawner } from '@mld/supervisor';
import type { PreviewTarget } from '../types.js';
import type { Egress } from './egress.js';
import { ffmpegTsInputArgs } from './ffmpeg-ts-input.js';
import { ProcessEgress } from './process-egress.js';
import { ffmpegParser } from './tool-parsers.js';

export const PREVIEW_PLAYLIST = 'index.m3u8';
export const PREVIEW_SEGMENT = /^seg\d{5}\.ts$/;

/**
 * FFmpeg turning the channel's TS into a short live HLS rendition in `dir`, without
 * transcoding (-c copy): what the dashboard's closed-loop preview plays. Two-second segments,
 * six in the playlist, old ones deleted.
 */
export function buildHlsPreviewArgs(dir: string): string[] {
  return [
    '-hide_banner', '-nostats', '-loglevel', 'level+warning',
    '-progress', 'pipe:1', '-stats_period', '1',
    ...ffmpegTsInputArgs(),
    '-f', 'hls',
    '-hls_time', '2',
    '-hls_list_size', '6',
    '-hls_flags', 'delete_segments+omit_endlist+independent_segments',
    '-hls_segment_filename', `${dir}/seg%05d.ts`,
    `${dir}/${PREVIEW_PLAYLIST}`,
  ];
}

export function createPreviewEgress(channelId: string, dir: string, ffmpeg = 'ffmpeg', spawner?: Spawner): Egress {
  const config: PreviewTarget = { id: `preview:${channelId}`, name: 'preview', protocol: 'hls', dir };
  return new ProcessEgress({
    config,
    command: ffmpeg,
    args: buildHlsPreviewArgs(dir),
    parser: ffmpegParser,
    stdoutStats: 'ffmpeg',
    stallTimeoutMs: 20_000,
    maxQueueBytes: 2 * 1024 * 1024,
    ...(spawner ? { spawner } : {}),
  });
}
