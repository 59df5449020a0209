import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { LimitsEntity } from './limits.entity.js';
import { DEFAULT_LIMITS, SPAWNING_PROTOCOLS, type LimitName, type Limits } from './limits.rules.js';

export interface LimitsUsage {
  channels: number;
  maxOutputsInAChannel: number;
  childProcesses: number;
}

export interface LimitsView extends Limits {
  usage: LimitsUsage;
  updatedAt: Date | null;
  updatedBy: string | null;
}

const ROW = 1;

/**
 * Reads, changes and enforces the node's limits. The checks run inside the caller's transaction,
 * after the caller's change: a change that would cross a limit throws and is rolled back whole.
 */
@Injectable()
export class LimitsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async view(): Promise<LimitsView> {
    const row = await this.dataSource.getRepository(LimitsEntity).findOneBy({ id: ROW });
    return { ...this.limitsOf(row), usage: await this.usage(this.dataSource.manager), updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null };
  }

  async update(changes: Partial<Limits>, actor: string): Promise<LimitsView> {
    const given = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (given.length === 0) {
      throw DomainError.validation([{ field: 'body', message: 'give at least one of max_channels, max_outputs_per_channel, max_child_processes' }]);
    }
    await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(LimitsEntity);
      const current = this.limitsOf(await repo.findOne({ where: { id: ROW }, lock: { mode: 'pessimistic_write' } }));
      await repo.save(repo.create({ id: ROW, ...current, ...Object.fromEntries(given), updatedBy: actor }));
    });
    return this.view();
  }

  /** In the transaction that creates a channel, before the insert (the caller serialises creates). */
  async assertChannelAllowed(manager: EntityManager): Promise<void> {
    const { maxChannels } = await this.limits(manager);
    const count = await manager.query(`SELECT count(*)::int AS n FROM channels`);
    if (count[0].n >= maxChannels) throw limitReached('max_channels', maxChannels, `this node already has ${count[0].n} channel(s)`);
  }

  /** In the transaction that adds an output, before the insert, with the channel row locked. */
  async assertOutputAllowed(manager: EntityManager, channelId: string): Promise<void> {
    const { maxOutputsPerChannel } = await this.limits(manager);
    const count = await manager.query(`SELECT count(*)::int AS n FROM outputs WHERE channel_id = $1`, [channelId]);
    if (count[0].n >= maxOutputsPerChannel) throw limitReached('max_outputs_per_channel', maxOutputsPerChannel, `this channel already has ${count[0].n} output(s)`);
  }

  /**
   * Runs `change` (inside the caller's transaction) and refuses it if it makes more child processes
   * wanted than the cap allows: channel start, output start, master start, a new, re-enabled or
   * re-typed SRT/RTMP output. A change that adds none passes even above a lowered cap. The advisory
   * lock serialises these changes across channels, so two starts at once cannot both squeeze under.
   * Callers lock their channel row before calling this (one lock order: no deadlocks).
   */
  async guardChildProcesses<T>(manager: EntityManager, change: () => Promise<T>): Promise<T> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['limits.child_processes']);
    const before = await childProcesses(manager);
    const result = await change();
    const after = await childProcesses(manager);
    if (after > before) {
      const { maxChildProcesses } = await this.limits(manager);
      if (after > maxChildProcesses) {
        throw limitReached('max_child_processes', maxChildProcesses, `this would want ${after} SRT/RTMP output processes running on this node (${before} now); stop some outputs first`);
      }
    }
    return result;
  }

  private async limits(manager: EntityManager): Promise<Limits> {
    return this.limitsOf(await manager.getRepository(LimitsEntity).findOneBy({ id: ROW }));
  }

  private limitsOf(row: LimitsEntity | null): Limits {
    return row ? { maxChannels: row.maxChannels, maxOutputsPerChannel: row.maxOutputsPerChannel, maxChildProcesses: row.maxChildProcesses } : { ...DEFAULT_LIMITS };
  }

  private async usage(manager: EntityManager): Promise<LimitsUsage> {
    const [channels] = await manager.query(`SELECT count(*)::int AS n FROM channels`);
    const [outputs] = await manager.query(`SELECT coalesce(max(n), 0)::int AS n FROM (SELECT count(*) AS n FROM outputs GROUP BY channel_id) per_channel`);
    return { channels: channels.n, maxOutputsInAChannel: outputs.n, childProcesses: await childProcesses(manager) };
  }
}

/** One child process per SRT/RTMP output that is enabled and wanted running on a channel wanted running. */
async function childProcesses(manager: EntityManager): Promise<number> {
  const [row] = await manager.query(
    `SELECT count(*)::int AS n FROM outputs o JOIN channels c ON c.id = o.channel_id
      WHERE c.desired_state = 'running' AND o.enabled AND o.desired_state = 'running' AND o.protocol = ANY($1)`,
    [SPAWNING_PROTOCOLS],
  );
  return row.n;
}

function limitReached(limit: LimitName, value: number, detail: string): DomainError {
  return new DomainError('LIMIT_REACHED', `limit ${limit} (${value}) reached: ${detail}. An admin can raise it with PUT /api/limits`, [
    { field: limit, message: `limit of ${value} reached` },
  ]);
}
