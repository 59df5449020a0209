import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ChannelRuntime, OutputRuntime } from '@mld/contracts';
import type { DataSource } from 'typeorm';

/** Another node's published runtime of a channel it runs. */
export interface SharedRuntime {
  nodeId: string;
  runtime: ChannelRuntime;
  outputs: Record<string, OutputRuntime>;
}

/** A published runtime older than this (by the database's clock) is its dead owner's last word: ignored. */
const FRESH_MS = 3000;

/**
 * The live state of channels across nodes (docs/multi-node.md, slice 3): the owner writes each of
 * its channels' runtime into an UNLOGGED table every second, guarded by its lease's fencing token
 * (a node that lost a channel cannot overwrite the new owner's rows); every node reads the rows of
 * channels it does not run, so any node's API and dashboard show every channel live. No Socket.IO
 * adapter is needed: each node's gateway sends its clients the whole picture.
 */
@Injectable()
export class RuntimeShare {
  private readonly logger = new Logger('Cluster');
  private remote = new Map<string, SharedRuntime>();
  private failing = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Another node's runtime of the channel, or undefined (none fresh). */
  of(channelId: string): SharedRuntime | undefined {
    return this.remote.get(channelId);
  }

  /** This node's channels' runtime, each with the fencing token of its lease, written in one statement. */
  async publish(nodeId: string, entries: { channelId: string; token: number; runtime: ChannelRuntime; outputs: Record<string, OutputRuntime> }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO "channel_runtime" ("channel_id", "node_id", "token", "runtime", "outputs", "updated_at")
       SELECT e."channel_id"::uuid, $1, e."token"::bigint, e."runtime", e."outputs", now()
       FROM jsonb_to_recordset($2::jsonb) AS e("channel_id" text, "token" bigint, "runtime" jsonb, "outputs" jsonb)
       WHERE EXISTS (SELECT 1 FROM "channels" c WHERE c."id" = e."channel_id"::uuid)
       ON CONFLICT ("channel_id") DO UPDATE SET "node_id" = EXCLUDED."node_id", "token" = EXCLUDED."token", "runtime" = EXCLUDED."runtime",
         "outputs" = EXCLUDED."outputs", "updated_at" = now()
       WHERE "channel_runtime"."token" <= EXCLUDED."token"`,
      [nodeId, JSON.stringify(entries.map((e) => ({ channel_id: e.channelId, token: e.token, runtime: e.runtime, outputs: e.outputs })))],
    );
  }

  /** Reads the other nodes' fresh rows (one statement); keeps the last good copy when the database does not answer. */
  async refresh(nodeId: string): Promise<void> {
    try {
      const rows = (await this.dataSource.query(
        `SELECT "channel_id", "node_id", "runtime", "outputs" FROM "channel_runtime" WHERE "node_id" <> $1 AND "updated_at" >= now() - $2 * interval '1 millisecond'`,
        [nodeId, FRESH_MS],
      )) as { channel_id: string; node_id: string; runtime: ChannelRuntime; outputs: Record<string, OutputRuntime> }[];
      this.remote = new Map(rows.map((r) => [r.channel_id, { nodeId: r.node_id, runtime: r.runtime, outputs: r.outputs }]));
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`could not read the other nodes' channel state: ${(error as Error).message}`);
      this.failing = true;
    }
  }

  /** The channel runs here now: forget another node's older copy. */
  forget(channelId: string): void {
    this.remote.delete(channelId);
  }
}
