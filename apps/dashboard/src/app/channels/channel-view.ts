import type { ChannelResponse, ChannelWithOutputsResponse, OutputOptions, OutputResponse } from '@mld/contracts';

/** Display helpers for channel screens. Pure, so formatting rules are unit-tested without a browser. */

export interface DetailField {
  label: string;
  value: string;
  /** Monospace for addresses and identifiers. */
  mono?: boolean;
}

export const EMPTY_VALUE = '—';

/** `ip:port`, with IPv6 addresses in brackets as in URLs. */
export function formatEndpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Where the input receives, in one line: `0.0.0.0:5000`, `srt listener :9000`, `srt caller enc:9000`, `rtmp push`, `file`. */
export function inputEndpoint(channel: Pick<ChannelResponse, 'input' | 'bind_ip' | 'port'>): string {
  const input = channel.input;
  switch (input?.type) {
    case 'srt':
      return input.mode === 'caller' ? `srt caller ${formatEndpoint(input.host ?? '', input.port)}` : `srt listener ${formatEndpoint(input.bind_ip, input.port)}`;
    case 'rtmp':
      return 'rtmp push';
    case 'file':
      return input.loop ? 'file (looped)' : 'file';
    default:
      return channel.bind_ip !== null && channel.port !== null ? formatEndpoint(channel.bind_ip, channel.port) : EMPTY_VALUE;
  }
}

/** UTC, to the second: operators across time zones compare these with logs. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return EMPTY_VALUE;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatOptions(options: OutputOptions | null | undefined): string {
  const entries = Object.entries(options ?? {});
  if (entries.length === 0) return EMPTY_VALUE;
  return entries.map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

export function channelFields(channel: ChannelResponse | ChannelWithOutputsResponse): DetailField[] {
  return [
    { label: 'ID', value: channel.id, mono: true },
    { label: 'Description', value: channel.description?.trim() || EMPTY_VALUE },
    { label: 'Input type', value: channel.input_type.toUpperCase() },
    { label: 'Input address', value: inputEndpoint(channel), mono: true },
    { label: 'Source IP (SSM)', value: channel.source_ip ?? EMPTY_VALUE, mono: channel.source_ip !== null },
    { label: 'Interface IP', value: channel.interface_ip ?? EMPTY_VALUE, mono: channel.interface_ip !== null },
    { label: 'Desired state', value: channel.desired_state },
    { label: 'Outputs', value: String('outputs' in channel ? channel.outputs.length : channel.output_count) },
    { label: 'Created', value: formatTimestamp(channel.created_at) },
    { label: 'Updated', value: formatTimestamp(channel.updated_at) },
  ];
}

/** Outputs in a stable order for display: by name, then id. */
export function sortOutputs(outputs: readonly OutputResponse[]): OutputResponse[] {
  return [...outputs].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
