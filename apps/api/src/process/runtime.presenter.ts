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
  };
}
