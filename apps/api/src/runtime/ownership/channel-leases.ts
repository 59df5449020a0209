import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** A lease row as the database has it now. */
export interface LeaseRow {
  channelId: string;
  nodeId: string;
  token: number;
}

/** What placement reads of the cluster: the nodes heart-beating, and how many live leases each holds. */
export interface ClusterView {
  nodes: { id: string; addresses: string[]; channels: number }[];
}

/**
 * Channel ownership leases in PostgreSQL (docs/multi-node.md, slice 2): one row per owned channel
 * with the owner, a fencing token (moves when the owner changes) and an expiry by the database's
 * clock. Every statement is one atomic SQL statement: two nodes racing for a channel serialize
 * on its row.
 */
@Injectable()
export class ChannelLeases {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes or renews `channelId` for `nodeId` for `ttlMs`, if it is free, expired or already
   * ours; the fencing token moves when the owner changes. Null: another node holds it (or the
   * channel is gone).
   */
  async claim(channelId: string, nodeId: string, ttlMs: number): Promise<LeaseRow | null> {
    try {
      const rows = (await this.dataSource.query(
        `INSERT INTO "channel_leases" ("channel_id", "node_id", "token", "acquired_at", "expires_at")
         VALUES ($1, $2, 1, now(), now() + $3 * interval '1 millisecond')
         ON CONFLICT ("channel_id") DO UPDATE SET
           "token" = CASE WHEN "channel_leases"."node_id" = EXCLUDED."node_id" THEN "channel_leases"."token" ELSE "channel_leases"."token" + 1 END,
           "acquired_at" = CASE WHEN "channel_leases"."node_id" = EXCLUDED."node_id" THEN "channel_leases"."acquired_at" ELSE now() END,
           "node_id" = EXCLUDED."node_id",
           "expires_at" = EXCLUDED."expires_at"
         WHERE "channel_leases"."node_id" = EXCLUDED."node_id" OR "channel_leases"."expires_at" < now()
         RETURNING "channel_id", "node_id", "token"`,
        [channelId, nodeId, ttlMs],
      )) as { channel_id: string; node_id: string; token: string }[];
      const row = rows[0];
      return row ? { channelId: row.channel_id, nodeId: row.node_id, token: Number(row.token) } : null;
    } catch (error) {
      // The channel was deleted meanwhile (foreign key): nobody owns it.
      if ((error as { code?: string }).code === '23503') return null;
      throw error;
    }
  }

  /** Renews every lease `nodeId` holds, in one statement; returns those it still holds. */
  async renewAll(nodeId: string, ttlMs: number): Promise<LeaseRow[]> {
    const result = (await this.dataSource.query(
      `UPDATE "channel_leases" SET "expires_at" = now() + $2 * interval '1 millisecond' WHERE "node_id" = $1 RETURNING "channel_id", "node_id", "token"`,
      [nodeId, ttlMs],
    )) as [{ channel_id: string; node_id: string; token: string }[], number];
    return result[0].map((r) => ({ channelId: r.channel_id, nodeId: r.node_id, token: Number(r.token) }));
  }

  /**
   * Expires the lease now (the row and its token stay, so the next owner's token is higher: its
   * published runtime wins over this node's last one), and withdraws this node's published runtime.
   */
  async release(channelId: string, nodeId: string): Promise<void> {
    await this.dataSource.query(`UPDATE "channel_leases" SET "expires_at" = '-infinity' WHERE "channel_id" = $1 AND "node_id" = $2`, [channelId, nodeId]);
    await this.dataSource.query(`DELETE FROM "channel_runtime" WHERE "channel_id" = $1 AND "node_id" = $2`, [channelId, nodeId]);
  }

  /** A clean shutdown hands every channel over at once instead of after the TTL. */
  async releaseAll(nodeId: string): Promise<void> {
    await this.dataSource.query(`UPDATE "channel_leases" SET "expires_at" = '-infinity' WHERE "node_id" = $1`, [nodeId]);
    await this.dataSource.query(`DELETE FROM "channel_runtime" WHERE "node_id" = $1`, [nodeId]);
  }

  /** Channels wanted running that no live lease covers (never owned, released, or their owner's lease expired). */
  async unowned(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT c."id" FROM "channels" c LEFT JOIN "channel_leases" l ON l."channel_id" = c."id"
       WHERE c."desired_state" = 'running' AND (l."channel_id" IS NULL OR l."expires_at" < now()) ORDER BY c."id"`,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** How many other nodes heart-beat within `downAfterMs` (draining ones included). */
  async othersUp(nodeId: string, downAfterMs: number): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT count(*)::int AS "n" FROM "nodes" WHERE "id" <> $1 AND "stopped_at" IS NULL AND "heartbeat_at" >= now() - $2 * interval '1 millisecond'`,
      [nodeId, downAfterMs],
    )) as { n: number }[];
    return rows[0]?.n ?? 0;
  }

  /** The node that held the channel's lease last, live or not; null when it never had one. */
  async lastHolder(channelId: string): Promise<string | null> {
    const rows = (await this.dataSource.query(`SELECT "node_id" FROM "channel_leases" WHERE "channel_id" = $1`, [channelId])) as { node_id: string }[];
    return rows[0]?.node_id ?? null;
  }

  /** The node holding a live lease on the channel, or null. */
  async owner(channelId: string): Promise<string | null> {
    const rows = (await this.dataSource.query(`SELECT "node_id" FROM "channel_leases" WHERE "channel_id" = $1 AND "expires_at" >= now()`, [channelId])) as { node_id: string }[];
    return rows[0]?.node_id ?? null;
  }

  /** Whether an admin asked this node to drain (false for a node not registered yet). */
  async draining(nodeId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT "draining" FROM "nodes" WHERE "id" = $1`, [nodeId])) as { draining: boolean }[];
    return rows[0]?.draining ?? false;
  }

  /** The nodes heart-beating within `downAfterMs` (by the database's clock) and their live leases. */
  async cluster(downAfterMs: number): Promise<ClusterView> {
    const rows = (await this.dataSource.query(
      `SELECT n."id", n."addresses", (SELECT count(*) FROM "channel_leases" l WHERE l."node_id" = n."id" AND l."expires_at" >= now())::int AS "channels"
       FROM "nodes" n WHERE n."stopped_at" IS NULL AND NOT n."draining" AND n."heartbeat_at" >= now() - $1 * interval '1 millisecond'`,
      [downAfterMs],
    )) as { id: string; addresses: string[]; channels: number }[];
    return { nodes: rows };
  }
}
