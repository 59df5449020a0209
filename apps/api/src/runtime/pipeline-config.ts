import { DEFAULT_FAILOVER, normaliseOutputUrl, parseOutputUrl, type ChannelInputSpec } from '@mld/contracts';
import type { ChannelConfig, InputConfig, InputLossSettings, OutputConfig, SingleInputConfig } from '@mld/dataplane';
import { inputSpecOf } from '../channels/channel-input.mapper.js';
import type { ChannelEntity } from '../channels/channel.entity.js';

/** Where the media library keeps a file (DATA_DIR/media/<id>.ts). */
export type MediaPath = (mediaId: string) => string;

/** What the data plane runs for an input as the API stores it. */
export function toInputConfig(input: ChannelInputSpec, mediaPath: MediaPath, endpointId = ''): SingleInputConfig {
  switch (input.type) {
    case 'rtp':
    case 'udp':
      return { type: input.type, bindIp: input.bind_ip, port: input.port, sourceIp: input.source_ip, interfaceIp: input.interface_ip };
    case 'srt':
      return { type: 'srt', mode: input.mode, bindIp: input.bind_ip, host: input.host, port: input.port, latencyMs: input.latency, passphrase: input.passphrase, pbkeylen: input.pbkeylen, streamId: input.streamid };
    case 'rtmp':
      return { type: 'rtmp', streamKey: input.stream_key };
    case 'whip':
      // The WHIP routes find the running input by this id (WhipEndpoints); the token stays in the API.
      return { type: 'whip', endpointId };
    case 'file':
      return { type: 'file', mediaId: input.media_id, path: mediaPath(input.media_id), loop: input.loop };
  }
}

/**
 * A channel's input as the data plane runs it: the main alone; with a backup, the pair in the
 * failover mode (RedundantSource, with an operator's pinned input) or, for one RTP stream on two
 * paths, merged (MergedRtpSource).
 */
export function toChannelInputConfig(channel: Pick<ChannelEntity, 'backupInput' | 'failover' | 'inputSelection'> & Partial<Pick<ChannelEntity, 'id'>> & Parameters<typeof inputSpecOf>[0], mediaPath: MediaPath): InputConfig {
  const main = toInputConfig(inputSpecOf(channel), mediaPath, whipEndpointId(channel.id ?? '', 'main'));
  if (!channel.backupInput) return main;
  const backup = toInputConfig(channel.backupInput, mediaPath, whipEndpointId(channel.id ?? '', 'backup'));
  const settings = channel.failover ?? DEFAULT_FAILOVER;
  if (settings.mode === 'merge' && main.type === 'rtp' && backup.type === 'rtp') return { type: 'merged', paths: [main, backup], windowMs: settings.merge_window_ms };
  return {
    type: 'redundant',
    main,
    backup,
    failover: { mode: 'failover', prefer: settings.prefer, lossMs: settings.loss_ms, restoreMs: settings.restore_ms },
    selection: channel.inputSelection ?? 'auto',
  };
}

/** The channel's input-loss behaviour for the data plane; null for action none. */
export function toInputLossSettings(channel: Pick<ChannelEntity, 'inputLoss'>, mediaPath: MediaPath): InputLossSettings | null {
  const spec = channel.inputLoss;
  if (!spec || spec.action === 'none') return null;
  return { action: spec.action, afterMs: spec.after_ms, imagePath: spec.action === 'slate' && spec.slate_media_id ? mediaPath(spec.slate_media_id) : null, tsOutputs: spec.ts_outputs };
}

/**
 * What should stream for a channel, from its persisted desired state: nothing unless the channel
 * is wanted running; then every output that is enabled and wanted running.
 */
export function toChannelConfig(channel: ChannelEntity, mediaPath: MediaPath): { config: ChannelConfig | null; skipped: Array<{ outputId: string; reason: string }> } {
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
      input: toChannelInputConfig(channel, mediaPath),
      outputs,
      inputLoss: toInputLossSettings(channel, mediaPath),
    },
    skipped,
  };
}

/** The WhipEndpoints key of a channel's main or backup WHIP input. */
export function whipEndpointId(channelId: string, which: 'main' | 'backup'): string {
  return which === 'main' ? channelId : `${channelId}:backup`;
}
