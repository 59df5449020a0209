import type { StreamLayout } from './publish-probe.js';

/**
 * The TS layout of every RTMP input, fixed by arguments rather than left to FFmpeg's numbering:
 * a remux restarted with another set of streams (audio added) keeps the PIDs of the streams it
 * had, so outputs and the analysis see the same programme.
 */
export const RTMP_TS_LAYOUT = { serviceId: 1, transportStreamId: 1, pmtPid: 0x1000, videoPid: 0x100, audioPid: 0x101 } as const;

/**
 * FFmpeg reading the FLV the service rebuilds from the publish (stdin) and writing MPEG-TS to
 * stdout, no transcoding. Measured with FFmpeg 5.1 on this FLV: the default probe waits ~1.6 s
 * for frame-rate estimation before writing anything; `-fpsprobesize 0` brings the first TS packet
 * to ~60 ms, and the timestamps are the same. Streams are created from the FLV header flags we
 * set, so the probe does not wait for a stream that will not come.
 */
export function buildFfmpegFlvRemuxArgs(layout: StreamLayout): string[] {
  const maps: string[] = [];
  const ids: string[] = [];
  if (layout.video) {
    ids.push('-streamid', `${maps.length / 2}:${RTMP_TS_LAYOUT.videoPid}`);
    maps.push('-map', '0:v:0');
  }
  if (layout.audio) {
    ids.push('-streamid', `${maps.length / 2}:${RTMP_TS_LAYOUT.audioPid}`);
    maps.push('-map', '0:a:0');
  }
  return [
    '-hide_banner',
    '-nostats',
    '-nostdin',
    '-loglevel', 'level+warning',
    '-fpsprobesize', '0',
    '-analyzeduration', '1000000',
    '-probesize', '5000000',
    '-f', 'flv',
    '-i', 'pipe:0',
    ...maps,
    '-c', 'copy',
    ...ids,
    '-mpegts_service_id', String(RTMP_TS_LAYOUT.serviceId),
    '-mpegts_transport_stream_id', String(RTMP_TS_LAYOUT.transportStreamId),
    '-mpegts_pmt_start_pid', String(RTMP_TS_LAYOUT.pmtPid),
    // Each packet reaches the pipe as it is muxed, not in 32 KiB blocks.
    '-flush_packets', '1',
    '-f', 'mpegts',
    'pipe:1',
  ];
}
