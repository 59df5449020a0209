import type { OutputOptions } from './output-url.js';
import type { OutputProtocol } from './protocols.js';

/**
 * What is secret in an output destination, and how it is hidden: the one rule the API
 * presenters, the audit log, the redactor of tool output, the platform presets and the dashboard
 * all use, so a value hidden in one place is never shown in another.
 */

export const MASK = '****';

/** Option names whose values are secrets (masked for roles without `secret.read`). */
export const SECRET_OPTION_NAMES: ReadonlySet<string> = new Set(['passphrase', 'streamid']);

/** Option names are compared without case: `PASSPHRASE=` in a query is still a passphrase. */
export function isSecretOptionName(name: string): boolean {
  return SECRET_OPTION_NAMES.has(name.toLowerCase());
}

export function isRtmpProtocol(protocol: string): protocol is 'rtmp' | 'rtmps' {
  return protocol === 'rtmp' || protocol === 'rtmps';
}

/**
 * Where an RTMP path's secret starts. The application is the first path segment; everything
 * after it is the stream key. FFmpeg itself sends `app/instance` as the application when there
 * are three segments or more, so this hides a little more than the bare key, never less. A
 * path of one segment (`rtmp://host:1935/KEY`) is all key: nothing tells an application from
 * a key there, and showing a key to a viewer is the failure that matters.
 */
export function splitRtmpPath(path: string): { app: string; key: string } {
  const body = path.startsWith('/') ? path.slice(1) : path;
  const slash = body.indexOf('/');
  if (slash < 0) return { app: '', key: body };
  return { app: `/${body.slice(0, slash)}`, key: body.slice(slash + 1) };
}

// scheme://authority, path, ?query, #fragment. `.` stops at line breaks, so text with one never matches.
const URL_PARTS = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/;

/**
 * `rtmp://host/app/key?q` → server `rtmp://host/app` and key `key?q` (the query goes with the
 * key: platforms put tokens there). Without a key the whole URL is the server.
 */
export function splitRtmpUrl(url: string): { server: string; key: string } {
  const m = URL_PARTS.exec(url);
  if (!m) return { server: url, key: '' };
  const { app, key } = splitRtmpPath(m[3]!);
  if (key === '') return { server: url, key: '' };
  return { server: `${m[1]}${m[2]}${app}`, key: `${key}${m[4] ?? ''}${m[5] ?? ''}` };
}

/** The URL with stream keys (RTMP path after the application), credentials and secret query values masked. */
export function maskOutputUrl(protocol: OutputProtocol, url: string): string {
  const m = URL_PARTS.exec(url);
  if (!m) return MASK;
  const [, schemePart, authorityRaw, pathRaw, queryRaw = '', fragment = ''] = m;
  const rtmp = isRtmpProtocol(protocol);
  const authority = authorityRaw!.includes('@') ? `${MASK}@${authorityRaw!.slice(authorityRaw!.lastIndexOf('@') + 1)}` : authorityRaw!;
  let path = pathRaw!;
  if (rtmp) {
    const { app, key } = splitRtmpPath(path);
    if (key !== '') path = `${app}/${MASK}`;
  }
  const query = queryRaw
    ? '?' +
      queryRaw
        .slice(1)
        .split('&')
        .map((pair) => {
          const eq = pair.indexOf('=');
          // A bare RTMP query item can be a token by itself.
          if (eq < 0) return rtmp && pair !== '' ? MASK : pair;
          return rtmp || isSecretOptionName(decodeSafe(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=${MASK}` : pair;
        })
        .join('&')
    : '';
  return `${schemePart}${authority}${path}${query}${fragment ? '#' + MASK : ''}`;
}

export function maskOutputOptions(options: OutputOptions): OutputOptions {
  const out: OutputOptions = {};
  for (const [k, v] of Object.entries(options)) out[k] = isSecretOptionName(k) ? MASK : v;
  return out;
}

/**
 * Every secret text of an output, in the forms a tool may print it (as written, percent-encoded
 * and decoded): the RTMP stream key and its query values, credentials, secret option values
 * from the URL query and from the options object. For redacting free text such as stderr.
 */
export function outputSecrets(output: { protocol: OutputProtocol; url: string; options: Record<string, unknown> }): string[] {
  const found = new Set<string>();
  const add = (value: string) => {
    if (value === '') return;
    found.add(value);
    found.add(encodeURIComponent(value));
    found.add(decodeSafe(value));
  };
  const m = URL_PARTS.exec(output.url);
  if (m) {
    const authority = m[2]!;
    if (authority.includes('@')) add(authority.slice(0, authority.lastIndexOf('@')));
    if (isRtmpProtocol(output.protocol)) {
      const { key } = splitRtmpPath(m[3]!);
      add(key);
      // FFmpeg takes `app/instance` as the application from three segments on and prints
      // only the rest as the stream name: every tail of the key is a secret by itself.
      for (let i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) add(key.slice(i + 1));
      add(splitRtmpUrl(output.url).key);
    }
    for (const pair of (m[4] ?? '').slice(1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq < 0) {
        if (isRtmpProtocol(output.protocol)) add(pair);
        continue;
      }
      if (isRtmpProtocol(output.protocol) || isSecretOptionName(decodeSafe(pair.slice(0, eq)))) add(pair.slice(eq + 1));
    }
    if (m[5]) add(m[5].slice(1));
  }
  for (const [name, value] of Object.entries(output.options)) {
    if (isSecretOptionName(name) && (typeof value === 'string' || typeof value === 'number')) add(String(value));
  }
  found.delete('');
  return [...found];
}

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
