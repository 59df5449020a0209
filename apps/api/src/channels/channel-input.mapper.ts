import type { ChannelInputSpec, SrtMode, SrtPbkeylen } from '@mld/contracts';
import type { ChannelEntity } from './channel.entity.js';

/** The `input_settings` column: per kind, what address and port do not say. */
export type ChannelInputSettingsColumn =
  | Record<string, never>
  | { mode: SrtMode; host: string | null; latency: number; passphrase: string | null; pbkeylen: SrtPbkeylen | null; streamid: string | null }
  | { stream_key: string }
  | { token: string }
  | { loop: boolean };

type InputColumns = Pick<ChannelEntity, 'inputType' | 'bindIp' | 'port' | 'sourceIp' | 'interfaceIp' | 'inputMediaId' | 'inputSettings'>;

/** A channel's input as the API and the runtime see it, from its columns. */
export function inputSpecOf(channel: InputColumns): ChannelInputSpec {
  const s = channel.inputSettings as Record<string, unknown>;
  switch (channel.inputType) {
    case 'rtp':
    case 'udp':
      return { type: channel.inputType, bind_ip: channel.bindIp ?? '0.0.0.0', port: channel.port ?? 0, source_ip: channel.sourceIp, interface_ip: channel.interfaceIp };
    case 'srt':
      return {
        type: 'srt',
        mode: s['mode'] === 'caller' ? 'caller' : 'listener',
        bind_ip: channel.bindIp ?? '0.0.0.0',
        host: (s['host'] as string | null | undefined) ?? null,
        port: channel.port ?? 0,
        latency: (s['latency'] as number | undefined) ?? 200,
        passphrase: (s['passphrase'] as string | null | undefined) ?? null,
        pbkeylen: (s['pbkeylen'] as SrtPbkeylen | null | undefined) ?? null,
        streamid: (s['streamid'] as string | null | undefined) ?? null,
      };
    case 'rtmp':
      return { type: 'rtmp', stream_key: String(s['stream_key'] ?? '') };
    case 'whip':
      return { type: 'whip', token: String(s['token'] ?? '') };
    case 'file':
      return { type: 'file', media_id: channel.inputMediaId ?? '', loop: s['loop'] !== false };
  }
}

/**
 * The columns that store an input. A caller binds nothing of its own, so it never takes an
 * address:port; a file input names its media row (a foreign key: a file in use cannot be deleted).
 */
export function inputColumnsOf(input: ChannelInputSpec): InputColumns {
  switch (input.type) {
    case 'rtp':
    case 'udp':
      return { inputType: input.type, bindIp: input.bind_ip, port: input.port, sourceIp: input.source_ip, interfaceIp: input.interface_ip, inputMediaId: null, inputSettings: {} };
    case 'srt':
      return {
        inputType: 'srt',
        bindIp: input.mode === 'listener' ? input.bind_ip : null,
        port: input.port,
        sourceIp: null,
        interfaceIp: null,
        inputMediaId: null,
        inputSettings: { mode: input.mode, host: input.host, latency: input.latency, passphrase: input.passphrase, pbkeylen: input.pbkeylen, streamid: input.streamid },
      };
    case 'rtmp':
      return { inputType: 'rtmp', bindIp: null, port: null, sourceIp: null, interfaceIp: null, inputMediaId: null, inputSettings: { stream_key: input.stream_key } };
    case 'whip':
      return { inputType: 'whip', bindIp: null, port: null, sourceIp: null, interfaceIp: null, inputMediaId: null, inputSettings: { token: input.token } };
    case 'file':
      return { inputType: 'file', bindIp: null, port: null, sourceIp: null, interfaceIp: null, inputMediaId: input.media_id, inputSettings: { loop: input.loop } };
  }
}
