import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { MediaLiveActionResponse, MediaLiveProgress } from '@mld/contracts';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { MediaLiveService } from './medialive.service.js';

type Action = 'start' | 'stop';

/** What each action waits for, and the states that mean it failed. */
const TARGET: Record<Action, { done: string; failed: Set<string>; from: Set<string> }> = {
  start: { done: 'RUNNING', failed: new Set(['IDLE', 'CREATE_FAILED', 'DELETED']), from: new Set(['IDLE']) },
  stop: { done: 'IDLE', failed: new Set(['DELETED']), from: new Set(['RUNNING', 'STARTING', 'RECOVERING']) },
};

interface Watch {
  timer: NodeJS.Timeout | undefined;
  cancelled: boolean;
}

/**
 * Start and stop return at once; MediaLive takes a minute or more. A watcher polls the channel
 * and publishes each state it sees (medialive.progress on the bus → Socket.IO; state changes →
 * event log) until it settles, fails (with AWS's alerts as the reason) or times out.
 */
@Injectable()
export class MediaLiveTransitionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MediaLiveTransitions');
  private readonly watches = new Map<string, Watch>();
  private offChannelStarts: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly medialive: MediaLiveService,
    private readonly bus: DomainEvents,
    private readonly eventLog: EventLogService,
  ) {}

  onApplicationBootstrap(): void {
    // When a linked channel of ours starts, preflight its MediaLive channel and log what fails.
    this.offChannelStarts = this.bus.subscribe('channel.changed', (e) => {
      if (e.change !== 'started') return;
      void this.preflightOnStart(e.channelId, e.name);
    });
  }

  onApplicationShutdown(): void {
    this.offChannelStarts?.();
    for (const watch of this.watches.values()) {
      watch.cancelled = true;
      clearTimeout(watch.timer);
    }
    this.watches.clear();
  }

  async run(id: string, action: Action, actor: string, withChannel = false): Promise<MediaLiveActionResponse> {
    const before = await this.medialive.describe(id, true);
    const target = TARGET[action];
    if (before.state === target.done) return { medialive_channel_id: id, state: before.state };
    if (!target.from.has(before.state)) {
      throw DomainError.conflict(`MediaLive channel "${before.name}" is ${before.state}; it can ${action} only from ${[...target.from].join(' or ')}`, 'state');
    }
    const link = await this.medialive.links.findOneBy({ medialiveChannelId: id });
    if (withChannel && !link) throw DomainError.conflict(`MediaLive channel "${before.name}" is not linked to a channel of ours; link it first or start without with_channel`, 'with_channel');
    const preflight = action === 'start' && link ? await this.medialive.preflight(id, before) : undefined;
    // Our input listens before MediaLive sends, so the first packets are not lost.
    if (withChannel && link) await this.medialive.channels.setDesiredState(link.channelId, 'running', actor);
    const gateway = await this.medialive.requireGateway();
    const state = await this.medialive.call(() => (action === 'start' ? gateway.startChannel(id) : gateway.stopChannel(id)));
    this.medialive.invalidate(id);
    void this.eventLog.record({ type: 'medialive.state_changed', channelId: link?.channelId ?? null, actor, message: `MediaLive channel "${before.name}" ${action} requested by ${actor}: ${before.state} → ${state}`, details: { medialive_channel_id: id, from: before.state, to: state, action } });
    this.watch(id, before.name, action, before.state, state, link?.channelId ?? null);
    return { medialive_channel_id: id, state, ...(preflight ? { preflight } : {}) };
  }

  private watch(id: string, name: string, action: Action, previous: string, state: string, channelId: string | null): void {
    const old = this.watches.get(id);
    if (old) {
      old.cancelled = true;
      clearTimeout(old.timer);
    }
    const watch: Watch = { timer: undefined, cancelled: false };
    this.watches.set(id, watch);
    const startedAt = Date.now();
    const target = TARGET[action];
    const publish = (progress: Omit<MediaLiveProgress, 'medialive_channel_id' | 'medialive_channel_name' | 'action' | 'elapsed_ms'>) =>
      this.bus.publish('medialive.progress', { medialive_channel_id: id, medialive_channel_name: name, action, elapsed_ms: Date.now() - startedAt, ...progress });
    publish({ state, previous_state: previous, done: false });
    let last = state;
    const finish = (error?: string) => {
      this.watches.delete(id);
      this.medialive.invalidate(id);
      publish({ state: last, previous_state: last, done: true, ...(error ? { error } : {}) });
    };
    const poll = async () => {
      if (watch.cancelled) return;
      try {
        const now = (await this.medialive.describe(id, true)).state;
        if (watch.cancelled) return;
        if (now !== last) {
          publish({ state: now, previous_state: last, done: false });
          void this.eventLog.record({ type: 'medialive.state_changed', channelId, message: `MediaLive channel "${name}": ${last} → ${now}`, details: { medialive_channel_id: id, from: last, to: now, action } });
          last = now;
        }
        if (now === target.done) return finish();
        if (target.failed.has(now)) return finish(await this.failureReason(id, action, now));
      } catch (error) {
        this.logger.warn(`polling MediaLive channel ${id}: ${(error as Error).message}`);
      }
      if (Date.now() - startedAt > this.config.medialive.transitionTimeoutMs) {
        return finish(`${action} did not finish within ${Math.round(this.config.medialive.transitionTimeoutMs / 1000)} s (still ${last})`);
      }
      watch.timer = setTimeout(() => void poll(), this.config.medialive.pollIntervalMs);
    };
    watch.timer = setTimeout(() => void poll(), this.config.medialive.pollIntervalMs);
  }

  /** AWS's own words for a failed start: the channel's alerts, when the API offers them. */
  private async failureReason(id: string, action: Action, state: string): Promise<string> {
    try {
      const alerts = await this.medialive.alerts(id);
      if (alerts.length > 0) return `${action} failed (${state}): ${alerts.map((a) => `${a.type}: ${a.message}`).join('; ')}`;
    } catch {
      /* alerts are best effort */
    }
    return `${action} failed: the channel went to ${state}`;
  }

  private async preflightOnStart(channelId: string, channelName: string): Promise<void> {
    try {
      const link = await this.medialive.links.findOneBy({ channelId });
      if (!link || !(await this.medialive.status()).enabled) return;
      const result = await this.medialive.preflight(link.medialiveChannelId);
      const failed = result.results.filter((r) => r.status === 'fail');
      if (failed.length === 0) return;
      void this.eventLog.record({
        type: 'medialive.alert',
        severity: 'warning',
        channelId,
        channelName,
        message: `preflight of MediaLive channel "${link.medialiveName}" fails: ${failed.map((r) => `${r.message}; change ${r.setting} to ${r.expected}`).join(' | ')}`,
        details: { medialive_channel_id: link.medialiveChannelId, results: failed },
      });
    } catch (error) {
      this.logger.warn(`preflight on start of channel ${channelName}: ${(error as Error).message}`);
    }
  }
}
