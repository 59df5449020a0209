import type { ChannelRuntime, OutputRuntime } from '@mld/contracts';
import type { EgressSnapshot, IngestSnapshot } from '@mld/dataplane';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function toChannelRuntime(s: IngestSnapshot): ChannelRuntime {
  return {
    state: s.state,
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
