import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { systemClock, type Clock } from '@mld/supervisor';
import type { RtmpMessage } from '../../rtmp/chunk-stream.js';
import { RtmpServerSession, type RtmpConnection, type RtmpPublishSession, type SessionDelegate, type SessionPhase } from './rtmp-server-session.js';
import { StreamKeyRegistry } from './stream-key-registry.js';

/** What a channel's RTMP input is told about the publishers of its key. */
export interface RtmpPublisherHandler {
  /** A publisher was accepted (Publish.Start sent). */
  publishStarted(session: RtmpPublishSession): void;
  /** Audio (8), video (9) or script data (18) of the published stream, as the encoder sent it. */
  message(session: RtmpPublishSession, message: RtmpMessage): void;
  /** The session ended; `replacedBy` when a newer publisher of the same key took over. */
  publishEnded(session: RtmpPublishSession, reason: string, replacedBy?: RtmpPublishSession): void;
}

export interface RtmpRegistration {
  /** Stops routing the key; a publisher on it is disconnected. */
  unregister(): void;
}

/** A connection that ended without publishing (never carries the key it tried). */
export interface RtmpRejection {
  clientAddress: string;
  kind: 'stream_key' | 'app' | 'play' | 'limit' | 'protocol' | 'timeout';
  reason: string;
  at: number;
}

export interface RtmpIngestServerOptions {
  /** Plain RTMP. Port 0 takes a free one (tests). Default host 0.0.0.0. */
  host?: string;
  port: number;
  /** RTMPS: a second listener, TLS with this certificate, speaking the same protocol. */
  tls?: { host?: string; port: number; key: string | Buffer; cert: string | Buffer };
  /** The application encoders publish to (rtmp://host/<app>/<key>). Default "live". */
  app?: string;
  clock?: Clock;
  /** From TCP accept to an accepted publish. Default 10 s. */
  setupTimeoutMs?: number;
  /** A publishing connection that sends nothing for this long is closed. Default 10 s. */
  idleTimeoutMs?: number;
  /** A refused stream key is answered after this long, to slow down guessing. Default 1 s. */
  rejectDelayMs?: number;
  /** Open connections, publishing or not. Default 64. */
  maxConnections?: number;
  /** Largest RTMP message (a keyframe) from a publisher. Default 16 MiB. */
  maxMessageBytes?: number;
  onRejected?: (rejection: RtmpRejection) => void;
}

interface Route {
  handler: RtmpPublisherHandler;
  active: RtmpServerSession | undefined;
}

/**
 * The one RTMP server of the service (ADR 0009): every channel with an RTMP input registers its
 * stream key; encoders publish to rtmp://host:port/live/<key>. The newest publisher of a key wins:
 * an encoder reconnecting after a network glitch replaces its own half-open session.
 */
export class RtmpIngestServer {
  private readonly clock: Clock;
  private readonly keys = new StreamKeyRegistry<Route>();
  private readonly routes = new Map<RtmpServerSession, Route>();
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<RtmpServerSession>();
  private servers: Server[] = [];
  private listenErrorValue: string | null = null;
  private readonly delegate: SessionDelegate;

  constructor(private readonly options: RtmpIngestServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.delegate = {
      connect: (session, app) => this.onConnect(session, app),
      publish: (session, name) => this.onPublish(session, name),
      media: (session, message) => {
        const route = this.routes.get(session);
        if (route) this.call(session, () => route.handler.message(session, message));
      },
      closed: (session, reason, phase) => this.onClosed(session, reason, phase),
    };
  }

  /** Why the server is not listening (port taken, certificate unreadable); null while it is. */
  get listenError(): string | null {
    return this.listenErrorValue;
  }

  get port(): number | null {
    return this.boundPort(0);
  }

  get tlsPort(): number | null {
    return this.options.tls ? this.boundPort(1) : null;
  }

  get connections(): number {
    return this.sockets.size;
  }

  async listen(): Promise<void> {
    if (this.servers.length > 0) return;
    const { host = '0.0.0.0', port, tls } = this.options;
    try {
      const plain = createTcpServer((socket) => this.accept(socket));
      this.servers = [plain];
      await bind(plain, host, port, 'RTMP');
      if (tls) {
        const secure = createTlsServer({ key: tls.key, cert: tls.cert, handshakeTimeout: this.options.setupTimeoutMs ?? 10_000 }, (socket) => this.accept(socket));
        secure.on('tlsClientError', (err, socket) => this.reject(describeAddress(socket.remoteAddress, socket.remotePort), 'protocol', `TLS handshake failed: ${err.message}`));
        this.servers.push(secure);
        await bind(secure, tls.host ?? host, tls.port, 'RTMPS');
      }
      this.listenErrorValue = null;
    } catch (err) {
      this.listenErrorValue = (err as Error).message;
      await this.close();
      this.listenErrorValue = (err as Error).message;
      throw err;
    }
  }

  async close(): Promise<void> {
    for (const session of [...this.sessions]) session.close('the RTMP server stopped');
    for (const socket of this.sockets) socket.destroy();
    const servers = this.servers;
    this.servers = [];
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
  }

  /** Routes `streamKey` to `handler`. Throws when another input already uses the key. */
  register(streamKey: string, handler: RtmpPublisherHandler): RtmpRegistration {
    const route: Route = { handler, active: undefined };
    this.keys.add(streamKey, route);
    return {
      unregister: () => {
        this.keys.remove(route);
        route.active?.close('the channel input stopped');
      },
    };
  }

  private accept(socket: Socket): void {
    const clientAddress = describeAddress(socket.remoteAddress, socket.remotePort);
    const limit = this.options.maxConnections ?? 64;
    if (this.sockets.size >= limit) {
      socket.destroy();
      this.reject(clientAddress, 'limit', `too many RTMP connections (${limit})`);
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 5000);
    const session = new RtmpServerSession(socketConnection(socket), clientAddress, this.delegate, this.clock, {
      setupTimeoutMs: this.options.setupTimeoutMs ?? 10_000,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 10_000,
      maxMessageBytes: this.options.maxMessageBytes ?? 16 * 1024 * 1024,
    });
    this.sessions.add(session);
    socket.on('data', (data: Buffer) => session.receive(data));
    socket.on('error', (err: NodeJS.ErrnoException) => session.ended(err.code ?? err.message));
    socket.on('end', () => session.ended());
    socket.on('close', () => {
      this.sockets.delete(socket);
      session.ended();
    });
  }

  private onConnect(session: RtmpServerSession, app: string): string | null {
    const wanted = this.options.app ?? 'live';
    // OBS and FFmpeg send "live"; some encoders add a slash or a query.
    const given = app.split('?')[0]!.replace(/\/+$/, '');
    if (given === wanted) return null;
    // Not echoed: an encoder given the whole URL as its server sends the key as part of the app.
    this.reject(session.clientAddress, 'app', `unknown application (publish to /${wanted}/<stream key>)`);
    return `Unknown application; publish to /${wanted}/<stream key>.`;
  }

  private onPublish(session: RtmpServerSession, streamName: string): void {
    // Encoders may append a query to the key; it is never part of the key.
    const route = this.keys.find(streamName.split('?')[0]!);
    if (!route) {
      this.reject(session.clientAddress, 'stream_key', 'publish refused: unknown stream key');
      this.clock.setTimeout(() => session.rejectPublish('Stream key not accepted.'), this.options.rejectDelayMs ?? 1000);
      return;
    }
    const previous = route.active;
    route.active = session;
    this.routes.set(session, route);
    if (previous) {
      // Ended before the new one starts, so the handler sees one publisher at a time.
      this.routes.delete(previous);
      previous.close(`replaced by a new publisher from ${session.clientAddress}`);
      this.call(previous, () => route.handler.publishEnded(previous, `replaced by a new publisher from ${session.clientAddress}`, session));
    }
    session.acceptPublish();
    this.call(session, () => route.handler.publishStarted(session));
  }

  private onClosed(session: RtmpServerSession, reason: string, phase: SessionPhase): void {
    this.sessions.delete(session);
    const route = this.routes.get(session);
    if (route) {
      this.routes.delete(session);
      if (route.active === session) route.active = undefined;
      if (phase === 'publishing') this.call(session, () => route.handler.publishEnded(session, reason));
      return;
    }
    if (phase === 'publishing' || phase === 'closed') return;
    // Refusals were reported when decided; what is left ended on its own before publishing.
    if (/^protocol error|^connection error/.test(reason)) this.reject(session.clientAddress, 'protocol', reason);
    else if (/^no publish within/.test(reason)) this.reject(session.clientAddress, 'timeout', reason);
    else if (/^asked to play/.test(reason)) this.reject(session.clientAddress, 'play', reason);
  }

  /** A handler that throws loses its session, never the server (the other channels' publishers). */
  private call(session: RtmpServerSession, run: () => void): void {
    try {
      run();
    } catch (err) {
      session.close(`the input could not take the stream: ${(err as Error).message}`);
    }
  }

  private reject(clientAddress: string, kind: RtmpRejection['kind'], reason: string): void {
    this.options.onRejected?.({ clientAddress, kind, reason, at: this.clock.now() });
  }

  private boundPort(index: number): number | null {
    const address = this.servers[index]?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }
}

function bind(server: Server, host: string, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new Error(`cannot listen for ${what} on ${host}:${port}: ${err.code ?? err.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      // Later errors (EMFILE on accept) must not crash the service.
      server.on('error', () => undefined);
      resolve();
    });
  });
}

function socketConnection(socket: Socket): RtmpConnection {
  return {
    write: (data) => {
      if (!socket.destroyed) socket.write(data);
    },
    get pendingWriteBytes() {
      return socket.writableLength;
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close: () => {
      socket.end();
      // A peer that never reads must not keep the socket open.
      setTimeout(() => socket.destroy(), 2000).unref();
    },
  };
}

/** "10.1.2.3:50000", "[2001:db8::1]:50000" (IPv4-mapped IPv6 shown as IPv4). */
export function describeAddress(address: string | undefined, port: number | undefined): string {
  if (!address) return 'unknown';
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a.includes(':') ? `[${a}]:${port ?? 0}` : `${a}:${port ?? 0}`;
}
