import { computed, Injectable, inject, type Signal, signal } from '@angular/core';
import { Router } from '@angular/router';
import { type ChannelStatus, type ClientToServerEvents, type EventRecord, isRole, type MediaLiveProgress, type ServerToClientEvents, SOCKET_PATH, type StatusSnapshot } from '@mld/contracts';
import { io, type Socket } from 'socket.io-client';
import { expireSession } from '../session/expire-session';
import { SessionService } from '../session/session.service';
import { appendSample, type BitrateSample, isAuthFailure, mergeEvents } from './live-model';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

const EMPTY_HISTORY: readonly BitrateSample[] = [];

/**
 * The one live connection of the dashboard (Socket.IO, same token as REST). Screens read
 * per-channel signals; nothing else talks to the socket. The shell starts it after login and
 * stops it on logout. A refused token ends the session like a 401 does.
 */
@Injectable({ providedIn: 'root' })
export class LiveStateService {
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);

  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelayMs = 1000;

  private readonly statuses = signal<ReadonlyMap<string, ChannelStatus>>(new Map());
  private readonly histories = signal<ReadonlyMap<string, readonly BitrateSample[]>>(new Map());
  private readonly pushedEvents = signal<readonly EventRecord[]>([]);
  private readonly configChanges = signal(0);
  private readonly channelSignals = new Map<string, Signal<ChannelStatus | undefined>>();
  private readonly historySignals = new Map<string, Signal<readonly BitrateSample[]>>();

  readonly connection = signal<ConnectionState>('idle');
  /** True once a snapshot arrived: until then, "no status" means "not known yet", not "stopped". */
  readonly ready = signal(false);
  /** Events pushed since connecting, newest first (bounded). */
  readonly events = this.pushedEvents.asReadonly();
  /** Bumped by every `config.changed` event: screens showing configuration reload then. */
  readonly configVersion = this.configChanges.asReadonly();
  readonly channels = computed(() => [...this.statuses().values()]);
  private readonly medialive = signal<ReadonlyMap<string, MediaLiveProgress>>(new Map());
  /** The last start/stop progress per MediaLive channel id. */
  readonly medialiveProgress = this.medialive.asReadonly();

  channel(id: string): Signal<ChannelStatus | undefined> {
    let s = this.channelSignals.get(id);
    if (!s) {
      s = computed(() => this.statuses().get(id));
      this.channelSignals.set(id, s);
    }
    return s;
  }

  /** Input bitrate samples of a channel, oldest first, the last 10 minutes at most. */
  history(id: string): Signal<readonly BitrateSample[]> {
    let s = this.historySignals.get(id);
    if (!s) {
      s = computed(() => this.histories().get(id) ?? EMPTY_HISTORY);
      this.historySignals.set(id, s);
    }
    return s;
  }

  start(): void {
    if (this.socket) return;
    this.connection.set('connecting');
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(globalThis.location.origin, {
      path: SOCKET_PATH,
      // A function, so every reconnection sends the current token rather than the first one.
      auth: (cb) => cb({ token: this.session.token() ?? '' }),
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      // Default transports (long-polling, then upgrade to WebSocket): works behind proxies that refuse upgrades.
    });
    this.socket = socket;

    socket.on('connect', () => {
      this.retryDelayMs = 1000;
      this.connection.set('connected');
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.connection.set('reconnecting');
      // The server closed us on purpose (e.g. restart): Socket.IO does not retry that by itself.
      if (reason === 'io server disconnect') this.scheduleReconnect();
    });
    socket.on('connect_error', (error) => {
      if (isAuthFailure(error.message)) {
        this.expireSession();
        return;
      }
      this.connection.set('reconnecting');
      // Refusals by the server's middleware leave the socket inactive; network errors keep it retrying.
      if (!socket.active) this.scheduleReconnect();
    });
    socket.on('error', (payload) => {
      if (isAuthFailure(payload?.message)) this.expireSession();
    });
    // The server re-checks our credential while connected: revoked, deleted, password changed, expired.
    socket.on('session.ended', (payload) => this.expireSession(typeof payload?.reason === 'string' ? payload.reason : null));
    socket.on('session.changed', (payload) => {
      if (isRole(payload?.role)) this.session.followRole(payload.role);
    });
    socket.on('snapshot', (snapshot) => this.applySnapshot(snapshot));
    socket.on('channel.status', (status) => this.applyStatus(status));
    socket.on('medialive.progress', (progress) => this.medialive.update((map) => new Map(map).set(progress.medialive_channel_id, progress)));
    socket.on('event', (event) => {
      this.pushedEvents.update((list) => mergeEvents(list, [event]));
      if (event.type === 'config.changed') this.configChanges.update((n) => n + 1);
    });
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.connection.set('idle');
    this.ready.set(false);
    this.statuses.set(new Map());
    this.histories.set(new Map());
    this.pushedEvents.set([]);
  }

  private applySnapshot(snapshot: StatusSnapshot): void {
    const now = Date.now();
    const statuses = new Map<string, ChannelStatus>();
    const histories = new Map(this.histories());
    for (const status of snapshot.channels) {
      statuses.set(status.channel_id, status);
      histories.set(status.channel_id, appendSample(histories.get(status.channel_id) ?? [], { t: now, bps: status.runtime?.bitrate_bps ?? 0 }));
    }
    // Channels deleted while we were away disappear with the snapshot.
    for (const id of [...histories.keys()]) if (!statuses.has(id)) histories.delete(id);
    this.statuses.set(statuses);
    this.histories.set(histories);
    this.ready.set(true);
  }

  private applyStatus(status: ChannelStatus): void {
    const known = this.statuses().has(status.channel_id);
    this.statuses.update((map) => new Map(map).set(status.channel_id, status));
    this.histories.update((map) =>
      new Map(map).set(status.channel_id, appendSample(map.get(status.channel_id) ?? [], { t: Date.now(), bps: status.runtime?.bitrate_bps ?? 0 })),
    );
    // A channel we had not heard of: its configuration is new too.
    if (!known && this.ready()) this.configChanges.update((n) => n + 1);
  }

  private scheduleReconnect(): void {
    clearTimeout(this.retryTimer);
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 10_000);
    this.retryTimer = setTimeout(() => this.socket?.connect(), delay);
  }

  private expireSession(reason: string | null = null): void {
    this.stop();
    expireSession(this.session, this.router, reason);
  }
}
