import { normaliseOutputUrl, parseOutputUrl } from '@mld/contracts';
import type { ChannelConfig, OutputConfig } from '@mld/dataplane';
import type { ChannelEntity } from '../channels/channel.entity.js';

/**
 * What should stream for a channel, from its persisted desired state: nothing unless the channel
 * is wanted running; then every output that is enabled and wanted running.
 */
export function toChannelConfig(channel: ChannelEntity): { config: ChannelConfig | null; skipped: Array<{ outputId: string; reason: string }> } {
  if (channel.desiredState !== 'running') return { config: null, skipped: [] };
  const outputs: OutputConfig[] = [];
  const skipped: Array<{ outputId: string; reason: string }> = [];
  for (const output of channel.outputs ?? []) {
    if (!output.enabled || output.desiredState !== 'running') continue;
    const parsed = parseOutputUrl(output.protocol, output.url, output.options);
    if (!parsed.ok) {
      // Stored before a rule tightened: never run what would not pass validation today.
      skipped.push({ outputId: output.id, reason: parsed.problems.map((p) => p.message).join('; ') });
      continue;
    }
    // Rows saved before the scheme was normalised may still say RTMP://.
    outputs.push({ id: output.id, name: output.name, protocol: output.protocol, url: normaliseOutputUrl(output.url), host: parsed.value.host, port: parsed.value.port, path: parsed.value.path, options: parsed.value.options });
  }
  return {
    config: {
      id: channel.id,
      name: channel.name,
      input: { type: channel.inputType, bindIp: channel.bindIp, port: channel.port, sourceIp: channel.sourceIp, interfaceIp: channel.interfaceIp },
      outputs,
    },
    skipped,
  };
}
