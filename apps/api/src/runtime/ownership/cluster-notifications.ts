import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';

/** The PostgreSQL notification channel: "a channel's desired state changed, reconcile it". */
const CHANNEL = 'mld_channel';
const RECONNECT_MS = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * "Channel X changed" between nodes (docs/multi-node.md, slice 3), over PostgreSQL LISTEN/NOTIFY:
 * the node whose API changed a channel notifies; every other node reconciles that channel from
 * the database (the notification carries nothing else, so a lost one costs only the periodic
 * re-read). One dedicated connection listens, reconnecting after a second when it drops.
 */
@Injectable()
export class ClusterNotifications implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Cluster');
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private handler: ((channelId: string) => void) | undefined;
  private nodeId = '';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Starts listening; `onChanged` runs for every channel another node changed. */
  async listen(nodeId: string, onChanged: (channelId: string) => void): Promise<void> {
    this.nodeId = nodeId;
    this.handler = onChanged;
    await this.connect();
  }

  /** Tells the other nodes that the channel changed (best effort: they also re-read periodically). */
  async channelChanged(channelId: string): Promise<void> {
    try {
      await this.dataSource.query(`SELECT pg_notify($1, $2)`, [CHANNEL, `${this.nodeId} ${channelId}`]);
    } catch (error) {
      this.logger.warn(`could not notify the other nodes of channel ${channelId}: ${(error as Error).message}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const url = (this.dataSource.options as { url?: string }).url;
    const client = new pg.Client({ connectionString: url, application_name: `mld-listen-${this.nodeId}` });
    client.on('notification', (message) => {
      const [from, channelId] = (message.payload ?? '').split(' ');
      if (message.channel !== CHANNEL || from === this.nodeId || !channelId || !UUID.test(channelId)) return;
      this.handler?.(channelId);
    });
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.dropped(client, error as Error);
    }
  }

  private dropped(client: pg.Client, error: Error): void {
    if (this.closed || (this.client !== client && this.client !== undefined)) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.logger.warn(`node "${this.nodeId}": listening for changes from other nodes failed (${error.message}); again in ${RECONNECT_MS} ms`);
    if (this.retry) clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect(), RECONNECT_MS);
    this.retry.unref();
  }
}
