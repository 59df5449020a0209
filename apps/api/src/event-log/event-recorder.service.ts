import type { EventType, Scte35CueRecord } from '@mld/contracts';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DomainEvents, type InputEventRecord, type InputStateEvent, type OutputStateEvent } from '../events/domain-events.js';
import { EventLogService } from './event-log.service.js';

/**
 * Turns what happens (operator changes, data-plane transitions) into event-log entries an
 * operator can read: "output X failed: connection refused; retrying at ...", "input lost".
 */
@Injectable()
export class EventRecorderService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly unsubscribe: Array<() => void> = [];
  /** Outputs whose last transition was a failure: their next "running" is a recovery. */
  private readonly failing = new Set<string>();
  /** Channels whose input was lost: their next "receiving" is a restoration. */
  private readonly inputLost = new Set<string>();
  private readonly loopsLogged = new Map<string, number>();
  /** Who last pinned an input per channel: a forced switch carried out later is recorded under their name. */
  private readonly selectedBy = new Map<string, string>();

  constructor(
    private readonly bus: DomainEvents,
    private readonly log: EventLogService,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe.push(
      this.bus.subscribe('channel.changed', (e) => {
        if (e.change === 'input_selected') this.selectedBy.set(e.channelId, e.actor);
        if (e.change === 'started' || e.change === 'stopped') {
          void this.log.record({ type: `channel.${e.change}`, channelId: e.channelId, channelName: e.name, actor: e.actor, message: `channel "${e.name}" ${e.change} by ${e.actor}` });
        } else {
          const what =
            e.change === 'input_changed'
              ? `input changed (${e.detail ?? ''})`
              : e.change === 'stream_key_rotated'
                ? `RTMP stream key rotated${e.detail ? ` (${e.detail})` : ''}`
                : e.change === 'input_selected'
                  ? (e.detail ?? 'input selection changed')
                  : e.change;
          void this.log.record({ type: 'config.changed', channelId: e.channelId, channelName: e.name, actor: e.actor, message: `channel "${e.name}" ${what} by ${e.actor}`, details: { entity: 'channel', change: e.change, ...(e.detail ? { detail: e.detail } : {}) } });
        }
      }),
      this.bus.subscribe('channel.deleted', (e) =>
        void this.log.record({ type: 'config.changed', channelId: e.channelId, channelName: e.name, actor: e.actor, message: `channel "${e.name}" deleted by ${e.actor}`, details: { entity: 'channel', change: 'deleted' } }),
      ),
      this.bus.subscribe('output.changed', (e) => {
        const base = { channelId: e.channelId, outputId: e.outputId, outputName: e.name, actor: e.actor };
        if (e.change === 'started' || e.change === 'stopped') void this.log.record({ ...base, type: `output.${e.change}`, message: `output "${e.name}" ${e.change} by ${e.actor}` });
        else void this.log.record({ ...base, type: 'config.changed', message: `output "${e.name}" ${e.change} by ${e.actor}`, details: { entity: 'output', change: e.change } });
      }),
      this.bus.subscribe('output.deleted', (e) =>
        void this.log.record({ type: 'config.changed', channelId: e.channelId, outputId: e.outputId, outputName: e.name, actor: e.actor, message: `output "${e.name}" deleted by ${e.actor}`, details: { entity: 'output', change: 'deleted' } }),
      ),
      this.bus.subscribe('media.changed', (e) =>
        void this.log.record({
          type: 'config.changed',
          actor: e.actor,
          message: e.change === 'created' ? `media "${e.name}" uploaded by ${e.actor}${e.summary ? ` (${e.summary})` : ''}` : `media "${e.name}" deleted by ${e.actor}`,
          details: { entity: 'media', change: e.change, media_id: e.mediaId },
        }),
      ),
      this.bus.subscribe('runtime.output_state', (e) => this.onOutputState(e)),
      this.bus.subscribe('runtime.input_state', (e) => this.onInputState(e)),
      this.bus.subscribe('runtime.input_event', (e) => this.onInputEvent(e)),
      this.bus.subscribe('runtime.rtmp_rejected', (e) =>
        void this.log.record({ type: 'input.rejected', severity: 'warning', message: `RTMP publisher ${e.clientAddress} refused: ${e.reason}`, details: { peer: e.clientAddress, kind: e.kind } }),
      ),
      this.bus.subscribe('runtime.scte35_cue', ({ channelId, channelName, cue }) =>
        void this.log.record({
          type: 'channel.scte35_cue',
          channelId,
          channelName,
          severity: cue.crc_valid ? 'info' : 'warning',
          message: `SCTE-35 ${describeCue(cue)} on PID ${cue.pid}${cue.crc_valid ? '' : ' (CRC invalid)'}`,
          details: cue as unknown as Record<string, unknown>,
        }),
      ),
    );
  }

  onApplicationShutdown(): void {
    this.unsubscribe.splice(0).forEach((off) => off());
  }

  private onOutputState(e: OutputStateEvent): void {
    const base = { channelId: e.channelId, channelName: e.channelName, outputId: e.outputId, outputName: e.outputName };
    const who = `output "${e.outputName}" (${e.protocol})`;
    if (e.to === 'running') {
      const recovered = this.failing.delete(e.outputId);
      void this.log.record({ ...base, type: recovered ? 'output.recovered' : 'output.running', message: recovered ? `${who} recovered after ${e.restarts} restart(s)` : `${who} running` });
    } else if (e.to === 'backoff') {
      this.failing.add(e.outputId);
      const stalled = e.reason?.startsWith('stalled') ?? false;
      const retry = e.nextRetryAt ? `; retrying at ${new Date(e.nextRetryAt).toISOString()}` : '';
      void this.log.record({
        ...base,
        type: stalled ? 'output.stalled' : 'output.failed',
        severity: stalled ? 'warning' : 'error',
        message: `${who} ${stalled ? 'stalled' : 'failed'}: ${e.reason ?? 'unknown reason'}${retry}`,
        details: { reason: e.reason ?? null, next_retry_at: e.nextRetryAt ? new Date(e.nextRetryAt).toISOString() : null, restarts: e.restarts },
      });
    } else if (e.to === 'failed') {
      this.failing.add(e.outputId);
      void this.log.record({ ...base, type: 'output.failed', severity: 'error', message: `${who} failed and will not be retried: ${e.reason ?? 'unknown reason'}`, details: { reason: e.reason ?? null, final: true } });
    } else if (e.to === 'stopped') {
      this.failing.delete(e.outputId);
    }
  }

  private onInputEvent(e: InputEventRecord): void {
    if (e.kind === 'input_state') return this.onPairInputState(e);
    if (e.switch) {
      const w = e.switch;
      const type: EventType = e.kind === 'failover' ? 'input.failover' : e.kind === 'restored' ? 'input.restored' : 'input.switched';
      void this.log.record({
        channelId: e.channelId,
        channelName: e.channelName,
        type,
        severity: e.kind === 'failover' ? 'warning' : 'info',
        ...(w.cause === 'forced' && this.selectedBy.has(e.channelId) ? { actor: this.selectedBy.get(e.channelId)! } : {}),
        message: `channel "${e.channelName}" ${e.message}${w.cause === 'forced' && this.selectedBy.has(e.channelId) ? `, ordered by ${this.selectedBy.get(e.channelId)}` : ''}`,
        details: { from: w.from, to: w.to, cause: w.cause, reason: w.reason, gap_ms: w.gap_ms, at_random_access: w.at_random_access },
      });
      return;
    }
    const type = INPUT_EVENT_TYPES[e.kind];
    // A looping file would write an event per pass for ever: the first ones tell the story, the snapshot counts the rest.
    if (e.kind === 'looped' && (this.loopsLogged.get(e.channelId) ?? 0) >= MAX_LOOP_EVENTS) return;
    if (e.kind === 'looped') this.loopsLogged.set(e.channelId, (this.loopsLogged.get(e.channelId) ?? 0) + 1);
    void this.log.record({
      channelId: e.channelId,
      channelName: e.channelName,
      type,
      severity: e.level === 'warn' ? 'warning' : 'info',
      message: `channel "${e.channelName}" ${e.input ? '' : 'input: '}${e.message}`,
      ...(e.peer || e.input || e.durationMs !== undefined || e.details
        ? {
            details: {
              ...(e.peer ? { peer: e.peer } : {}),
              ...(e.input ? { input: e.input } : {}),
              ...(e.durationMs !== undefined ? { [e.kind === 'slate_off' ? 'slate_duration_ms' : 'silent_ms']: e.durationMs } : {}),
              ...e.details,
            },
          }
        : {}),
    });
  }

  /**
   * One input of a main/backup pair lost or regained its signal. The pair's own state (both
   * gone) is onInputState's; this tells the operator that the standby (or the main off air) is
   * gone before it is needed, and when it is back.
   */
  private onPairInputState(e: InputEventRecord): void {
    if (!e.state || !e.input) return;
    const key = `${e.channelId}:${e.input}`;
    const { from, to, detail } = e.state;
    const base = { channelId: e.channelId, channelName: e.channelName, details: { input: e.input } };
    if ((to === 'no_signal' || to === 'error') && from === 'receiving') {
      this.inputLost.add(key);
      void this.log.record({ ...base, type: to === 'error' ? 'input.error' : 'input.lost', severity: 'warning', message: `channel "${e.channelName}" ${e.input} input lost: ${detail ?? 'no packets'}` });
    } else if (to === 'receiving' && this.inputLost.delete(key)) {
      void this.log.record({ ...base, type: 'input.restored', message: `channel "${e.channelName}" ${e.input} input receiving again` });
    } else if (to === 'stopped') {
      this.inputLost.delete(key);
    }
  }

  private onInputState(e: InputStateEvent): void {
    const base = { channelId: e.channelId, channelName: e.channelName };
    if (e.to === 'receiving' && this.inputLost.delete(e.channelId)) {
      void this.log.record({ ...base, type: 'input.restored', message: `channel "${e.channelName}" input restored` });
    } else if (e.to === 'no_signal' && e.from === 'receiving') {
      this.inputLost.add(e.channelId);
      void this.log.record({ ...base, type: 'input.lost', severity: 'warning', message: `channel "${e.channelName}" input lost: ${e.detail ?? 'no packets'}` });
    } else if (e.to === 'error') {
      void this.log.record({ ...base, type: 'input.error', severity: 'error', message: `channel "${e.channelName}" input error: ${e.detail ?? 'unknown'}` });
    } else if (e.to === 'stopped') {
      this.inputLost.delete(e.channelId);
      this.loopsLogged.delete(e.channelId);
    }
  }
}

const INPUT_EVENT_TYPES: Record<InputEventRecord['kind'], EventType> = {
  peer_connected: 'input.connected',
  peer_disconnected: 'input.disconnected',
  peer_rejected: 'input.rejected',
  stream_restarted: 'input.restarted',
  looped: 'input.looped',
  ended: 'input.ended',
  // Main/backup switches carry `switch` and are recorded above; these are what one without it would be.
  failover: 'input.failover',
  restored: 'input.restored',
  switched: 'input.switched',
  input_state: 'input.lost',
  slate_on: 'input.slate_on',
  slate_off: 'input.slate_off',
  video_black: 'input.video_black',
  video_frozen: 'input.video_frozen',
  video_ok: 'input.video_ok',
};

/** Loop events recorded per channel run. */
const MAX_LOOP_EVENTS = 10;

function describeCue(cue: Scte35CueRecord): string {
  if (cue.splice_insert) {
    const s = cue.splice_insert;
    const when = s.immediate ? 'immediate' : s.splice_time_seconds !== undefined ? `at ${s.splice_time_seconds.toFixed(3)} s` : '';
    const duration = s.break_duration_seconds !== undefined ? `, break ${s.break_duration_seconds.toFixed(1)} s` : '';
    return `splice_insert event ${s.event_id} ${s.cancel ? 'cancel' : s.out_of_network ? 'out of network' : 'back to network'} ${when}${duration}`.trim();
  }
  if (cue.command_type === 'time_signal') {
    const seg = cue.segmentation?.map((d) => `${d.type_name}${d.duration_seconds !== undefined ? ` ${d.duration_seconds.toFixed(1)} s` : ''}`).join(', ');
    return `time_signal${cue.time_signal?.seconds !== undefined ? ` at ${cue.time_signal.seconds.toFixed(3)} s` : ''}${seg ? `: ${seg}` : ''}`;
  }
  return cue.command_type;
}
