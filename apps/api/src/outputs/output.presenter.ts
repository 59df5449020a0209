import { hasPermission, maskOutputOptions, maskOutputUrl, type OutputResponse, type Role } from '@mld/contracts';
import type { OutputRuntime } from '@mld/contracts';
import type { OutputEntity } from './output.entity.js';

/** Live state lookup (the data plane); absent in contexts without one. */
export interface RuntimeLookup {
  outputRuntime(channelId: string, outputId: string): OutputRuntime | null;
}

/** Secrets leave the server only for roles with secret.read. */
export function toOutputResponse(output: OutputEntity, role: Role, runtime?: RuntimeLookup): OutputResponse {
  const mask = !hasPermission(role, 'secret.read');
  return {
    id: output.id,
    channel_id: output.channelId,
    name: output.name,
    protocol: output.protocol,
    url: mask ? maskOutputUrl(output.protocol, output.url) : output.url,
    options: mask ? maskOutputOptions(output.options) : output.options,
    enabled: output.enabled,
    desired_state: output.desiredState,
    runtime: runtime?.outputRuntime(output.channelId, output.id) ?? null,
    secrets_masked: mask,
    created_at: output.createdAt.toISOString(),
    updated_at: output.updatedAt.toISOString(),
  };
}
