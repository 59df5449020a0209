import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { RtmpIngestServer, type RtmpIngestRegistrar, type RtmpPublisherHandler, type RtmpRegistration, type RtmpRejection } from '@mld/dataplane';
import { readFileSync } from 'node:fs';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainEvents } from '../events/domain-events.js';
import { IngestEndpoints } from './ingest-endpoints.js';

/** A refused publisher is logged at most this often per client address (a scanner must not flood the log). */
const REJECTION_LOG_INTERVAL_MS = 10_000;
/** A port that could not be bound is tried again this often while an RTMP channel wants it. */
const RELISTEN_MS = 5000;

/**
 * The node's one RTMP ingest server (ADR 0009). It starts listening when the first RTMP-input
 * channel registers its key and keeps listening until shutdown, so its port (a free one when
 * RTMP_INGEST_PORT=0) stays the one operators were given. A port that cannot be bound is an
 * error on the RTMP channels (the sources show `listenError`) and is retried.
 */
@Injectable()
export class RtmpIngestService implements RtmpIngestRegistrar, OnApplicationShutdown {
  private readonly logger = new Logger('RtmpIngest');
  private readonly server: RtmpIngestServer;
  private readonly lastLogged = new Map<string, number>();
  private starting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private registrations = 0;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly endpoints: IngestEndpoints,
    private readonly events: DomainEvents,
  ) {
    const { bindIp, port, tls } = config.rtmpIngest;
    this.server = new RtmpIngestServer({
      host: bindIp,
      port,
      ...(tls ? { tls: { port: tls.port, key: readFileSync(tls.keyFile), cert: readFileSync(tls.certFile) } } : {}),
      onRejected: (rejection) => this.onRejected(rejection),
    });
  }

  get listenError(): string | null {
    return this.server.listenError;
  }

  register(streamKey: string, handler: RtmpPublisherHandler): RtmpRegistration {
    const registration = this.server.register(streamKey, handler);
    this.registrations += 1;
    this.ensureListening();
    let active = true;
    return {
      ...registration,
      unregister: () => {
        if (active) this.registrations -= 1;
        active = false;
        registration.unregister();
      },
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.starting?.catch(() => undefined);
    await this.server.close();
  }

  private ensureListening(): void {
    if (this.closed || this.starting || this.server.port !== null) return;
    this.starting = this.server
      .listen()
      .then(() => {
        this.endpoints.rtmpListening(this.server.port ?? undefined);
        this.logger.log(`RTMP ingest listening on port ${this.server.port}${this.server.tlsPort !== null ? `, RTMPS on ${this.server.tlsPort}` : ''}`);
      })
      .catch((error: Error) => {
        this.logger.error(`RTMP ingest cannot listen: ${error.message} (retrying every ${RELISTEN_MS / 1000} s while an RTMP channel runs)`);
        this.retry = setTimeout(() => {
          if (this.registrations > 0) this.ensureListening();
        }, RELISTEN_MS);
        this.retry.unref();
      })
      .finally(() => {
        this.starting = undefined;
      });
  }

  private onRejected(rejection: RtmpRejection): void {
    const last = this.lastLogged.get(rejection.clientAddress) ?? 0;
    if (rejection.at - last < REJECTION_LOG_INTERVAL_MS) return;
    this.lastLogged.set(rejection.clientAddress, rejection.at);
    if (this.lastLogged.size > 1000) this.lastLogged.clear();
    // The reason and the address only: never the key or the application a publisher sent.
    this.logger.warn(`RTMP publisher ${rejection.clientAddress} refused: ${rejection.reason}`);
    this.events.publish('runtime.rtmp_rejected', { clientAddress: rejection.clientAddress, kind: rejection.kind, reason: rejection.reason });
  }
}
