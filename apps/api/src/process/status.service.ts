import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ChannelStatus, DesiredState, OutputProtocol, StatusSnapshot } from '@mld/contracts';
import { DataSource } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../events/domain-events.js';
import { PipelinesService } from './pipelines.service.js';

interface ChannelMeta {
  name: string;
  desiredState: DesiredState;
  outputs: Array<{ id: string; name: string; protocol: OutputProtocol; enabled: boolean; desiredState: DesiredState }>;
}

/**
 * Live status of every channel: configuration facts kept in memory (refreshed on each change,
 * so the once-a-second push never queries the database) joined with the data plane's state.
 */
@Injectable()
export class StatusService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Status');
  private readonly meta = new Map<string, ChannelMeta>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pipelines: PipelinesService,
    private readonly events: DomainEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const refresh = ({ channelId }: { channelId: string }) => void this.refresh(channelId);
    this.unsubscribe.push(
      this.events.subscribe('channel.changed', refresh),
      this.events.subscribe('channel.deleted', refresh),
      this.events.subscribe('output.changed', refresh),
      this.events.subscribe('output.deleted', refresh),
    );
    const channels = await this.dataSource.getRepository(ChannelEntity).find({ relations: { outputs: true } });
    for (const channel of channels) this.meta.set(channel.id, toMeta(channel));
  }

  onApplicationShutdown(): void {
    this.unsubscribe.splice(0).forEach((off) => off());
  }

  channelIds(): string[] {
    return [...this.meta.keys()];
  }

  snapshot(): StatusSnapshot {
    const channels = [...this.meta.keys()].map((id) => this.channelStatus(id)!).sort((a, b) => a.name.localeCompare(b.name));
    return { at: new Date().toISOString(), channels };
  }

  channelStatus(channelId: string): ChannelStatus | undefined {
    const meta = this.meta.get(channelId);
    if (!meta) return undefined;
    return {
      channel_id: channelId,
      name: meta.name,
      desired_state: meta.desiredState,
      runtime: this.pipelines.channelRuntime(channelId),
      outputs: meta.outputs.map((o) => ({
        id: o.id,
        name: o.name,
        protocol: o.protocol,
        enabled: o.enabled,
        desired_state: o.desiredState,
        runtime: this.pipelines.outputRuntime(channelId, o.id),
      })),
    };
  }

  requireChannelStatus(channelId: string): ChannelStatus {
    const status = this.channelStatus(channelId);
    if (!status) throw DomainError.notFound('channel', channelId);
    return status;
  }

  private async refresh(channelId: string): Promise<void> {
    try {
      const channel = await this.dataSource.getRepository(ChannelEntity).findOne({ where: { id: channelId }, relations: { outputs: true } });
      if (channel) this.meta.set(channelId, toMeta(channel));
      else this.meta.delete(channelId);
    } catch (error) {
      this.logger.warn(`could not refresh status of channel ${channelId}: ${(error as Error).message}`);
    }
  }
}

function toMeta(channel: ChannelEntity): ChannelMeta {
  return {
    name: channel.name,
    desiredState: channel.desiredState,
    outputs: [...(channel.outputs ?? [])]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((o) => ({ id: o.id, name: o.name, protocol: o.protocol, enabled: o.enabled, desiredState: o.desiredState })),
  };
}
