import { DEFAULT_SRT_LATENCY_MS, type ChannelInputView, type InputType, MASK, type SrtMode } from '@mld/contracts';

/**
 * The channel form's input fields: one flat set of controls for every kind (the template shows
 * the ones of the chosen kind), turned into the API's `input` object here. Pure, so what the form
 * sends (and what it leaves out to keep a secret) is unit-tested without a browser.
 */

export const INPUT_FIELDS = ['bind_ip', 'port', 'source_ip', 'interface_ip', 'mode', 'host', 'latency', 'passphrase', 'clear_passphrase', 'pbkeylen', 'streamid', 'clear_streamid', 'media_id', 'loop'] as const;
export type InputField = (typeof INPUT_FIELDS)[number];

export interface InputFormValue {
  input_type: InputType;
  bind_ip: string;
  port: string;
  source_ip: string;
  interface_ip: string;
  mode: SrtMode;
  host: string;
  latency: string;
  /** Empty: keep the current one when editing (it is never shown), none when creating. */
  passphrase: string;
  /** Editing: drop the current passphrase (unencrypted from now on). */
  clear_passphrase: boolean;
  pbkeylen: '' | '16' | '24' | '32';
  streamid: string;
  clear_streamid: boolean;
  media_id: string;
  loop: boolean;
}

export const INPUT_TYPE_LABELS: Readonly<Record<InputType, string>> = {
  rtp: 'RTP',
  udp: 'UDP',
  srt: 'SRT',
  rtmp: 'RTMP push',
  file: 'File',
  whip: 'WebRTC (WHIP)',
};

/** What the type selector says about each kind. */
export const INPUT_TYPE_OPTIONS: readonly { type: InputType; label: string }[] = [
  { type: 'rtp', label: 'RTP (MediaLive RTP/MP2T)' },
  { type: 'udp', label: 'UDP (raw MPEG-TS)' },
  { type: 'srt', label: 'SRT (listener or caller)' },
  { type: 'rtmp', label: 'RTMP push (an encoder publishes here)' },
  { type: 'whip', label: 'WebRTC / WHIP (a browser or WHIP encoder publishes here)' },
  { type: 'file', label: 'File (from the media library)' },
];

/** The server names input problems `input.<field>`; the form's controls carry the bare name. */
export const INPUT_FIELD_ALIASES: Readonly<Record<string, string>> = {
  rtp_ip: 'bind_ip',
  rtp_port: 'port',
  'input.type': 'input_type',
  ...Object.fromEntries(INPUT_FIELDS.map((f) => [`input.${f}`, f])),
};

/** The form's starting values: the channel's input, or an RTP input on 0.0.0.0 for a new channel. Secrets are never put back into fields. */
export function inputFormValue(input: ChannelInputView | null): InputFormValue {
  const value: InputFormValue = {
    input_type: input?.type ?? 'rtp',
    bind_ip: '0.0.0.0',
    port: '',
    source_ip: '',
    interface_ip: '',
    mode: 'listener',
    host: '',
    latency: String(DEFAULT_SRT_LATENCY_MS),
    passphrase: '',
    clear_passphrase: false,
    pbkeylen: '',
    streamid: '',
    clear_streamid: false,
    media_id: '',
    loop: true,
  };
  switch (input?.type) {
    case 'rtp':
    case 'udp':
      return { ...value, bind_ip: input.bind_ip, port: String(input.port), source_ip: input.source_ip ?? '', interface_ip: input.interface_ip ?? '' };
    case 'srt':
      return { ...value, mode: input.mode, bind_ip: input.bind_ip, host: input.host ?? '', port: String(input.port), latency: String(input.latency), pbkeylen: input.pbkeylen === null ? '' : (String(input.pbkeylen) as InputFormValue['pbkeylen']) };
    case 'file':
      return { ...value, media_id: input.media_id, loop: input.loop };
    default:
      return value;
  }
}

/** Whether the channel has this SRT secret today and keeps it when the field stays empty (same kind, same mode). */
export function keepsSrtSecret(current: ChannelInputView | null, mode: SrtMode, secret: 'passphrase' | 'streamid'): boolean {
  return current?.type === 'srt' && current.mode === mode && current[secret] !== null;
}

/** The API's `input` for the form's values. Unchanged secrets are left out (the server keeps them; a mask is never sent back). */
export function inputRequest(v: InputFormValue, current: ChannelInputView | null): Record<string, unknown> {
  switch (v.input_type) {
    case 'rtp':
    case 'udp':
      return { type: v.input_type, bind_ip: v.bind_ip.trim(), port: numberOrText(v.port), source_ip: v.source_ip.trim() || null, interface_ip: v.interface_ip.trim() || null };
    case 'srt': {
      const body: Record<string, unknown> = { type: 'srt', mode: v.mode, port: numberOrText(v.port) };
      if (v.mode === 'listener') {
        if (v.bind_ip.trim() !== '') body['bind_ip'] = v.bind_ip.trim();
      } else {
        body['host'] = v.host.trim();
      }
      if (v.latency.trim() !== '') body['latency'] = numberOrText(v.latency);
      Object.assign(body, secretField('passphrase', v.passphrase, v.clear_passphrase && keepsSrtSecret(current, v.mode, 'passphrase')));
      body['pbkeylen'] = v.pbkeylen === '' ? null : Number(v.pbkeylen);
      if (v.mode === 'caller') Object.assign(body, secretField('streamid', v.streamid, v.clear_streamid && keepsSrtSecret(current, v.mode, 'streamid')));
      return body;
    }
    case 'rtmp':
      return { type: 'rtmp' };
    case 'whip':
      return { type: 'whip' };
    case 'file':
      return { type: 'file', media_id: v.media_id, loop: v.loop };
  }
}

/** Fields the form knows are missing before asking the server (it checks everything else). */
export function missingInputFields(v: InputFormValue): Partial<Record<InputField, string>> {
  const missing: Partial<Record<InputField, string>> = {};
  const blank = (s: string) => s.trim() === '';
  if (v.input_type === 'rtp' || v.input_type === 'udp') {
    if (blank(v.bind_ip)) missing.bind_ip = 'Enter the address to receive on (0.0.0.0 for every address)';
    if (blank(v.port)) missing.port = 'Enter the UDP port';
  } else if (v.input_type === 'srt') {
    if (blank(v.port)) missing.port = v.mode === 'listener' ? 'Enter the UDP port to listen on' : 'Enter the port of the SRT listener';
    if (v.mode === 'caller' && blank(v.host)) missing.host = 'Enter the host of the SRT listener to call';
  } else if (v.input_type === 'file' && v.media_id === '') {
    missing.media_id = 'Choose a file of the media library';
  }
  return missing;
}

function secretField(name: string, typed: string, clear: boolean): Record<string, unknown> {
  if (clear) return { [name]: null };
  // A mask is what a role without secret.read was shown: it is not the secret.
  if (typed === '' || typed === MASK) return {};
  return { [name]: typed };
}

/** Digits become a number; anything else goes as typed so the server's sentence names the field. */
export function numberOrText(text: string): number | string {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : text.trim();
}
