import type { ChannelRuntime, ChannelWithOutputsResponse, Role } from '@mld/contracts';
import { toOutputResponse, type RuntimeLookup } from '../outputs/output.presenter.js';

export interface ChannelRuntimeLookup extends RuntimeLookup {
  channelRuntime(channelId: string): ChannelRuntime | null;
}
import type { ChannelEntity } from './channel.entity.js';

export function toChannelResponse(channel: ChannelEntity, role: Role, runtime?: ChannelRuntimeLookup): ChannelWithOutputsResponse {
  const outputs = [...(channel.outputs ?? [])].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  return {
    id: channel.id,
    name: channel.name,
    description: channel.description,
    input_type: channel.inputType,
    bind_ip: channel.bindIp,
    port: channel.port,
    source_ip: channel.sourceIp,
    interface_ip: channel.interfaceIp,
    rtp_ip: channel.bindIp,
    rtp_port: channel.port,
    desired_state: channel.desiredState,
    runtime: runtime?.channelRuntime(channel.id) ?? null,
    output_count: outputs.length,
    created_at: channel.createdAt.toISOString(),
    updated_at: channel.updatedAt.toISOString(),
    outputs: outputs.map((output) => toOutputResponse(output, role, runtime)),
  };
}
