import type { ChannelInputView, ChannelResponse, ChannelWithOutputsResponse, OutputOptions, OutputResponse, SrtInputSpec } from '@mld/contracts';
import { INPUT_TYPE_LABELS } from './channel-input-form.js';

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
    case 'whip':
      return 'webrtc (whip)';
    case 'file':
      return input.loop ? 'file (looped)' : 'file';
    default:
      return channel.bind_ip !== null && channel.port !== null ? formatEndpoint(channel.bind_ip, channel.port) : EMPTY_VALUE;
  }
}

/** Where, without the kind (the page header names it beside): `0.0.0.0:9000`, `calls enc:9000`, `looped`; null for RTMP (see the connection details). */
export function inputWhere(channel: Pick<ChannelResponse, 'input' | 'bind_ip' | 'port'>): string | null {
  const input = channel.input;
  switch (input?.type) {
    case 'srt':
      return input.mode === 'caller' ? `calls ${formatEndpoint(input.host ?? '', input.port)}` : formatEndpoint(input.bind_ip, input.port);
    case 'rtmp':
    case 'whip':
      return null;
    case 'file':
      return input.loop ? 'looped' : 'played once';
    default:
      return channel.bind_ip !== null && channel.port !== null ? formatEndpoint(channel.bind_ip, channel.port) : null;
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

/** "RTP", "SRT listener", "RTMP push", "File": the kind of input as operators say it. */
export function inputTypeText(input: Pick<ChannelInputView, 'type'> & Partial<Pick<SrtInputSpec, 'mode'>>): string {
  return input.type === 'srt' ? `SRT ${input.mode ?? 'listener'}` : INPUT_TYPE_LABELS[input.type];
}

/** The settings of each kind of input, secrets only as "set" (the connection details show what an encoder needs). */
function inputFields(channel: ChannelResponse): DetailField[] {
  const input = channel.input;
  switch (input?.type) {
    case 'srt':
      return [
        { label: 'Latency', value: `${input.latency} ms` },
        { label: 'Encryption', value: input.passphrase === null ? 'none' : `AES-${(input.pbkeylen ?? 16) * 8}${input.pbkeylen === null ? ' (SRT default)' : ''}` },
        ...(input.mode === 'caller' ? [{ label: 'Stream ID', value: input.streamid === null ? EMPTY_VALUE : 'set' }] : []),
      ];
    case 'rtmp':
      return [];
    case 'whip':
      return [{ label: 'WHIP endpoint', value: input.whip_url ?? EMPTY_VALUE, mono: true }];
    case 'file':
      return [
        { label: 'Media file', value: input.media_id, mono: true },
        { label: 'Loop', value: input.loop ? 'yes' : 'no' },
      ];
    default:
      return [
        { label: 'Source IP (SSM)', value: channel.source_ip ?? EMPTY_VALUE, mono: channel.source_ip !== null },
        { label: 'Interface IP', value: channel.interface_ip ?? EMPTY_VALUE, mono: channel.interface_ip !== null },
      ];
  }
}

export function channelFields(channel: ChannelResponse | ChannelWithOutputsResponse): DetailField[] {
  return [
    { label: 'ID', value: channel.id, mono: true },
    { label: 'Description', value: channel.description?.trim() || EMPTY_VALUE },
    { label: 'Input type', value: inputTypeText(channel.input ?? { type: channel.input_type }) },
    { label: 'Input address', value: inputEndpoint(channel), mono: true },
    ...inputFields(channel),
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
