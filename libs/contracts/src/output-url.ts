import { isSecretOptionName, MASK } from './output-secrets.js';
import type { OutputProtocol } from './protocols.js';

/**
 * Parsing and validation of output destination URLs and their options (masking: output-secrets.ts).
 * Pure and framework-free so the API validates with it and the dashboard can check a form
 * with the very same rules.
 */

/** Options a user may set per protocol, in the URL query or the `options` object. */
export const OUTPUT_OPTION_NAMES: Readonly<Record<OutputProtocol, readonly string[]>> = {
  srt: ['mode', 'latency', 'passphrase', 'pbkeylen', 'streamid', 'maxbw', 'oheadbw', 'conntimeo', 'payloadsize', 'adapter'],
  udp: ['ttl', 'localaddr', 'pkt_size'],
  rtp: ['ttl', 'localaddr', 'pkt_size'],
  rtmp: ['ad_markers'],
  rtmps: ['ad_markers'],
};

/** What an RTMP output does with the channel's SCTE-35 cues (ADR 0015). */
export const AD_MARKERS = ['none', 'on_cue_point_scte35', 'youtube'] as const;
export type AdMarkersOption = (typeof AD_MARKERS)[number];

export type OutputOptionValue = string | number | boolean;
export type OutputOptions = Record<string, OutputOptionValue>;

export interface OutputUrlProblem {
  field: 'url' | 'options' | 'protocol';
  message: string;
}

export interface ParsedOutputUrl {
  protocol: OutputProtocol;
  host: string; // without IPv6 brackets
  port: number;
  /** RTMP: path with the leading slash (application and stream key) and the query that goes with the key; empty for the others. */
  path: string;
  /** URL query merged with the options object; numbers kept as numbers where the option is numeric. */
  options: OutputOptions;
}

const NUMERIC = new Set(['latency', 'pbkeylen', 'maxbw', 'oheadbw', 'conntimeo', 'payloadsize', 'ttl', 'pkt_size']);
const DEFAULT_PORT: Partial<Record<OutputProtocol, number>> = { rtmp: 1935, rtmps: 443 };
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_NAME = /^(?=.{1,253}\.?$)[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?)*\.?$/;

export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

export function isIpv4Multicast(value: string): boolean {
  if (!isIpv4(value)) return false;
  const first = Number(value.split('.')[0]);
  return first >= 224 && first <= 239;
}

/** An IPv6 address as ParsedOutputUrl.host holds it (no brackets). Hosts are validated by then, so a colon says it. */
export function isIpv6(value: string): boolean {
  return value.includes(':');
}

/** ff00::/8 (RFC 4291 §2.7). */
export function isIpv6Multicast(value: string): boolean {
  return isIpv6(value) && /^ff/i.test(value);
}

/**
 * The URL with its scheme in lower case. Schemes are case-insensitive (RFC 3986 §3.1), so
 * RTMP://… means rtmp://…; FFmpeg only knows the lower-case protocol names and refuses the other.
 */
export function normaliseOutputUrl(url: string): string {
  return url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*)(?=:\/\/)/, (scheme) => scheme.toLowerCase());
}

function isValidHost(host: string): boolean {
  if (host.startsWith('[') && host.endsWith(']')) return /^[0-9a-fA-F:.]+$/.test(host.slice(1, -1));
  if (/^[\d.]+$/.test(host)) return isIpv4(host);
  return DNS_NAME.test(host);
}

type Checked = { error: string } | { value: OutputOptionValue };

function checkOption(protocol: OutputProtocol, name: string, raw: OutputOptionValue): Checked {
  const result = checkOptionValue(protocol, name, raw);
  return typeof result === 'object' ? result : { value: result };
}

function checkOptionValue(protocol: OutputProtocol, name: string, raw: OutputOptionValue): { error: string } | OutputOptionValue {
  const allowed = OUTPUT_OPTION_NAMES[protocol];
  if (!allowed.includes(name)) {
    return { error: allowed.length === 0
      ? `option "${name}" is not supported for ${protocol} outputs (they take no options)`
      : `option "${name}" is not supported for ${protocol} outputs (allowed: ${allowed.join(', ')})` };
  }
  const text = String(raw);
  if (/[\u0000-\u001f\u007f]/.test(text)) return { error: `option "${name}" contains control characters` };
  if (NUMERIC.has(name)) {
    if (!/^-?\d+$/.test(text)) return { error: `option "${name}" must be an integer, got "${text}"` };
    const n = Number(text);
    const ranges: Record<string, [number, number, string]> = {
      latency: [0, 60000, 'milliseconds'],
      pbkeylen: [0, 32, ''],
      maxbw: [-1, 1e12, 'bytes/s, -1 = unlimited'],
      oheadbw: [5, 100, 'percent'],
      conntimeo: [100, 60000, 'milliseconds'],
      payloadsize: [188, 1456, 'bytes'],
      ttl: [1, 255, 'hops'],
      pkt_size: [188, 1472, 'bytes'],
    };
    const [min, max, unit] = ranges[name] ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, ''];
    if (n < min || n > max) return { error: `option "${name}" must be between ${min} and ${max}${unit ? ` (${unit})` : ''}, got ${n}` };
    if (name === 'pbkeylen' && ![0, 16, 24, 32].includes(n)) return { error: 'option "pbkeylen" must be 0, 16, 24 or 32' };
    if (name === 'payloadsize' && n % 188 !== 0) return { error: 'option "payloadsize" must be a multiple of 188' };
    return n;
  }
  if (name === 'ad_markers' && !(AD_MARKERS as readonly string[]).includes(text)) {
    return { error: `option "ad_markers" must be ${AD_MARKERS.join(', ')}, got "${text}"` };
  }
  if (name === 'mode' && !['caller', 'listener', 'rendezvous'].includes(text)) {
    return { error: `option "mode" must be caller, listener or rendezvous, got "${text}"` };
  }
  if (name === 'passphrase' && (text.length < 10 || text.length > 79)) {
    return { error: 'option "passphrase" must be 10 to 79 characters long (SRT requirement)' };
  }
  if (name === 'streamid' && text.length > 512) return { error: 'option "streamid" must be at most 512 characters' };
  // srt-live-transmit splits its URI query on "&" and does not percent-decode values.
  if ((name === 'passphrase' || name === 'streamid') && /[&\s]/.test(text)) return { error: `option "${name}" must not contain "&" or spaces` };
  if (name === 'localaddr' && !isIpv4(text)) return { error: `option "localaddr" must be an IPv4 address, got "${text}"` };
  if (name === 'adapter' && !isIpv4(text)) return { error: `option "adapter" must be an IPv4 address, got "${text}"` };
  return text;
}

/**
 * Validates a destination and returns it parsed, or the list of problems, each naming the field.
 * Only the five allow-listed schemes pass, and the scheme must match the declared protocol.
 */
export function parseOutputUrl(
  protocol: OutputProtocol,
  url: string,
  options: OutputOptions = {},
): { ok: true; value: ParsedOutputUrl } | { ok: false; problems: OutputUrlProblem[] } {
  const problems: OutputUrlProblem[] = [];
  const fail = (field: OutputUrlProblem['field'], message: string) => ({ ok: false as const, problems: [...problems, { field, message }] });

  if (url.length > 2048) return fail('url', 'url must be at most 2048 characters');
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return fail('url', 'url must not contain spaces or control characters');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (!scheme) return fail('url', `url must look like ${protocol}://host:port`);
  if (!(['srt', 'rtmp', 'rtmps', 'udp', 'rtp'] as string[]).includes(scheme)) {
    return fail('url', `url scheme "${scheme}" is not allowed (allowed: srt, rtmp, rtmps, udp, rtp)`);
  }
  if (scheme !== protocol) return fail('url', `url scheme "${scheme}" does not match protocol "${protocol}"`);

  // "srt://:9000?mode=listener" is how SRT users write "listen on every address".
  const normalised = url.replace(/^([a-zA-Z]+):\/\/:/, '$1://0.0.0.0:');
  let parsed: URL;
  try {
    parsed = new URL(normalised);
  } catch {
    return fail('url', `url "${url}" is not a valid URL`);
  }
  if (parsed.username || parsed.password) return fail('url', 'url must not contain user credentials; use the options instead');
  if (parsed.hash) return fail('url', 'url must not contain a #fragment (write a streamid such as #!::r=live in options, or percent-encode # as %23)');
  if (!parsed.hostname || !isValidHost(parsed.hostname)) return fail('url', `url host "${parsed.hostname}" is not a valid host name or IP address`);
  // WHATWG URL keeps the brackets of an IPv6 literal in hostname; tools get them added back once.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');

  let port = DEFAULT_PORT[protocol];
  if (parsed.port) port = Number(parsed.port);
  if (port === undefined) return fail('url', `url must include a port, e.g. ${protocol}://${host}:9000`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail('url', 'url port must be between 1 and 65535');

  let path = '';
  if (protocol === 'rtmp' || protocol === 'rtmps') {
    path = parsed.pathname;
    if (path.length <= 1) return fail('url', `${protocol} url must include the application and stream key, e.g. ${protocol}://${host}/live/STREAM_KEY`);
  } else if (parsed.pathname && parsed.pathname !== '/') {
    return fail('url', `${protocol} url must not have a path`);
  }
  if (protocol === 'rtmp' || protocol === 'rtmps') path += parsed.search;

  const merged: OutputOptions = {};
  if (protocol !== 'rtmp' && protocol !== 'rtmps') {
    for (const [name, value] of parsed.searchParams) {
      const checked = checkOption(protocol, name, value);
      if ('error' in checked) problems.push({ field: 'url', message: checked.error });
      else merged[name] = checked.value;
    }
  }
  for (const [name, value] of Object.entries(options)) {
    if (value === null || value === undefined) continue;
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      problems.push({ field: 'options', message: `option "${name}" must be a string or a number` });
      continue;
    }
    const checked = checkOption(protocol, name, value);
    if ('error' in checked) {
      problems.push({ field: 'options', message: checked.error });
      continue;
    }
    if (name in merged && String(merged[name]) !== String(checked.value)) {
      problems.push({ field: 'options', message: `option "${name}" is set both in the url (${maskIfSecret(name, merged[name])}) and in options (${maskIfSecret(name, checked.value)}) with different values` });
      continue;
    }
    merged[name] = checked.value;
  }
  if (problems.length > 0) return { ok: false, problems };
  // An IPv4 interface cannot send to an IPv6 destination (the socket would have the wrong family).
  for (const name of ['localaddr', 'adapter']) {
    if (merged[name] !== undefined && isIpv6(host)) problems.push({ field: name in options ? 'options' : 'url', message: `option "${name}" is an IPv4 address and cannot be used with the IPv6 destination ${host}` });
  }
  if (problems.length > 0) return { ok: false, problems };
  const passphrase = merged['passphrase'];
  const pbkeylen = merged['pbkeylen'];
  if (pbkeylen !== undefined && pbkeylen !== 0 && passphrase === undefined) {
    return fail('options', 'option "pbkeylen" needs a "passphrase"');
  }
  return { ok: true, value: { protocol, host, port, path, options: merged } };
}

/** `[::1]` for an IPv6 address, as written in a URL; other hosts as they are. */
export function formatUrlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * A parsed destination written back as one URL, every option in the query (percent-encoded, as
 * URLSearchParams decodes it). parseOutputUrl(formatOutputUrl(p)) gives p again.
 */
export function formatOutputUrl(value: ParsedOutputUrl): string {
  const query = Object.entries(value.options)
    .map(([name, v]) => `${name}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${value.protocol}://${formatUrlHost(value.host)}:${value.port}${value.path}${query ? `?${query}` : ''}`;
}

function maskIfSecret(name: string, value: OutputOptionValue | undefined): string {
  return isSecretOptionName(name) ? MASK : String(value);
}
