import { RTMP_TS_LAYOUT } from '../rtmp/ffmpeg-flv-remux-command.js';

/** What the remux receives: loopback ports it reads RTP on, and whether there is audio. */
export interface RtpRemuxLayout {
  videoPort: number;
  /** null: video only (the publisher offered no audio). */
  audioPort: number | null;
  audioChannels: number;
}

/** Payload types and SSRCs the restamper gives every stream, whatever the publisher negotiated. */
export const WHIP_RTP = { videoPayloadType: 96, audioPayloadType: 111, videoSsrc: 0x4d4c4401, audioSsrc: 0x4d4c4402 } as const;

/** The same programme layout as the RTMP input (PIDs, service): a channel may switch between them. */
export const WHIP_TS_LAYOUT = RTMP_TS_LAYOUT;

/** The SDP FFmpeg reads: RTP from loopback, H.264 and Opus, with the restamper's fixed payload types. */
export function whipRemuxSdp(layout: RtpRemuxLayout): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=whip', 'c=IN IP4 127.0.0.1', 't=0 0'];
  lines.push(`m=video ${layout.videoPort} RTP/AVP ${WHIP_RTP.videoPayloadType}`, `a=rtpmap:${WHIP_RTP.videoPayloadType} H264/90000`, `a=fmtp:${WHIP_RTP.videoPayloadType} packetization-mode=1`);
  if (layout.audioPort !== null) lines.push(`m=audio ${layout.audioPort} RTP/AVP ${WHIP_RTP.audioPayloadType}`, `a=rtpmap:${WHIP_RTP.audioPayloadType} opus/48000/2`);
  return lines.join('\r\n') + '\r\n';
}

/**
 * FFmpeg depacketizing the WHIP publisher's RTP (forwarded by the service to loopback) into
 * MPEG-TS on stdout: H.264 copied as sent, Opus decoded and encoded to AAC (the one transcode of
 * this input, audio only; ADR 0017). The SDP goes in as a data: URL, so there is no file to clean
 * up and nothing secret in it. `-fflags +genpts` gives the copied video the PTS the RTP demuxer
 * leaves unset on some packets.
 */
export function buildFfmpegRtpRemuxArgs(layout: RtpRemuxLayout): string[] {
  const sdp = Buffer.from(whipRemuxSdp(layout)).toString('base64');
  const audio = layout.audioPort !== null;
  return [
    '-hide_banner',
    '-nostats',
    '-nostdin',
    '-loglevel', 'level+warning',
    '-protocol_whitelist', 'data,udp,rtp',
    '-fflags', '+genpts',
    '-analyzeduration', '2000000',
    '-probesize', '5000000',
    '-reorder_queue_size', '256',
    '-f', 'sdp',
    '-i', `data:application/sdp;base64,${sdp}`,
    '-map', '0:v:0',
    ...(audio ? ['-map', '0:a:0'] : []),
    '-c:v', 'copy',
    ...(audio ? ['-c:a', 'aac', '-b:a', layout.audioChannels === 1 ? '96k' : '128k', '-ac', String(layout.audioChannels), '-ar', '48000'] : []),
    '-streamid', `0:${WHIP_TS_LAYOUT.videoPid}`,
    ...(audio ? ['-streamid', `1:${WHIP_TS_LAYOUT.audioPid}`] : []),
    '-mpegts_service_id', String(WHIP_TS_LAYOUT.serviceId),
    '-mpegts_transport_stream_id', String(WHIP_TS_LAYOUT.transportStreamId),
    '-mpegts_pmt_start_pid', String(WHIP_TS_LAYOUT.pmtPid),
    '-flush_packets', '1',
    '-f', 'mpegts',
    'pipe:1',
  ];
}
