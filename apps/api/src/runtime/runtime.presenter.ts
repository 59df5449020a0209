import type { ChannelRuntime, ErrorCounterRecord, PictureHealth, InputSwitchRecord, MergeHealth, OutputRuntime, RedundancyHealth, RedundantInputHealth, Scte35CueRecord, StreamAnalysis } from '@mld/contracts';
import type { EgressSnapshot, IngestSnapshot, InputSwitch, RedundancySnapshot, RedundantInputSnapshot, RtpMergeStats } from '@mld/dataplane';
import type { ErrorCounter, Scte35Cue, TsAnalysisSnapshot } from '@mld/ts-analysis';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** camelCase → snake_case, deeply: the analysis library speaks TypeScript, the API speaks JSON. */
function snake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snake);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = snake(v);
  return out;
}

export function toCueRecord(cue: Scte35Cue): Scte35CueRecord {
  return { ...(snake(cue) as Omit<Scte35CueRecord, 'at'>), at: new Date(cue.at).toISOString() };
}

const counter = (c: ErrorCounter): ErrorCounterRecord => ({ count: c.count, last_at: iso(c.lastAt) });

export function toStreamAnalysis(a: TsAnalysisSnapshot): StreamAnalysis {
  const t = a.tr101290;
  return {
    state: a.state,
    packets: a.packets,
    bitrate_1s_bps: a.bitrate1s,
    bitrate_10s_bps: a.bitrate10s,
    ms_since_last_packet: a.msSinceLastPacket,
    tr101290: {
      sync_loss: counter(t.syncLoss),
      sync_byte_error: counter(t.syncByteError),
      pat_error: counter(t.patError),
      cc_error: counter(t.ccError),
      pmt_error: counter(t.pmtError),
      pid_error: counter(t.pidError),
      transport_error: counter(t.transportError),
      crc_error: counter(t.crcError),
      pcr_repetition_error: counter(t.pcrRepetitionError),
      pcr_discontinuity: counter(t.pcrDiscontinuity),
    },
    programs: a.programs.map((p) => ({
      number: p.number,
      pmt_pid: p.pmtPid,
      pcr_pid: p.pcrPid,
      streams: p.streams.map((st) => ({ pid: st.pid, stream_type: st.streamType, codec: st.codec, kind: st.kind, ...(st.language ? { language: st.language } : {}) })),
    })),
    pids: a.pids.map((p) => ({ pid: p.pid, name: p.name, codec: p.codec, packets: p.packets, cc_errors: p.ccErrors, bitrate_bps: p.bitrate })),
    scte35: { pids: a.scte35.pids, cues: a.scte35.cues, crc_errors: a.scte35.crcErrors, last_cue_at: iso(a.scte35.lastCueAt) },
  };
}

/** A picture verdict that makes a receiving input `degraded`. */
const badPicture = (p: PictureHealth | null | undefined): boolean => p?.state === 'black' || p?.state === 'frozen';

export function toChannelRuntime(s: IngestSnapshot, analysis?: TsAnalysisSnapshot, picture: PictureHealth | null = null): ChannelRuntime {
  return {
    state: s.state === 'receiving' && (analysis?.state === 'degraded' || badPicture(picture)) ? 'degraded' : s.state,
    since: new Date(s.since).toISOString(),
    error: s.error,
    datagrams_in: s.datagrams,
    bytes_in: s.bytes,
    ts_bytes: s.tsBytes,
    malformed: s.malformed,
    malformed_reasons: s.malformedReasons,
    rtp: { lost: s.rtp.lost, duplicates: s.rtp.duplicates, reordered: s.rtp.reordered, late: s.rtp.late, resyncs: s.rtp.resyncs, ssrc_changes: s.rtp.ssrcChanges, ssrc: s.rtp.ssrc },
    last_packet_at: iso(s.lastPacketAt),
    bitrate_bps: s.bitrateBps,
    peer: s.peer ?? null,
    srt: s.srt
      ? { at: new Date(s.srt.at).toISOString(), rtt_ms: s.srt.rttMs, recv_rate_mbps: s.srt.recvRateMbps, latency_ms: s.srt.latencyMs, packets_received: s.srt.packetsReceived, packets_lost: s.srt.packetsLost, packets_retransmitted: s.srt.packetsRetransmitted, packets_dropped: s.srt.packetsDropped }
      : null,
    rtmp: s.rtmp
      ? {
          client_address: s.rtmp.clientAddress,
          encoder: s.rtmp.encoder,
          video_codec: s.rtmp.videoCodec,
          audio_codec: s.rtmp.audioCodec,
          width: s.rtmp.width,
          height: s.rtmp.height,
          frame_rate: s.rtmp.frameRate,
          video_kbps: s.rtmp.videoKbps,
          audio_kbps: s.rtmp.audioKbps,
          connected_at: new Date(s.rtmp.connectedAt).toISOString(),
        }
      : null,
    whip: s.whip
      ? {
          session_id: s.whip.sessionId,
          client_address: s.whip.clientAddress,
          connected_at: iso(s.whip.connectedAt),
          ice_state: s.whip.iceState,
          dtls_state: s.whip.dtlsState,
          rtt_ms: s.whip.rttMs,
          packets_lost: s.whip.packetsLost,
          nacks_sent: s.whip.nacksSent,
          plis_sent: s.whip.plisSent,
          video: s.whip.video,
          audio: s.whip.audio ? { codec: 'opus', channels: s.whip.audio.channels, transcoded_to: 'aac' } : null,
        }
      : null,
    file: s.file ? { media_id: s.file.mediaId, duration_ms: s.file.durationMs, position_ms: s.file.positionMs, loops: s.file.loops, loop: s.file.loop } : null,
    analysis: analysis ? toStreamAnalysis(analysis) : null,
    redundancy: s.redundancy ? toRedundancyHealth(s.redundancy) : null,
    merge: s.merge ? toMergeHealth(s.merge) : null,
    slate: s.slate
      ? {
          action: s.slate.action,
          after_ms: s.slate.afterMs,
          on_air: s.slate.onAir,
          since: iso(s.slate.since),
          shown: s.slate.shown,
          last_duration_ms: s.slate.lastDurationMs,
          encoder: s.slate.encoder,
          matches: s.slate.matches,
        }
      : null,
    picture,
  };
}

export function toSwitchRecord(w: InputSwitch): InputSwitchRecord {
  return { at: new Date(w.at).toISOString(), from: w.from, to: w.to, cause: w.cause, reason: w.reason, gap_ms: Math.round(w.gapMs), at_random_access: w.atRandomAccess };
}

function toRedundantInputHealth(r: RedundantInputSnapshot): RedundantInputHealth {
  const s = r.ingest;
  return {
    state: s.state,
    error: s.error,
    healthy: r.healthy,
    fault: r.fault,
    fault_since: iso(r.faultSince),
    healthy_since: iso(r.healthySince),
    last_packet_at: iso(r.lastPacketAt),
    last_random_access_at: iso(r.lastRandomAccessAt),
    bitrate_bps: s.bitrateBps,
    bytes_in: s.bytes,
    peer: s.peer ?? null,
    lost: s.rtp.lost + (s.srt?.packetsDropped ?? 0),
    pid_map: r.pidMap.map((m) => ({ from: m.from, to: m.to })),
  };
}

function toRedundancyHealth(r: RedundancySnapshot): RedundancyHealth {
  return {
    prefer: r.prefer,
    active: r.active,
    forced: r.forced,
    pending: r.pending ? { to: r.pending.to, since: new Date(r.pending.since).toISOString(), cause: r.pending.cause } : null,
    main: toRedundantInputHealth(r.main),
    backup: toRedundantInputHealth(r.backup),
    switches: r.switches,
    recent_switches: [...r.recentSwitches].reverse().map(toSwitchRecord),
    cues: { forwarded: r.cues.forwarded, duplicates_dropped: r.cues.duplicatesDropped, replayed: r.cues.replayed },
  };
}

function toMergeHealth(m: RtpMergeStats): MergeHealth {
  return {
    window_ms: m.windowMs,
    merged_lost: m.mergedLost,
    paths: m.paths.map((p, i) => ({
      role: i === 0 ? 'main' : 'backup',
      address: p.address,
      state: p.state,
      error: p.error,
      received: p.received,
      lost: p.lost,
      late: p.late,
      duplicates: p.duplicates,
      used: p.used,
      behind_ms: Math.round(p.behindMs),
      last_packet_at: iso(p.lastPacketAt),
      ssrc: p.ssrc,
    })),
  };
}

export function toOutputRuntime(s: EgressSnapshot, now = Date.now()): OutputRuntime {
  return {
    state: s.state,
    since: new Date(s.since).toISOString(),
    pid: s.pid,
    restarts: s.restarts,
    last_error: s.lastError,
    next_retry_at: iso(s.nextRetryAt),
    started_at: iso(s.startedAt),
    uptime_seconds: s.startedAt !== null && (s.state === 'running' || s.state === 'starting') ? Math.round((now - s.startedAt) / 1000) : null,
    connected: s.connected,
    bytes_out: s.bytesOut,
    bitrate_bps: s.bitrateBps,
    queue_bytes: s.queueBytes,
    dropped_bytes: s.droppedBytes,
    srt: s.srt
      ? {
          at: new Date(s.srt.at).toISOString(),
          rtt_ms: s.srt.rttMs,
          send_rate_mbps: s.srt.sendRateMbps,
          bandwidth_mbps: s.srt.bandwidthMbps,
          latency_ms: s.srt.latencyMs,
          buffer_ms: s.srt.bufferMs,
          packets_sent: s.srt.packetsSent,
          packets_retransmitted: s.srt.packetsRetransmitted,
          packets_lost: s.srt.packetsLost,
          packets_dropped: s.srt.packetsDropped,
        }
      : null,
    ffmpeg: s.ffmpeg
      ? {
          at: new Date(s.ffmpeg.at).toISOString(),
          out_time_seconds: s.ffmpeg.outTimeSeconds,
          speed: s.ffmpeg.speed,
          bitrate_kbps: s.ffmpeg.bitrateKbps,
          frames: s.ffmpeg.frames,
          fps: s.ffmpeg.fps,
          drop_frames: s.ffmpeg.dropFrames,
        }
      : null,
  };
}
