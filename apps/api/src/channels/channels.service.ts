import { Injectable } from '@nestjs/common';
import { WhipEndpoints } from '@mld/dataplane';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DesiredState } from '@mld/contracts';
import { DataSource, Not, Repository } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { DomainEvents } from '../events/domain-events.js';
import { LimitsService } from '../limits/limits.service.js';
import { DataPlanePort } from '../runtime/data-plane.port.js';
import { whipEndpointId } from '../runtime/pipeline-config.js';
import { MediaLibrary } from '../media/media-library.service.js';
import { ChannelEntity } from './channel.entity.js';
import { inputColumnsOf, inputSpecOf } from './channel-input.mapper.js';
import { boundUdpPort, collisionReason, describeInput, inputsCollide, newStreamKey, resolveChannelInput, type ChannelInputFields } from './channel-input-rules.js';
import { resolveRedundancy, type Redundancy, type RedundancyFields } from './channel-redundancy-rules.js';
import { parseInputLoss, type ChannelInputSpec, type InputLossSpec, type InputRoleName, type InputSelection } from '@mld/contracts';

/** An input and the field a 409 about it names. */
interface NamedInput {
  spec: ChannelInputSpec;
  role: InputRoleName;
}

export interface ChannelFields extends ChannelInputFields, RedundancyFields {
  input_loss?: unknown;
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
    private readonly whip: WhipEndpoints,
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
    const redundancy = resolveRedundancy(fields, input.value, { backup: null, failover: null });
    if (!redundancy.ok) throw DomainError.validation(redundancy.problems);
    await this.assertMediaPlayable(input.value, 'input');
    if (redundancy.value.backup) await this.assertMediaPlayable(redundancy.value.backup, 'backup_input');
    const inputLoss = await this.resolveInputLoss(fields.input_loss, null);
    const saved = await this.dataSource.transaction(async (manager) => {
      // Serialise creates/updates so the checks below cannot race each other.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['channels']);
      const repo = manager.getRepository(ChannelEntity);
      await this.assertNameFree(repo, fields.name);
      await this.assertInputsFree(repo, inputsOf(input.value, redundancy.value));
      await this.limits.assertChannelAllowed(manager);
      return repo.save(
        repo.create({ name: fields.name, description: fields.description ?? '', desiredState: 'stopped', ...inputColumnsOf(input.value), ...redundancyColumnsOf(redundancy.value), ...inputLossColumnsOf(inputLoss), inputSelection: 'auto' }),
      );
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
      const redundancyBefore: Redundancy = { backup: channel.backupInput, failover: channel.failover };
      const redundancy = resolveRedundancy(fields, input.value, redundancyBefore);
      if (!redundancy.ok) throw DomainError.validation(redundancy.problems);
      await this.assertMediaPlayable(input.value, 'input');
      if (redundancy.value.backup) await this.assertMediaPlayable(redundancy.value.backup, 'backup_input');
      const inputLoss = await this.resolveInputLoss(fields.input_loss, channel.inputLoss);
      if (fields.name !== undefined && fields.name !== channel.name) await this.assertNameFree(repo, fields.name, channel.id);
      await this.assertInputsFree(repo, inputsOf(input.value, redundancy.value), channel.id);
      Object.assign(channel, inputColumnsOf(input.value), redundancyColumnsOf(redundancy.value), inputLossColumnsOf(inputLoss));
      // A pinned input means nothing without a backup, or in merge mode (both paths are always used).
      if (!redundancy.value.backup || redundancy.value.failover?.mode === 'merge') channel.inputSelection = 'auto';
      if (fields.name !== undefined) channel.name = fields.name;
      if (fields.description !== undefined) channel.description = fields.description;
      await repo.save(channel);
      return { name: channel.name, inputChange: describeChange(before, input.value, redundancyBefore, redundancy.value) };
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
  /** The requested input_loss (fields left out keep `current`), its slate image checked in the library. */
  private async resolveInputLoss(raw: unknown, current: InputLossSpec | null): Promise<InputLossSpec | null> {
    if (raw === undefined) return current;
    const parsed = parseInputLoss(raw, current);
    if (!parsed.ok) throw DomainError.validation(parsed.problems);
    if (parsed.value.slate_media_id) await this.media.resolveImage(parsed.value.slate_media_id, 'input_loss.slate_media_id');
    return parsed.value.action === 'none' && !parsed.value.ts_outputs && parsed.value.after_ms === 1000 ? null : parsed.value;
  }

  private async assertMediaPlayable(input: ChannelInputSpec, field: 'input' | 'backup_input'): Promise<void> {
    if (input.type !== 'file') return;
    try {
      await this.media.resolveForPlayback(input.media_id);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') throw DomainError.validation([{ field: `${field}.media_id`, message: error.message }]);
      throw error;
    }
  }

  /**
   * Refuses an input whose UDP port another channel's input already takes (RTP/UDP and SRT
   * listeners alike, main or backup: one UDP port serves one input).
   */
  private async assertInputsFree(repo: Repository<ChannelEntity>, inputs: NamedInput[], exceptId?: string): Promise<void> {
    for (const { spec, role } of inputs) {
      const bound = boundUdpPort(spec);
      if (!bound) continue;
      const query = repo.createQueryBuilder('c').where(`(c.port = :port OR (c.backup_input ->> 'port')::int = :port)`, { port: bound.port });
      if (exceptId) query.andWhere('c.id <> :exceptId', { exceptId });
      for (const other of await query.getMany()) {
        const theirs: Array<{ spec: ChannelInputSpec; role: InputRoleName }> = [{ spec: inputSpecOf(other), role: 'main' }];
        if (other.backupInput) theirs.push({ spec: other.backupInput, role: 'backup' });
        for (const their of theirs) {
          const address = boundUdpPort(their.spec);
          if (!address || !inputsCollide(address, bound)) continue;
          const field = role === 'backup' ? 'backup_input.port' : spec.type === 'rtp' || spec.type === 'udp' ? 'port' : 'input.port';
          throw DomainError.conflict(collisionReason({ ...bound, type: spec.type }, { ...address, name: other.name, type: their.spec.type, backup: their.role === 'backup' }), field);
        }
      }
    }
  }

  /** A new RTMP stream key (admin) for the main or the backup input: the old one stops working at once, and its publisher is disconnected. */
  async rotateStreamKey(id: string, which: InputRoleName, actor: string): Promise<ChannelEntity> {
    let rotatedWhip = false;
    const name = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(ChannelEntity);
      const channel = isUuid(id) ? await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!channel) throw DomainError.notFound('channel', id);
      rotatedWhip = (which === 'backup' ? channel.backupInput?.type : channel.inputType) === 'whip';
      // RTMP stream keys and WHIP bearer tokens are the same kind of secret, rotated the same way.
      if (which === 'backup') {
        const backup = channel.backupInput;
        if (backup?.type === 'rtmp') channel.backupInput = { type: 'rtmp', stream_key: newStreamKey() };
        else if (backup?.type === 'whip') channel.backupInput = { type: 'whip', token: newStreamKey() };
        else throw DomainError.conflict(`channel "${channel.name}" has ${backup ? `a ${backup.type} backup input` : 'no backup input'}: only RTMP and WHIP inputs have a key`, 'input');
      } else {
        if (channel.inputType === 'rtmp') channel.inputSettings = { stream_key: newStreamKey() };
        else if (channel.inputType === 'whip') channel.inputSettings = { token: newStreamKey() };
        else throw DomainError.conflict(`channel "${channel.name}" has a ${channel.inputType} input: only RTMP and WHIP inputs have a key`, 'input');
      }
      await repo.save(channel);
      return channel.name;
    });
    await this.dataPlane.apply(id);
    // The old token stops working at once, like an RTMP key: the session it opened ends too.
    if (rotatedWhip) await this.whip.endLive(whipEndpointId(id, which), 'the channel\'s WHIP token was rotated: publish again with the new one');
    this.events.publish('channel.changed', { channelId: id, name, change: 'stream_key_rotated', actor, ...(which === 'backup' ? { detail: 'backup input' } : {}) });
    return this.get(id);
  }

  /**
   * An operator's order (POST …/input/switch): pin the main or the backup on air, or hand the
   * choice back to the failover policy. Stored, so it holds across restarts of the channel.
   */
  async selectInput(id: string, selection: InputSelection, actor: string): Promise<ChannelEntity> {
    const change = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(ChannelEntity);
      const channel = isUuid(id) ? await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!channel) throw DomainError.notFound('channel', id);
      if (!channel.backupInput) throw DomainError.conflict(`channel "${channel.name}" has no backup input: there is nothing to switch to (add a backup_input first)`, 'to');
      if (channel.failover?.mode === 'merge') throw DomainError.conflict(`channel "${channel.name}" merges its two inputs packet by packet (failover mode "merge"): both are always used, so there is nothing to switch`, 'to');
      const before = channel.inputSelection;
      channel.inputSelection = selection;
      await repo.save(channel);
      return { name: channel.name, before };
    });
    await this.dataPlane.apply(id);
    if (change.before !== selection) this.events.publish('channel.changed', { channelId: id, name: change.name, change: 'input_selected', actor, detail: describeSelection(selection) });
    return this.get(id);
  }
}

function inputLossColumnsOf(spec: InputLossSpec | null): Pick<ChannelEntity, 'inputLoss' | 'slateMediaId'> {
  return { inputLoss: spec, slateMediaId: spec?.slate_media_id ?? null };
}

/** The columns that store a channel's backup and failover settings. */
function redundancyColumnsOf(r: Redundancy): Pick<ChannelEntity, 'backupInput' | 'backupMediaId' | 'failover'> {
  return { backupInput: r.backup, backupMediaId: r.backup?.type === 'file' ? r.backup.media_id : null, failover: r.failover };
}

function inputsOf(main: ChannelInputSpec, r: Redundancy): NamedInput[] {
  return r.backup ? [{ spec: main, role: 'main' }, { spec: r.backup, role: 'backup' }] : [{ spec: main, role: 'main' }];
}

function describeSelection(selection: InputSelection): string {
  return selection === 'auto' ? 'input selection automatic (failover policy)' : `${selection} input forced on air`;
}

/** What changed in the inputs, in words for the event log; undefined when nothing did. */
function describeChange(mainBefore: ChannelInputSpec, mainAfter: ChannelInputSpec, before: Redundancy, after: Redundancy): string | undefined {
  const parts: string[] = [];
  const [was, is] = [describeInput(mainBefore), describeInput(mainAfter)];
  if (was !== is) parts.push(`${was} → ${is}`);
  const backup = (r: Redundancy): string => (r.backup ? describeInput(r.backup) : 'none');
  if (backup(before) !== backup(after)) parts.push(`backup ${backup(before)} → ${backup(after)}`);
  const failover = (r: Redundancy): string => (r.failover ? `${r.failover.mode}, prefer ${r.failover.prefer}, loss ${r.failover.loss_ms} ms, restore ${r.failover.restore_ms} ms` : 'none');
  if (after.backup && before.backup && failover(before) !== failover(after)) parts.push(`failover ${failover(before)} → ${failover(after)}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}
