import type { ChannelWithOutputsResponse, Role } from '@mld/contracts';
import { toOutputResponse } from '../outputs/output.presenter.js';
import type { ChannelEntity } from './channel.entity.js';

export function toChannelResponse(channel: ChannelEntity, role: Role): ChannelWithOutputsResponse {
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
    output_count: outputs.length,
    created_at: channel.createdAt.toISOString(),
    updated_at: channel.updatedAt.toISOString(),
    outputs: outputs.map((output) => toOutputResponse(output, role)),
  };
}
