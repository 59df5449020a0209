import { maskOutputUrl, OUTPUT_PROTOCOLS, type OutputProtocol } from '@mld/contracts';

const SECRET_KEY = /pass(word|phrase)?|secret|token|key|streamid|authorization/i;

/** A copy of a request body safe to store: secret-looking keys dropped, URLs with their keys masked. */
export function redactBody(value: unknown, depth = 0): unknown {
  if (depth > 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactBody(v, depth + 1));
  if (value === null || typeof value !== 'object') return typeof value === 'string' && value.length > 500 ? `${value.slice(0, 500)}…` : value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEY.test(key)) out[key] = '****';
    else if (key === 'url' && typeof v === 'string') out[key] = maskAnyUrl(v);
    else out[key] = redactBody(v, depth + 1);
  }
  return out;
}

function maskAnyUrl(url: string): string {
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  const protocol = (OUTPUT_PROTOCOLS as readonly string[]).includes(scheme ?? '') ? (scheme as OutputProtocol) : 'rtmp';
  return maskOutputUrl(protocol, url);
}
