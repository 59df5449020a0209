import { maskOutputUrl, OUTPUT_PROTOCOLS, type OutputProtocol } from '@mld/contracts';
import { storableText } from '../common/safe-text.js';

const SECRET_KEY = /pass(word|phrase)?|secret|token|key|streamid|authorization/i;

/** How much of a request body an audit record keeps, for every caller. */
export interface BodyBounds {
  maxDepth: number;
  maxKeys: number;
  maxItems: number;
  maxString: number;
  /** Budget for the whole stored JSON in characters; one string or marker past it at most. */
  maxBytes: number;
}

export const AUDIT_BODY_BOUNDS: BodyBounds = { maxDepth: 4, maxKeys: 50, maxItems: 50, maxString: 500, maxBytes: 8192 };

/** Marks where a part of the body was left out; the record's details_truncated says so too. */
export const TRUNCATED = '…';

export interface BoundedBody {
  value: unknown;
  truncated: boolean;
}

/**
 * A copy of a request body safe and small enough to store: secret-looking keys dropped, URLs with
 * their keys masked, text PostgreSQL cannot hold made storable, and depth, keys, items, string
 * length and total size bounded (what was cut is marked with "…", never silently dropped).
 */
export function boundBody(body: unknown, bounds: BodyBounds = AUDIT_BODY_BOUNDS): BoundedBody {
  const state = { budget: bounds.maxBytes, truncated: false };
  const cut = <T>(marker: T): T => {
    state.truncated = true;
    return marker;
  };

  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') {
      const text = value.length > bounds.maxString ? cut(`${value.slice(0, bounds.maxString)}${TRUNCATED}`) : value;
      const stored = storableText(text);
      state.budget -= JSON.stringify(stored).length;
      return stored;
    }
    if (value === null || typeof value !== 'object') {
      state.budget -= String(value).length;
      return value;
    }
    if (depth >= bounds.maxDepth) return cut(`[${TRUNCATED}]`);
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (const item of value) {
        if (items.length >= bounds.maxItems || state.budget <= 0) {
          items.push(cut(`${TRUNCATED} ${value.length - items.length} more items`));
          break;
        }
        items.push(walk(item, depth + 1));
      }
      return items;
    }
    const entries: [string, unknown][] = [];
    const keys = Object.keys(value);
    for (const rawKey of keys) {
      if (entries.length >= bounds.maxKeys || state.budget <= 0) {
        entries.push([TRUNCATED, cut(`${keys.length - entries.length} more keys`)]);
        break;
      }
      const key = storableText(rawKey.slice(0, 100));
      state.budget -= JSON.stringify(key).length + 1;
      const v = (value as Record<string, unknown>)[rawKey];
      if (SECRET_KEY.test(rawKey)) entries.push([key, '****']);
      else if (rawKey === 'url' && typeof v === 'string') entries.push([key, walk(maskAnyUrl(v), depth + 1)]);
      else entries.push([key, walk(v, depth + 1)]);
    }
    // fromEntries defines own properties: a "__proto__" key stays data and never sets a prototype.
    return Object.fromEntries(entries);
  };

  return { value: walk(body, 0), truncated: state.truncated };
}

/** The redacted, bounded copy alone. */
export function redactBody(value: unknown): unknown {
  return boundBody(value).value;
}

function maskAnyUrl(url: string): string {
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  const protocol = (OUTPUT_PROTOCOLS as readonly string[]).includes(scheme ?? '') ? (scheme as OutputProtocol) : 'rtmp';
  return maskOutputUrl(protocol, url);
}
