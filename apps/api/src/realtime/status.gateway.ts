import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import { SOCKET_PATH, type ClientToServerEvents, type EventRecord, type ServerToClientEvents, type SubscriptionAck, type SubscriptionRequest } from '@mld/contracts';
import type { Server, Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service.js';
import type { Principal } from '../auth/principal.js';
import { isUuid } from '../common/uuid.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { StatusService } from '../process/status.service.js';

type TypedServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;
type TypedSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;

const ALL = 'all';
const room = (channelId: string) => `channel:${channelId}`;

/**
 * One gateway for live state. It authenticates in the handshake (same JWT/API tokens as REST),
 * sends a snapshot, then pushes each channel's status at most once a second and every event
 * as it is logged. Only status and events travel here: no URLs, so nothing secret to mask.
 */
@WebSocketGateway({ path: SOCKET_PATH, cors: { origin: false }, serveClient: false })
export class StatusGateway implements OnGatewayInit, OnGatewayConnection, OnApplicationShutdown {
  @WebSocketServer() private server!: TypedServer;
  private readonly logger = new Logger('StatusGateway');
  private ticker: NodeJS.Timeout | undefined;
  private offEvents: (() => void) | undefined;
  private offMediaLive: (() => void) | undefined;

  constructor(
    private readonly auth: AuthService,
    private readonly status: StatusService,
    private readonly eventLog: EventLogService,
    private readonly bus: DomainEvents,
  ) {}

  afterInit(server: TypedServer): void {
    // Authenticate before the connection is accepted: an unauthenticated socket never joins a room.
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token ?? bearer(socket.handshake.headers.authorization);
      this.auth
        .authenticate(typeof token === 'string' ? `Bearer ${token}` : undefined)
        .then((principal) => {
          socket.data.principal = principal;
          next();
        })
        .catch((error: Error) => next(new Error(error.message)));
    });
    this.offEvents = this.eventLog.onEvent((event) => this.pushEvent(event));
    // MediaLive start/stop progress: states and elapsed time only, nothing secret.
    this.offMediaLive = this.bus.subscribe('medialive.progress', (progress) => this.server?.emit('medialive.progress', progress));
    this.ticker = setInterval(() => this.pushStatus(), 1000);
  }

  async handleConnection(socket: TypedSocket): Promise<void> {
    await socket.join(ALL);
    socket.emit('snapshot', this.status.snapshot());
    socket.on('subscribe', (request, ack) => this.onSubscription(socket, request, ack, true));
    socket.on('unsubscribe', (request, ack) => this.onSubscription(socket, request, ack, false));
  }

  onApplicationShutdown(): void {
    clearInterval(this.ticker);
    this.offEvents?.();
    this.offMediaLive?.();
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
