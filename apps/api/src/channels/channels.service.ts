import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DesiredState } from '@mld/contracts';
import { DataSource, Not, Repository } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { DomainEvents } from '../events/domain-events.js';
import { LimitsService } from '../limits/limits.service.js';
import { DataPlanePort } from '../runtime/data-plane.port.js';
import { MediaLibrary } from '../media/media-library.service.js';
import { ChannelEntity } from './channel.entity.js';
import { inputColumnsOf, inputSpecOf } from './channel-input.mapper.js';
import { boundUdpPort, collisionReason, describeInput, inputsCollide, newStreamKey, resolveChannelInput, type ChannelInputFields } from './channel-input-rules.js';
import type { ChannelInputSpec } from '@mld/contracts';

export interface ChannelFields extends ChannelInputFields {
  name?: string;
  description?: string;
}

@Injectable()
export class ChannelsService {
  constructor(
    @InjectRepository(ChannelEntity) private readonly repo: Repository<ChannelEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly limits: LimitsService,
    private readonly dataPlane: DataPlanePort,
    private readonly media: MediaLibrary,
  ) {}

  list(): Promise<ChannelEntity[]> {
    return this.repo.find({ relations: { outputs: true }, order: { name: 'ASC' } });
  }

  async get(id: string): Promise<ChannelEntity> {
    const channel = isUuid(id) ? await this.repo.findOne({ where: { id }, relations: { outputs: true } }) : null;
    if (!channel) throw DomainError.notFound('channel', id);
    return channel;
  }

  async create(fields: ChannelFields & { name: string }, actor: string): Promise<ChannelEntity> {
    const input = resolveChannelInput(fields, undefined);
    if (!input.ok) throw DomainError.validation(input.problems);
    await this.assertMediaPlayable(input.value);
    const saved = await this.dataSource.transaction(async (manager) => {
      // Serialise creates/updates so the checks below cannot race each other.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['channels']);
      const repo = manager.getRepository(ChannelEntity);
      await this.assertNameFree(repo, fields.name);
      await this.assertInputFree(repo, input.value);
      await this.limits.assertChannelAllowed(manager);
      return repo.save(repo.create({ name: fields.name, description: fields.description ?? '', desiredState: 'stopped', ...inputColumnsOf(input.value) }));
    });
    await this.dataPlane.apply(saved.id);
    this.events.publish('channel.changed', { channelId: saved.id, name: saved.name, change: 'created', actor });
    return this.get(saved.id);
  }

  async update(id: string, fields: ChannelFields, actor: string): Promise<ChannelEntity> {
    const { name, inputChange } = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['channels']);
      const repo = manager.getRepository(ChannelEntity);
      const channel = isUuid(id) ? await repo.findOneBy({ id }) : null;
      if (!channel) throw DomainError.notFound('channel', id);
      const before = inputSpecOf(channel);
      const input = resolveChannelInput(fields, before);
      if (!input.ok) throw DomainError.validation(input.problems);
      await this.assertMediaPlayable(input.value);
      if (fields.name !== undefined && fields.name !== channel.name) await this.assertNameFree(repo, fields.name, channel.id);
      await this.assertInputFree(repo, input.value, channel.id);
      Object.assign(channel, inputColumnsOf(input.value));
      if (fields.name !== undefined) channel.name = fields.name;
      if (fields.description !== undefined) channel.description = fields.description;
      await repo.save(channel);
      const [was, is] = [describeInput(before), describeInput(input.value)];
      return { name: channel.name, inputChange: was === is ? undefined : `${was} → ${is}` };
    });
    // A new input on a running channel: its source is replaced, its outputs keep running.
    await this.dataPlane.apply(id);
    this.events.publish('channel.changed', { channelId: id, name, change: inputChange ? 'input_changed' : 'updated', actor, ...(inputChange ? { detail: inputChange } : {}) });
    return this.get(id);
  }

  async setDesiredState(id: string, desiredState: DesiredState, actor: string): Promise<ChannelEntity> {
    const channel = await this.get(id);
    if (channel.desiredState !== desiredState) {
      // Starting a channel starts its SRT/RTMP outputs: refused (and rolled back) beyond the cap.
      // Channel row first, then the cap's lock: the order every output change takes too (no deadlock).
      await this.dataSource.transaction(async (manager) => {
        const repo = manager.getRepository(ChannelEntity);
        await repo.findOne({ where: { id: channel.id }, lock: { mode: 'pessimistic_write' } });
        await this.limits.guardChildProcesses(manager, () => repo.update({ id: channel.id }, { desiredState }));
      });
      await this.dataPlane.apply(channel.id);
      this.events.publish('channel.changed', { channelId: channel.id, name: channel.name, change: desiredState === 'running' ? 'started' : 'stopped', actor });
    }
    return this.get(id);
  }

  /** Deletes the channel and, by cascade, its outputs. */
  async remove(id: string, actor: string): Promise<void> {
    const channel = await this.get(id);
    await this.repo.delete({ id: channel.id });
    await this.dataPlane.apply(channel.id);
    this.events.publish('channel.deleted', { channelId: channel.id, name: channel.name, change: 'deleted', actor });
  }

  private async assertNameFree(repo: Repository<ChannelEntity>, name: string, exceptId?: string): Promise<void> {
    const existing = await repo.findOneBy(exceptId ? { name, id: Not(exceptId) } : { name });
    if (existing) throw DomainError.conflict(`a channel named "${name}" already exists`, 'name');
  }

  /** A file input must name a file of the library that is on disk. */
  private async assertMediaPlayable(input: ChannelInputSpec): Promise<void> {
    if (input.type !== 'file') return;
    try {
      await this.media.resolveForPlayback(input.media_id);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') throw DomainError.validation([{ field: 'input.media_id', message: error.message }]);
      throw error;
    }
  }

  /** Refuses an input whose UDP port another channel's input already takes (RTP/UDP and SRT listeners alike). */
  private async assertInputFree(repo: Repository<ChannelEntity>, input: ChannelInputSpec, exceptId?: string): Promise<void> {
    const bound = boundUdpPort(input);
    if (!bound) return;
    const samePort = await repo.find({ where: exceptId ? { port: bound.port, id: Not(exceptId) } : { port: bound.port } });
    for (const other of samePort) {
      const theirs = boundUdpPort(inputSpecOf(other));
      if (theirs && inputsCollide(theirs, bound)) {
        throw DomainError.conflict(collisionReason({ ...bound, type: input.type }, { ...theirs, name: other.name, type: other.inputType }), input.type === 'rtp' || input.type === 'udp' ? 'port' : 'input.port');
      }
    }
  }

  /** A new RTMP stream key (admin): the old one stops working at once, and its publisher is disconnected. */
  async rotateStreamKey(id: string, actor: string): Promise<ChannelEntity> {
    const name = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(ChannelEntity);
      const channel = isUuid(id) ? await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!channel) throw DomainError.notFound('channel', id);
      if (channel.inputType !== 'rtmp') throw DomainError.conflict(`channel "${channel.name}" has a ${channel.inputType} input: only RTMP inputs have a stream key`, 'input');
      channel.inputSettings = { stream_key: newStreamKey() };
      await repo.save(channel);
      return channel.name;
    });
    await this.dataPlane.apply(id);
    this.events.publish('channel.changed', { channelId: id, name, change: 'stream_key_rotated', actor });
    return this.get(id);
  }
}
