import { unsafeTextProblem } from './safe-text.js';

/** No route takes more than a few levels; 5,000 levels used to reach a stack overflow (500). */
export const MAX_JSON_DEPTH = 32;
/** No object in any request has more than a few dozen fields. */
export const MAX_JSON_KEYS = 1000;
/** Keys that mean "the prototype" to some code path (class-transformer, spreads, merges). */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether raw JSON nests deeper than `limit`, found by one pass over the bytes before any parser
 * recurses. Multi-byte UTF-8 sequences never contain ASCII bytes, so bytes are safe to scan.
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i += 1;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth -= 1;
  }
  return false;
}

export interface BodyProblem {
  field: string;
  message: string;
}

const fieldOf = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * The first thing in a parsed body that no route may receive: text PostgreSQL cannot store (NUL,
 * lone surrogates) anywhere, prototype keys, or an object with too many keys. Depth is already
 * bounded by jsonNestsDeeperThan, so the recursion here is bounded too.
 */
export function findBodyProblem(value: unknown, path = ''): BodyProblem | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { field: path || 'body', message: `${path || 'body'} must not contain NUL characters` };
    if (unsafeTextProblem(value) === 'surrogate') return { field: path || 'body', message: `${path || 'body'} contains an invalid Unicode character (a lone UTF-16 surrogate)` };
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const problem = findBodyProblem(value[i], fieldOf(path, i));
      if (problem) return problem;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const keys = Object.keys(value);
  if (keys.length > MAX_JSON_KEYS) return { field: path || 'body', message: `${path || 'body'} has ${keys.length} keys; at most ${MAX_JSON_KEYS} are accepted` };
  for (const key of keys) {
    const field = fieldOf(path, key);
    if (PROTOTYPE_KEYS.has(key)) return { field, message: `${field}: "${key}" is not an allowed key` };
    if (unsafeTextProblem(key) !== null) return { field: path || 'body', message: `a key in ${path || 'body'} contains a control or invalid Unicode character` };
    const problem = findBodyProblem((value as Record<string, unknown>)[key], field);
    if (problem) return problem;
  }
  return null;
}

/** An error the JSON parser's verify hook throws; body-parser keeps its status and type. */
export function tooDeepError(): Error {
  return Object.assign(new Error(`request body nests deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, type: 'entity.too.deep' });
}
