import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { formatUrlHost, normaliseOutputUrl, parseOutputUrl, type DesiredState, type OutputOptions, type OutputProtocol } from '@mld/contracts';
import { DataSource, Not, type EntityManager } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { DomainEvents } from '../events/domain-events.js';
import { LimitsService } from '../limits/limits.service.js';
import { DataPlanePort } from '../runtime/data-plane.port.js';
import { OutputEntity } from './output.entity.js';

export interface OutputFields {
  protocol?: OutputProtocol;
  url?: string;
  name?: string;
  options?: OutputOptions;
  enabled?: boolean;
}

@Injectable()
export class OutputsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly limits: LimitsService,
    private readonly dataPlane: DataPlanePort,
  ) {}

  async list(channelId: string): Promise<OutputEntity[]> {
    await this.channel(this.dataSource.manager, channelId);
    return this.dataSource.getRepository(OutputEntity).find({ where: { channelId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(channelId: string, outputId: string): Promise<OutputEntity> {
    const output = isUuid(channelId) && isUuid(outputId) ? await this.dataSource.getRepository(OutputEntity).findOneBy({ id: outputId, channelId }) : null;
    if (!output) {
      await this.channel(this.dataSource.manager, channelId); // says "channel not found" when that is the reason
      throw DomainError.notFound('output', outputId);
    }
    return output;
  }

  async create(channelId: string, fields: OutputFields & { protocol: OutputProtocol; url: string }, actor: string): Promise<OutputEntity> {
    const parsed = this.validate(fields.protocol, fields.url, fields.options ?? {});
    const saved = await this.dataSource.transaction(async (manager) => {
      const channel = await this.channel(manager, channelId, true);
      const repo = manager.getRepository(OutputEntity);
      let name = fields.name;
      if (name !== undefined) await this.assertNameFree(manager, channel.id, name);
      else name = await this.freeName(manager, channel.id, `${fields.protocol} ${formatUrlHost(parsed.host)}:${parsed.port}`);
      await this.limits.assertOutputAllowed(manager, channel.id);
      // A new output on a running channel starts at once.
      return this.limits.guardChildProcesses(manager, () =>
        repo.save(
          repo.create({ channelId: channel.id, name, protocol: fields.protocol, url: normaliseOutputUrl(fields.url), options: fields.options ?? {}, enabled: fields.enabled ?? true, desiredState: 'running' }),
        ),
      );
    });
    await this.dataPlane.apply(channelId);
    this.events.publish('output.changed', { channelId, outputId: saved.id, name: saved.name, change: 'created', actor });
    return this.get(channelId, saved.id);
  }

  async update(channelId: string, outputId: string, fields: OutputFields, actor: string): Promise<OutputEntity> {
    const name = await this.dataSource.transaction(async (manager) => {
      await this.channel(manager, channelId, true);
      const repo = manager.getRepository(OutputEntity);
      const output = isUuid(outputId) ? await repo.findOneBy({ id: outputId, channelId }) : null;
      if (!output) throw DomainError.notFound('output', outputId);
      const protocol = fields.protocol ?? output.protocol;
      // Stored as tools need it (lower-case scheme); see normaliseOutputUrl.
      const url = normaliseOutputUrl(fields.url ?? output.url);
      const options = fields.options ?? output.options;
      if (fields.protocol !== undefined || fields.url !== undefined || fields.options !== undefined) this.validate(protocol, url, options);
      if (fields.name !== undefined && fields.name !== output.name) await this.assertNameFree(manager, channelId, fields.name, output.id);
      Object.assign(output, { protocol, url, options, name: fields.name ?? output.name, enabled: fields.enabled ?? output.enabled });
      await this.limits.guardChildProcesses(manager, () => repo.save(output)); // re-enabled, or udp → srt, may start a process
      return output.name;
    });
    await this.dataPlane.apply(channelId);
    this.events.publish('output.changed', { channelId, outputId, name, change: 'updated', actor });
    return this.get(channelId, outputId);
  }

  async remove(channelId: string, outputId: string, actor: string): Promise<void> {
    const output = await this.get(channelId, outputId);
    await this.dataSource.getRepository(OutputEntity).delete({ id: output.id });
    await this.dataPlane.apply(channelId);
    this.events.publish('output.deleted', { channelId, outputId: output.id, name: output.name, change: 'deleted', actor });
  }

  async setDesiredState(channelId: string, outputId: string, desiredState: DesiredState, actor: string): Promise<OutputEntity> {
    const output = await this.get(channelId, outputId);
    if (desiredState === 'running' && !output.enabled) {
      throw DomainError.conflict(`output "${output.name}" is disabled; enable it first (PATCH {"enabled": true})`, 'enabled');
    }
    if (output.desiredState !== desiredState) {
      await this.dataSource.transaction(async (manager) => {
        await this.channel(manager, channelId, true); // channel row, then the cap's lock: one order everywhere
        await this.limits.guardChildProcesses(manager, () => manager.getRepository(OutputEntity).update({ id: output.id }, { desiredState }));
      });
      await this.dataPlane.apply(channelId);
      this.events.publish('output.changed', { channelId, outputId: output.id, name: output.name, change: desiredState === 'running' ? 'started' : 'stopped', actor });
    }
    return this.get(channelId, outputId);
  }

  /**
   * Master switch: every enabled output of the channel, in one transaction (the channel row locked),
   * so a failure half-way leaves all of them as they were. The data plane and the events follow
   * only the commit.
   */
  async setAllDesiredState(channelId: string, desiredState: DesiredState, actor: string): Promise<OutputEntity[]> {
    const changed = await this.dataSource.transaction(async (manager) => {
      await this.channel(manager, channelId, true);
      const repo = manager.getRepository(OutputEntity);
      const outputs = await repo.find({ where: { channelId }, order: { createdAt: 'ASC', id: 'ASC' } });
      const toChange = outputs.filter((o) => o.enabled && o.desiredState !== desiredState);
      await this.limits.guardChildProcesses(manager, async () => {
        for (const output of toChange) await repo.update({ id: output.id }, { desiredState });
      });
      return toChange;
    });
    // One application for the whole switch: every output changes in the same pipeline pass.
    if (changed.length > 0) await this.dataPlane.apply(channelId);
    for (const output of changed) {
      this.events.publish('output.changed', { channelId, outputId: output.id, name: output.name, change: desiredState === 'running' ? 'started' : 'stopped', actor });
    }
    return this.list(channelId);
  }

  private validate(protocol: OutputProtocol, url: string, options: OutputOptions) {
    const parsed = parseOutputUrl(protocol, url, options);
    if (!parsed.ok) throw DomainError.validation(parsed.problems);
    return parsed.value;
  }

  /** Locks the channel row so concurrent output changes on one channel serialise (names stay unique). */
  private async channel(manager: EntityManager, channelId: string, lock = false): Promise<ChannelEntity> {
    if (!isUuid(channelId)) throw DomainError.notFound('channel', channelId);
    const channel = await manager.getRepository(ChannelEntity).findOne({ where: { id: channelId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!channel) throw DomainError.notFound('channel', channelId);
    return channel;
  }

  private async assertNameFree(manager: EntityManager, channelId: string, name: string, exceptId?: string): Promise<void> {
    const where = exceptId ? { channelId, name, id: Not(exceptId) } : { channelId, name };
    if (await manager.getRepository(OutputEntity).findOneBy(where)) throw DomainError.conflict(`this channel already has an output named "${name}"`, 'name');
  }

  private async freeName(manager: EntityManager, channelId: string, base: string): Promise<string> {
    const taken = new Set((await manager.getRepository(OutputEntity).find({ where: { channelId }, select: { name: true } })).map((o) => o.name));
    const trimmed = base.slice(0, 90);
    if (!taken.has(trimmed)) return trimmed;
    for (let i = 2; ; i++) if (!taken.has(`${trimmed} (${i})`)) return `${trimmed} (${i})`;
  }
}
