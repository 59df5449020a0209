import { hasPermission, maskOutputOptions, maskOutputUrl, type OutputResponse, type Role } from '@mld/contracts';
import type { OutputEntity } from './output.entity.js';

/** Secrets leave the server only for roles with secret.read. */
export function toOutputResponse(output: OutputEntity, role: Role): OutputResponse {
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
    secrets_masked: mask,
    created_at: output.createdAt.toISOString(),
    updated_at: output.updatedAt.toISOString(),
  };
}
