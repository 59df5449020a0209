import { AD_MARKERS, formatUrlHost, splitRtmpUrl, type AdMarkersOption, type OutputOptions, type OutputOptionValue, type OutputProtocol } from '@mld/contracts';

/**
 * Platform presets for the output form: each knows its ingest URL template and asks only for
 * what the operator has to type (usually the stream key). Pure: preset + values → API request,
 * and back (an existing output → preset + values) for editing.
 */

export type PresetId = 'youtube-rtmp' | 'youtube-rtmps' | 'facebook' | 'x' | 'linkedin' | 'twitch' | 'kick' | 'rtmp' | 'srt' | 'udp' | 'rtp';

/** The form's controls. `url` is not a control: it names the destination preview, where URL problems without a better place go. */
export type OutputFormField = 'name' | 'server' | 'key' | 'ad_markers' | 'mode' | 'host' | 'port' | 'latency' | 'passphrase' | 'streamid' | 'ttl' | 'url';

export interface OutputPreset {
  id: PresetId;
  label: string;
  group: 'Platforms' | 'Custom';
  /** Ingest URL with `{key}`; presets without one ask for the server URL. */
  template?: string;
  /** Controls shown besides the name (and enabled). */
  fields: readonly OutputFormField[];
  /** The server URL may be left empty (the template is used then). */
  serverOptional?: boolean;
  serverLabel?: string;
  serverPlaceholder?: string;
  serverHint?: string;
  keyHint?: string;
  defaultName: string;
  /** RTMP/FLV cannot carry SCTE-35 sections (RTMP outputs can signal cues as onCuePoint instead: ad_markers). */
  carriesScte35: boolean;
  /** The ad marker format a new output of this preset starts with (ADR 0015); absent: 'none'. */
  adMarkers?: AdMarkersOption;
}

export const PRESETS: readonly OutputPreset[] = [
  {
    id: 'youtube-rtmps',
    label: 'YouTube (RTMPS)',
    group: 'Platforms',
    template: 'rtmps://a.rtmps.youtube.com:443/live2/{key}',
    fields: ['key', 'ad_markers'],
    keyHint: 'YouTube Studio → Go live → Stream → Stream key',
    defaultName: 'YouTube',
    carriesScte35: false,
    // YouTube Live reads com.youtube.cuepoint messages as ad breaks.
    adMarkers: 'youtube',
  },
  {
    id: 'youtube-rtmp',
    label: 'YouTube (RTMP)',
    group: 'Platforms',
    template: 'rtmp://a.rtmp.youtube.com/live2/{key}',
    fields: ['key', 'ad_markers'],
    keyHint: 'YouTube Studio → Go live → Stream → Stream key',
    defaultName: 'YouTube',
    carriesScte35: false,
    // YouTube Live reads com.youtube.cuepoint messages as ad breaks.
    adMarkers: 'youtube',
  },
  {
    id: 'facebook',
    label: 'Facebook Live (RTMPS)',
    group: 'Platforms',
    template: 'rtmps://live-api-s.facebook.com:443/rtmp/{key}',
    fields: ['key', 'ad_markers'],
    keyHint: 'Live Producer → Streaming software → Stream key',
    defaultName: 'Facebook',
    carriesScte35: false,
  },
  {
    id: 'x',
    label: 'X / Twitter (RTMP)',
    group: 'Platforms',
    fields: ['server', 'key', 'ad_markers'],
    serverLabel: 'Regional ingest URL',
    serverPlaceholder: 'rtmp://va.pscp.tv:80/x',
    serverHint: 'Media Studio → Producer → Sources: the RTMP URL for your region',
    keyHint: 'The stream key shown with the source',
    defaultName: 'X',
    carriesScte35: false,
  },
  {
    id: 'linkedin',
    label: 'LinkedIn Live',
    group: 'Platforms',
    fields: ['server', 'key', 'ad_markers'],
    serverLabel: 'Stream URL',
    serverPlaceholder: 'rtmps://…linkedin.com:443/live',
    serverHint: 'The full stream URL LinkedIn gives for the event (rtmp:// or rtmps://)',
    keyHint: 'The stream key LinkedIn gives with it',
    defaultName: 'LinkedIn',
    carriesScte35: false,
  },
  {
    id: 'twitch',
    label: 'Twitch (RTMP)',
    group: 'Platforms',
    template: 'rtmp://live.twitch.tv/app/{key}',
    fields: ['key', 'ad_markers'],
    keyHint: 'Creator Dashboard → Settings → Stream → Primary stream key',
    defaultName: 'Twitch',
    carriesScte35: false,
  },
  {
    id: 'kick',
    label: 'Kick (RTMPS)',
    group: 'Platforms',
    template: 'rtmps://fa723fc1b171.global-contribute.live-video.net/app/{key}',
    fields: ['server', 'key', 'ad_markers'],
    serverOptional: true,
    serverLabel: 'Server URL (optional)',
    serverPlaceholder: 'rtmps://fa723fc1b171.global-contribute.live-video.net/app',
    serverHint: 'Leave empty for the default, or paste the stream URL from Kick’s dashboard',
    keyHint: 'Kick dashboard → Settings → Stream key',
    defaultName: 'Kick',
    carriesScte35: false,
  },
  {
    id: 'rtmp',
    label: 'Custom RTMP / RTMPS',
    group: 'Custom',
    fields: ['server', 'key', 'ad_markers'],
    serverLabel: 'Server URL',
    serverPlaceholder: 'rtmp://host:1935/live',
    serverHint: 'rtmp:// or rtmps://, with the application path',
    keyHint: 'Appended to the server URL; leave empty if the URL already ends with it',
    defaultName: 'RTMP',
    carriesScte35: false,
  },
  {
    id: 'srt',
    label: 'Custom SRT',
    group: 'Custom',
    fields: ['mode', 'host', 'port', 'latency', 'passphrase', 'streamid'],
    defaultName: 'SRT',
    carriesScte35: true,
  },
  { id: 'udp', label: 'UDP (MPEG-TS)', group: 'Custom', fields: ['host', 'port', 'ttl'], defaultName: 'UDP', carriesScte35: true },
  { id: 'rtp', label: 'RTP (MPEG-TS)', group: 'Custom', fields: ['host', 'port', 'ttl'], defaultName: 'RTP', carriesScte35: true },
];

/** The choices of the "Ad markers" select (ADR 0015). */
export const AD_MARKER_CHOICES: readonly { value: AdMarkersOption; label: string }[] = [
  { value: 'none', label: 'None (cues dropped)' },
  { value: 'youtube', label: 'YouTube cue points (com.youtube.cuepoint)' },
  { value: 'on_cue_point_scte35', label: 'onCuePoint SCTE-35 (as MediaLive)' },
];

/** What the form says about SCTE-35 on an RTMP output with these ad markers. */
export function adMarkersNote(markers: AdMarkersOption): string {
  if (markers === 'none') return 'SCTE-35 does not travel over RTMP: with ad markers off, this output carries video and audio only. Choose an ad marker format, or use SRT, UDP or RTP where the cues themselves must reach the destination.';
  const format = markers === 'youtube' ? 'a YouTube cue point (ad breaks only)' : 'an onCuePoint message as MediaLive sends it (the section in base64)';
  return `Each SCTE-35 splice_insert / time_signal becomes ${format} at its splice time; the SCTE-35 sections themselves do not travel over RTMP.`;
}

export function presetById(id: string): OutputPreset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** Everything the form edits, as text (form controls hold strings). */
export interface OutputFormValues {
  name: string;
  server: string;
  key: string;
  mode: 'caller' | 'listener';
  host: string;
  port: string;
  latency: string;
  passphrase: string;
  streamid: string;
  ttl: string;
  /** RTMP outputs: how SCTE-35 cues are signalled. */
  ad_markers: AdMarkersOption;
  enabled: boolean;
  /** Options the form has no control for, kept as they were when editing. */
  extraOptions: OutputOptions;
}

export function emptyValues(preset?: OutputPreset): OutputFormValues {
  return {
    name: preset?.defaultName ?? '',
    server: '',
    key: '',
    mode: 'caller',
    host: '',
    port: '',
    latency: preset?.id === 'srt' ? '200' : '',
    passphrase: '',
    streamid: '',
    ttl: '',
    ad_markers: preset?.adMarkers ?? 'none',
    enabled: true,
    extraOptions: {},
  };
}

export interface OutputRequest {
  protocol: OutputProtocol;
  url: string;
  options: OutputOptions;
  name?: string;
  enabled: boolean;
}

export type BuildResult = { ok: true; value: OutputRequest } | { ok: false; errors: Partial<Record<OutputFormField, string>> };

const FORM_OPTION_NAMES = new Set(['mode', 'latency', 'passphrase', 'streamid', 'ttl', 'ad_markers']);

/** Preset + typed values → the body of POST/PATCH .../outputs. Only presence is checked here; the API checks the rest. */
export function buildOutputRequest(preset: OutputPreset, values: OutputFormValues): BuildResult {
  const errors: Partial<Record<OutputFormField, string>> = {};
  const key = values.key.trim();
  const server = values.server.trim().replace(/\/+$/, '');
  const options: OutputOptions = { ...values.extraOptions };
  let protocol: OutputProtocol;
  let url = '';

  if (preset.fields.includes('key') || preset.fields.includes('server')) {
    if (preset.fields.includes('key') && !key && preset.id !== 'rtmp') errors.key = 'Enter the stream key';
    if (preset.fields.includes('server') && !server && !preset.serverOptional) errors.server = `Enter the ${(preset.serverLabel ?? 'server URL').toLowerCase()}`;
    const base = server || (preset.template ? preset.template.replace(/\/?\{key\}$/, '') : '');
    const scheme = /^(rtmps?):\/\//i.exec(base)?.[1]?.toLowerCase();
    if (server && !scheme) errors.server = 'Must start with rtmp:// or rtmps://';
    protocol = scheme === 'rtmps' ? 'rtmps' : 'rtmp';
    url = key ? `${base}/${key}` : base;
    if (preset.fields.includes('ad_markers') && values.ad_markers !== 'none') options['ad_markers'] = values.ad_markers;
  } else {
    protocol = preset.id === 'srt' ? 'srt' : preset.id === 'udp' ? 'udp' : 'rtp';
    const host = values.host.trim();
    const listener = preset.id === 'srt' && values.mode === 'listener';
    if (!host && !listener) errors.host = 'Enter the destination host';
    const port = parseWhole(values.port);
    if (values.port.trim() === '') errors.port = 'Enter the port';
    else if (port === null) errors.port = 'Must be a whole number';
    url = `${protocol}://${formatUrlHost(host || '0.0.0.0')}:${port ?? values.port.trim()}`;
    if (preset.id === 'srt') {
      options['mode'] = values.mode;
      setNumber(options, 'latency', values.latency, errors);
      setText(options, 'passphrase', values.passphrase);
      setText(options, 'streamid', values.streamid);
    } else {
      setNumber(options, 'ttl', values.ttl, errors);
    }
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const name = values.name.trim();
  return { ok: true, value: { protocol, url, options, ...(name ? { name } : {}), enabled: values.enabled } };
}

/** An existing output back into preset + values, so editing shows the same form it was made with. */
export function valuesFromOutput(output: { protocol: OutputProtocol; url: string; options: OutputOptions; name: string; enabled: boolean }): {
  preset: OutputPreset;
  values: OutputFormValues;
} {
  const base = { ...emptyValues(), name: output.name, enabled: output.enabled };
  if (output.protocol === 'rtmp' || output.protocol === 'rtmps') {
    const markers = AD_MARKERS.find((m) => m === output.options['ad_markers']) ?? 'none';
    const extraOptions: OutputOptions = {};
    for (const [k, v] of Object.entries(output.options)) if (!FORM_OPTION_NAMES.has(k)) extraOptions[k] = v;
    Object.assign(base, { ad_markers: markers, extraOptions });
    for (const preset of PRESETS) {
      if (!preset.template || preset.id === 'kick') continue;
      const prefix = preset.template.replace('{key}', '');
      if (output.url.startsWith(prefix) && output.url.length > prefix.length) {
        return { preset, values: { ...base, key: output.url.slice(prefix.length) } };
      }
    }
    const cut = splitRtmpUrl(output.url);
    const kick = presetById('kick')!;
    if (/\.global-contribute\.live-video\.net(:\d+)?\/app$/i.test(cut.server)) {
      const isDefault = kick.template!.startsWith(`${cut.server}/`);
      return { preset: kick, values: { ...base, server: isDefault ? '' : cut.server, key: cut.key } };
    }
    const id: PresetId = /pscp\.tv|\.x\.com|twitter/i.test(cut.server) ? 'x' : /linkedin/i.test(cut.server) ? 'linkedin' : 'rtmp';
    return { preset: presetById(id)!, values: { ...base, server: cut.server, key: cut.key } };
  }

  const preset = presetById(output.protocol)!;
  const m = /^[a-z]+:\/\/(\[[^\]]*\]|[^:/?#]*)(?::(\d+))?[^?#]*(?:\?([^#]*))?/i.exec(output.url);
  const merged: Record<string, OutputOptionValue> = {};
  for (const pair of (m?.[3] ?? '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    merged[decodeSafe(eq < 0 ? pair : pair.slice(0, eq))] = decodeSafe(eq < 0 ? '' : pair.slice(eq + 1));
  }
  Object.assign(merged, output.options);
  const host = (m?.[1] ?? '').replace(/^\[|\]$/g, '');
  const extraOptions: OutputOptions = {};
  for (const [k, v] of Object.entries(merged)) if (!FORM_OPTION_NAMES.has(k)) extraOptions[k] = v;
  const text = (k: string) => (merged[k] === undefined ? '' : String(merged[k]));
  return {
    preset,
    values: {
      ...base,
      host: host === '0.0.0.0' && text('mode') === 'listener' ? '' : host,
      port: m?.[2] ?? '',
      mode: text('mode') === 'listener' ? 'listener' : 'caller',
      latency: text('latency'),
      passphrase: text('passphrase'),
      streamid: text('streamid'),
      ttl: text('ttl'),
      extraOptions,
    },
  };
}

function parseWhole(text: string): number | null {
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : null;
}

function setNumber(options: OutputOptions, name: 'latency' | 'ttl', text: string, errors: Partial<Record<OutputFormField, string>>): void {
  if (text.trim() === '') return;
  const n = parseWhole(text);
  if (n === null) errors[name] = 'Must be a whole number';
  else options[name] = n;
}

function setText(options: OutputOptions, name: 'passphrase' | 'streamid', text: string): void {
  if (text !== '') options[name] = text;
}

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
