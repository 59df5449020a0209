import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { hasPermission, SOCKET_PATH, type ClientToServerEvents, type EventRecord, type ServerToClientEvents, type SubscriptionAck, type SubscriptionRequest } from '@mld/contracts';
import type { Server, Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service.js';
import type { Principal } from '../auth/principal.js';
import { isUuid } from '../common/uuid.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { DomainError } from '../common/domain-error.js';
import { SOCKET_SECURITY_HEADERS } from '../common/security-headers.js';
import { DomainEvents, type AccessChangedEvent } from '../events/domain-events.js';
import { StatusService } from '../runtime/status.service.js';

interface SocketData {
  principal: Principal;
  /** The JWT or API token of the handshake, re-checked for as long as the socket lives. */
  credential: string;
  expiryTimer?: NodeJS.Timeout;
}
type TypedServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type TypedSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * How often every open socket's credential is checked again. Revocation, password changes, role
 * changes and deletions are also pushed on the domain bus and checked at once; this catches the rest
 * (API token expiry, changes made by another node or straight in the database).
 */
export const SESSION_RECHECK_MS = 3000;

const ALL = 'all';
const room = (channelId: string) => `channel:${channelId}`;

/**
 * One gateway for live state. It authenticates in the handshake (same JWT/API tokens as REST),
 * sends a snapshot, then pushes each channel's status at most once a second and every event
 * as it is logged. Only status and events travel here: no URLs, so nothing secret to mask.
 * Access is not settled once at the handshake: see SESSION_RECHECK_MS and `recheck`.
 */
@WebSocketGateway({ path: SOCKET_PATH, cors: { origin: false }, serveClient: false })
export class StatusGateway implements OnGatewayInit, OnGatewayConnection, OnApplicationShutdown {
  @WebSocketServer() private server!: TypedServer;
  private readonly logger = new Logger('StatusGateway');
  private ticker: NodeJS.Timeout | undefined;
  private offEvents: (() => void) | undefined;
  private offAccess: (() => void) | undefined;
  private rechecker: NodeJS.Timeout | undefined;
  private sweeping = false;
  private offMediaLive: (() => void) | undefined;

  constructor(
    private readonly auth: AuthService,
    private readonly status: StatusService,
    private readonly eventLog: EventLogService,
    private readonly domainEvents: DomainEvents,
  ) {}

  afterInit(server: TypedServer): void {
    // Long-polling answers come from Engine.IO, not Express: give them the same security headers.
    server.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, SOCKET_SECURITY_HEADERS));
    // Authenticate before the connection is accepted: an unauthenticated socket never joins a room.
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token ?? bearer(socket.handshake.headers.authorization);
      this.auth
        .authenticate(typeof token === 'string' ? `Bearer ${token}` : undefined)
        .then((principal) => {
          socket.data.principal = principal;
          socket.data.credential = token as string;
          next();
        })
        .catch((error: Error) => next(new Error(error.message)));
    });
    this.offEvents = this.eventLog.onEvent((event) => this.pushEvent(event));
    // MediaLive start/stop progress: states and elapsed time only, nothing secret.
    this.offMediaLive = this.domainEvents.subscribe('medialive.progress', (progress) => this.server?.emit('medialive.progress', progress));
    this.ticker = setInterval(() => this.pushStatus(), 1000);
    this.offAccess = this.domainEvents.subscribe('auth.access_changed', (event) => this.onAccessChanged(event));
    this.rechecker = setInterval(() => void this.recheckAll(), SESSION_RECHECK_MS);
  }

  async handleConnection(socket: TypedSocket): Promise<void> {
    if (!hasPermission(socket.data.principal.role, 'channel.read')) return this.endSession(socket, `role "${socket.data.principal.role}" may not read live state`);
    // A login JWT ends by itself: close the socket at that moment, not at the next periodic check.
    const expiresAt = this.auth.expiryOf(socket.data.credential);
    // (Clamped: setTimeout fires at once beyond 2^31 ms; the periodic check covers longer lives anyway.)
    if (expiresAt !== null) socket.data.expiryTimer = setTimeout(() => void this.recheck(socket), Math.min(Math.max(0, expiresAt - Date.now()) + 50, 2 ** 31 - 1));
    socket.on('disconnect', () => clearTimeout(socket.data.expiryTimer));
    await socket.join(ALL);
    socket.emit('snapshot', this.status.snapshot());
    socket.on('subscribe', (request, ack) => this.onSubscription(socket, request, ack, true));
    socket.on('unsubscribe', (request, ack) => this.onSubscription(socket, request, ack, false));
  }

  onApplicationShutdown(): void {
    clearInterval(this.ticker);
    clearInterval(this.rechecker);
    this.offEvents?.();
    this.offAccess?.();
    this.offMediaLive?.();
  }

  private onAccessChanged(event: AccessChangedEvent): void {
    if (!this.server) return;
    for (const socket of this.server.sockets.sockets.values()) {
      const principal = socket.data.principal;
      if (principal && principal.type === event.principal && principal.id === event.id) void this.recheck(socket);
    }
  }

  private async recheckAll(): Promise<void> {
    // One sweep at a time: with many sockets or a slow database a sweep may outlast the interval.
    if (!this.server || this.sweeping) return;
    this.sweeping = true;
    try {
      for (const socket of [...this.server.sockets.sockets.values()]) await this.recheck(socket);
    } finally {
      this.sweeping = false;
    }
  }

  /** Authenticates the socket's credential again: ends the session, or follows a new role. */
  private async recheck(socket: TypedSocket): Promise<void> {
    if (!socket.connected || !socket.data.credential) return;
    let principal: Principal;
    try {
      principal = await this.auth.authenticate(`Bearer ${socket.data.credential}`);
    } catch (error) {
      // Only a refused credential ends the session; a database hiccup is no reason to sign anyone out.
      if (error instanceof DomainError && error.code === 'UNAUTHENTICATED') return this.endSession(socket, error.message);
      this.logger.warn(`could not re-check a live connection (kept open, next try in ${SESSION_RECHECK_MS} ms): ${(error as Error).message}`);
      return;
    }
    if (principal.role === socket.data.principal.role) return;
    socket.data.principal = principal;
    if (!hasPermission(principal.role, 'channel.read')) return this.endSession(socket, `role "${principal.role}" may not read live state`);
    socket.emit('session.changed', { role: principal.role });
  }

  private endSession(socket: TypedSocket, reason: string): void {
    if (!socket.connected) return;
    clearTimeout(socket.data.expiryTimer);
    this.logger.log(`closing a live connection of ${socket.data.principal?.name ?? 'unknown'}: ${reason}`);
    socket.emit('session.ended', { message: 'your session ended: sign in again', reason });
    socket.disconnect(true);
  }

  private onSubscription(socket: TypedSocket, request: SubscriptionRequest, ack: ((r: SubscriptionAck) => void) | undefined, join: boolean): void {
    const reply = typeof ack === 'function' ? ack : () => undefined;
    const channelId = (request as { channel_id?: unknown } | undefined)?.channel_id;
    if (typeof channelId !== 'string' || (channelId !== ALL && !isUuid(channelId))) {
      reply({ ok: false, error: 'channel_id must be a channel UUID or "all"' });
      return;
    }
    const target = channelId === ALL ? ALL : room(channelId);
    if (join) {
      // Narrowing to one channel leaves "all"; asking for "all" again widens.
      if (channelId !== ALL) void socket.leave(ALL);
      void socket.join(target);
    } else void socket.leave(target);
    reply({ ok: true, subscriptions: [...socket.rooms].filter((r) => r !== socket.id) });
  }

  private pushStatus(): void {
    if (!this.server) return;
    for (const channelId of this.status.channelIds()) {
      const status = this.status.channelStatus(channelId);
      if (status) this.server.to([ALL, room(channelId)]).emit('channel.status', status);
    }
  }

  private pushEvent(event: EventRecord): void {
    if (!this.server) return;
    const targets = event.channel_id ? [ALL, room(event.channel_id)] : [ALL];
    this.server.to(targets).emit('event', event);
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
