import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DesiredState, InputType, OutputProtocol } from '@mld/contracts';
import type { ChannelConfig } from '@mld/dataplane';
import { DataSource } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MediaFiles } from '../media/media-files.js';
import { toChannelConfig, type MediaPath } from './pipeline-config.js';

/** What the runtime knows of one channel's configuration: read once per change, shared by all. */
export interface ChannelView {
  id: string;
  name: string;
  desiredState: DesiredState;
  inputType: InputType;
  /** In creation order, as the API lists them. */
  outputs: Array<{ id: string; name: string; protocol: OutputProtocol; enabled: boolean; desiredState: DesiredState }>;
  /** What the data plane should run; null when nothing should. */
  config: ChannelConfig | null;
  /** Outputs wanted running that cannot run (stored before a rule tightened), with the reason. */
  skipped: Array<{ outputId: string; reason: string }>;
}

/**
 * The one read model of channel configuration in the runtime: the pipeline's desired state,
 * the live status and the names in log lines and events all come from here, refreshed from
 * the database once per applied change (never on the once-a-second status push).
 */
@Injectable()
export class ChannelCatalog {
  private readonly views = new Map<string, ChannelView>();
  private readonly mediaPath: MediaPath;

  constructor(@InjectDataSource() private readonly dataSource: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    const files = new MediaFiles(config.dataDir);
    this.mediaPath = (id) => files.pathOf(id);
  }

  async loadAll(): Promise<ChannelView[]> {
    const channels = await this.dataSource.getRepository(ChannelEntity).find({ relations: { outputs: true } });
    this.views.clear();
    for (const channel of channels) this.views.set(channel.id, toView(channel, this.mediaPath));
    return [...this.views.values()];
  }

  /** Reads the channel again; null (and forgotten) when it no longer exists. */
  async refresh(channelId: string): Promise<ChannelView | null> {
    const channel = await this.dataSource.getRepository(ChannelEntity).findOne({ where: { id: channelId }, relations: { outputs: true } });
    if (!channel) {
      this.views.delete(channelId);
      return null;
    }
    const view = toView(channel, this.mediaPath);
    this.views.set(channelId, view);
    return view;
  }

  view(channelId: string): ChannelView | undefined {
    return this.views.get(channelId);
  }

  channelIds(): string[] {
    return [...this.views.keys()];
  }

  /** For log lines and events: the name, or the id of a channel not (or no longer) known. */
  channelName(channelId: string): string {
    return this.views.get(channelId)?.name ?? channelId;
  }
}

function toView(channel: ChannelEntity, mediaPath: MediaPath): ChannelView {
  const { config, skipped } = toChannelConfig(channel, mediaPath);
  return {
    id: channel.id,
    name: channel.name,
    desiredState: channel.desiredState,
    inputType: channel.inputType,
    outputs: [...(channel.outputs ?? [])]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((o) => ({ id: o.id, name: o.name, protocol: o.protocol, enabled: o.enabled, desiredState: o.desiredState })),
    config,
    skipped,
  };
}
