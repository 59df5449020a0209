import { type ChannelInputView, type ChannelRuntime, type InputRoleName, MASK, maskOutputUrl, splitRtmpUrl } from '@mld/contracts';
import { formatAgo, formatBitrate, formatBytes, formatCount, formatSince } from '../core/format/format.js';
import { formatClipDuration } from '../media/media-view.js';

/**
 * What an encoder operator is told (connection details) and what the input panel shows as health,
 * per kind of input. Pure, so the wording and the masking are unit-tested without a browser.
 */

export interface RtmpConnection {
  /** `rtmp://host:port/live`: the "server" field of most encoders. */
  server: string;
  streamKey: string;
  publishUrl: string;
  /** The publish URL with its key hidden, for display until "Show". */
  maskedPublishUrl: string;
  /** The role may not read secrets: key and URL arrived masked. */
  serverMasked: boolean;
}

export function rtmpConnection(input: ChannelInputView): RtmpConnection | null {
  if (input.type !== 'rtmp' || !input.publish_url) return null;
  return {
    server: splitRtmpUrl(input.publish_url).server,
    streamKey: input.stream_key,
    publishUrl: input.publish_url,
    maskedPublishUrl: maskOutputUrl('rtmp', input.publish_url),
    serverMasked: input.stream_key === MASK,
  };
}

export interface SrtListenerConnection {
  connectUrl: string;
  latencyMs: number;
  /** Null: unencrypted. MASK for roles without secret.read. */
  passphrase: string | null;
  /** "AES-256"; null when unencrypted. */
  encryption: string | null;
}

export function srtListenerConnection(input: ChannelInputView): SrtListenerConnection | null {
  if (input.type !== 'srt' || input.mode !== 'listener' || !input.connect_url) return null;
  return {
    connectUrl: input.connect_url,
    latencyMs: input.latency,
    passphrase: input.passphrase,
    encryption: input.passphrase === null ? null : `AES-${(input.pbkeylen ?? 16) * 8}`,
  };
}

export interface ConnectionSection {
  role: InputRoleName;
  /** Test id prefix: '' for the main (as before backups existed), 'backup-' for the backup. */
  prefix: '' | 'backup-';
  srt: SrtListenerConnection | null;
  rtmp: RtmpConnection | null;
  /** SRT caller: the listener this service calls. */
  caller: string | null;
  /** WHIP: the endpoint path (relative to the dashboard's origin) and the bearer token. */
  whip: { path: string; token: string; serverMasked: boolean } | null;
}

/** What the connection details say about one input of the channel. */
export function connectionSection(role: InputRoleName, input: ChannelInputView): ConnectionSection {
  return {
    role,
    prefix: role === 'main' ? '' : 'backup-',
    srt: srtListenerConnection(input),
    rtmp: rtmpConnection(input),
    caller: input.type === 'srt' && input.mode === 'caller' ? `srt://${input.host ?? ''}:${input.port}` : null,
    whip: input.type === 'whip' ? { path: input.whip_url ?? '', token: input.token, serverMasked: input.token === MASK } : null,
  };
}

export interface HealthStat {
  label: string;
  value: string;
  testId: string;
  /** Shown in the danger colour: something is being lost. */
  bad?: boolean;
  mono?: boolean;
}

const stat = (label: string, value: string, testId: string, extra: Partial<HealthStat> = {}): HealthStat => ({ label, value, testId, ...extra });

/** Input health for the kind of input: counters common to all, then the kind's own. `mediaName` names a file input's media. */
export function inputHealthStats(input: ChannelInputView, rt: ChannelRuntime, nowMs: number, mediaName: string | null = null): HealthStat[] {
  const common = [stat('Bytes in', formatBytes(rt.bytes_in), 'input-bytes'), stat('Last packet', formatAgo(rt.last_packet_at, nowMs), 'input-last-packet')];
  switch (input.type) {
    case 'srt':
      return [...common, ...srtStats(rt)];
    case 'rtmp':
      return [...common, ...rtmpStats(rt, nowMs)];
    case 'file':
      return [...common, ...fileStats(rt, mediaName ?? input.media_id)];
    case 'whip':
      return [...common, ...whipStats(rt, nowMs)];
    default:
      return [
        stat('Datagrams', formatCount(rt.datagrams_in), 'input-datagrams'),
        ...common,
        stat('RTP lost', formatCount(rt.rtp.lost), 'rtp-lost', { bad: rt.rtp.lost > 0 }),
        stat('Duplicates', formatCount(rt.rtp.duplicates), 'rtp-duplicates'),
        stat('Reordered', formatCount(rt.rtp.reordered), 'rtp-reordered'),
        stat('Late', formatCount(rt.rtp.late), 'rtp-late'),
        stat('Resyncs / SSRC changes', `${rt.rtp.resyncs} / ${rt.rtp.ssrc_changes}`, 'rtp-resyncs'),
        stat('Malformed datagrams', formatCount(rt.malformed), 'malformed-total', { bad: rt.malformed > 0 }),
      ];
  }
}

function srtStats(rt: ChannelRuntime): HealthStat[] {
  const srt = rt.srt ?? null;
  const peer = stat('Peer', rt.peer ?? 'nobody connected', 'srt-peer', { mono: rt.peer != null });
  if (!srt) return [peer];
  return [
    peer,
    stat('RTT', `${srt.rtt_ms.toFixed(1)} ms`, 'srt-rtt'),
    stat('Receive rate', formatBitrate(srt.recv_rate_mbps * 1e6), 'srt-recv-rate'),
    stat('Latency', `${Math.round(srt.latency_ms)} ms`, 'srt-latency'),
    stat('Packets received', formatCount(srt.packets_received), 'srt-received'),
    stat('Lost', formatCount(srt.packets_lost), 'srt-lost', { bad: srt.packets_lost > 0 }),
    stat('Retransmitted', formatCount(srt.packets_retransmitted), 'srt-retransmitted'),
    // Lost for good: what the outputs miss.
    stat('Dropped', formatCount(srt.packets_dropped), 'srt-dropped', { bad: srt.packets_dropped > 0 }),
  ];
}

function whipStats(rt: ChannelRuntime, nowMs: number): HealthStat[] {
  const whip = rt.whip ?? null;
  if (!whip) return [stat('Publisher', 'nobody publishing', 'whip-client')];
  const v = whip.video;
  const size = v.width !== null && v.height !== null ? `${v.width}×${v.height}` : '—';
  return [
    stat('Publisher', whip.client_address, 'whip-client', { mono: true }),
    stat('ICE / DTLS', `${whip.ice_state} / ${whip.dtls_state}`, 'whip-state', { bad: whip.ice_state === 'failed' || whip.dtls_state === 'failed' }),
    stat('Round trip', whip.rtt_ms === null ? '—' : `${whip.rtt_ms} ms`, 'whip-rtt'),
    stat('Video', `H.264 ${v.profile}${v.level ? ` ${v.level}` : ''}, ${size} (not transcoded)`, 'whip-video'),
    stat('Audio', whip.audio ? `Opus ${whip.audio.channels === 2 ? 'stereo' : 'mono'} → AAC` : 'none', 'whip-audio'),
    stat('Lost / NACKs / PLIs', `${formatCount(whip.packets_lost)} / ${formatCount(whip.nacks_sent)} / ${formatCount(whip.plis_sent)}`, 'whip-loss', { bad: whip.packets_lost > 0 }),
    stat('Publishing for', whip.connected_at ? formatSince(whip.connected_at, nowMs) : 'connecting', 'whip-connected'),
  ];
}

function rtmpStats(rt: ChannelRuntime, nowMs: number): HealthStat[] {
  const rtmp = rt.rtmp ?? null;
  if (!rtmp) return [stat('Publisher', 'nobody publishing', 'rtmp-client')];
  const codecs = `${rtmp.video_codec ?? 'no video'} / ${rtmp.audio_codec ?? 'no audio'}`;
  const size = rtmp.width !== null && rtmp.height !== null ? `${rtmp.width}×${rtmp.height}` : '—';
  const kbps = (v: number | null) => (v === null ? '—' : formatBitrate(v * 1000));
  return [
    stat('Publisher', rtmp.client_address, 'rtmp-client', { mono: true }),
    stat('Encoder', rtmp.encoder ?? '—', 'rtmp-encoder'),
    stat('Codecs', codecs, 'rtmp-codecs'),
    stat('Resolution', size, 'rtmp-resolution'),
    stat('Frame rate', rtmp.frame_rate === null ? '—' : `${Number(rtmp.frame_rate.toFixed(2))} fps`, 'rtmp-fps'),
    stat('Video / audio', `${kbps(rtmp.video_kbps)} / ${kbps(rtmp.audio_kbps)}`, 'rtmp-bitrates'),
    stat('Publishing for', formatSince(rtmp.connected_at, nowMs), 'rtmp-connected'),
  ];
}

function fileStats(rt: ChannelRuntime, media: string): HealthStat[] {
  const file = rt.file ?? null;
  const name = stat('Media', media, 'file-media');
  if (!file) return [name];
  return [
    name,
    stat('Position', `${formatClipDuration(file.position_ms)} / ${formatClipDuration(file.duration_ms)}`, 'file-position'),
    stat('Loops', file.loop ? formatCount(file.loops) : 'no loop', 'file-loops'),
  ];
}
