import { Injectable } from '@nestjs/common';
import type { ChannelStatus, StatusSnapshot } from '@mld/contracts';
import { DomainError } from '../common/domain-error.js';
import { ChannelCatalog } from './channel-catalog.js';
import { PipelinesService } from './pipelines.service.js';

/**
 * Live status of every channel: the catalog's configuration (kept current by each applied
 * change, so the once-a-second push never queries the database) joined with the data plane's state.
 */
@Injectable()
export class StatusService {
  constructor(
    private readonly catalog: ChannelCatalog,
    private readonly pipelines: PipelinesService,
  ) {}

  channelIds(): string[] {
    return this.catalog.channelIds();
  }

  snapshot(): StatusSnapshot {
    const channels = this.catalog.channelIds().map((id) => this.channelStatus(id)!).sort((a, b) => a.name.localeCompare(b.name));
    return { at: new Date().toISOString(), channels };
  }

  channelStatus(channelId: string): ChannelStatus | undefined {
    const view = this.catalog.view(channelId);
    if (!view) return undefined;
    return {
      channel_id: channelId,
      name: view.name,
      input_type: view.inputType,
      desired_state: view.desiredState,
      runtime: this.pipelines.channelRuntime(channelId),
      outputs: view.outputs.map((o) => ({
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
}
