import { DEFAULT_FAILOVER, DEFAULT_INPUT_LOSS, hasPermission, maskChannelInput, whipEndpointPath, type ChannelInputSpec, type ChannelInputView, type ChannelRuntime, type ChannelWithOutputsResponse, type Role } from '@mld/contracts';
import { toOutputResponse, type RuntimeLookup } from '../outputs/output.presenter.js';
import type { ChannelEntity } from './channel.entity.js';
import { inputSpecOf } from './channel-input.mapper.js';

export interface ChannelRuntimeLookup extends RuntimeLookup {
  channelRuntime(channelId: string): ChannelRuntime | null;
}

/** Adds what an encoder operator needs to an input (RTMP publish URL, SRT URL to call). */
export interface InputViews {
  view(input: ChannelInputSpec): ChannelInputView;
}

/** Secrets of the input (passphrase, stream id, stream key, and the key inside publish_url) leave only for roles with secret.read. */
export function toChannelResponse(channel: ChannelEntity, role: Role, runtime?: ChannelRuntimeLookup, views?: InputViews): ChannelWithOutputsResponse {
  const outputs = [...(channel.outputs ?? [])].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  const secrets = hasPermission(role, 'secret.read');
  const input = maskChannelInput(inputSpecOf(channel), secrets);
  const backup = channel.backupInput ? maskChannelInput(channel.backupInput, secrets) : null;
  const datagram = input.type === 'rtp' || input.type === 'udp';
  return {
    id: channel.id,
    name: channel.name,
    description: channel.description,
    input: withWhipUrl(views ? views.view(input) : input, channel.id, 'main'),
    backup_input: backup ? withWhipUrl(views ? views.view(backup) : backup, channel.id, 'backup') : null,
    failover: channel.backupInput ? (channel.failover ?? { ...DEFAULT_FAILOVER }) : null,
    input_loss: channel.inputLoss ?? { ...DEFAULT_INPUT_LOSS },
    input_selection: channel.inputSelection ?? 'auto',
    input_type: channel.inputType,
    bind_ip: channel.bindIp,
    port: channel.port,
    source_ip: channel.sourceIp,
    interface_ip: channel.interfaceIp,
    rtp_ip: datagram ? channel.bindIp : null,
    rtp_port: datagram ? channel.port : null,
    desired_state: channel.desiredState,
    runtime: runtime?.channelRuntime(channel.id) ?? null,
    output_count: outputs.length,
    created_at: channel.createdAt.toISOString(),
    updated_at: channel.updatedAt.toISOString(),
    outputs: outputs.map((output) => toOutputResponse(output, role, runtime)),
  };
}

/** A WHIP input names the endpoint a publisher posts to (the token is the bearer, never in the URL). */
function withWhipUrl(input: ChannelInputView, channelId: string, which: 'main' | 'backup'): ChannelInputView {
  if (input.type !== 'whip') return input;
  return { ...input, whip_url: `${whipEndpointPath(channelId)}${which === 'backup' ? '?input=backup' : ''}` };
}
