// Generators of hostile API input, read from the OpenAPI document: bodies shaped like each
// operation's schema with wrong types, huge and nested values, control characters, lone
// surrogates, prototype keys and unknown fields; path and query parameters likewise. Exported for
// api-fuzz.integration-spec.ts; the tests at the bottom check the generators' own promises
// (output URLs only ever point at 127.0.0.x, raw bodies really are what they claim).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

/** JSON built as entries, so "__proto__" and duplicate keys reach the wire as own keys. */
export type Json = null | boolean | number | string | Json[] | { entries: [string, Json][] };

export type Body = { kind: 'none' } | { kind: 'json'; value: Json } | { kind: 'raw'; text: string; contentType: string };
export type PathValue = { kind: 'fixture' } | { kind: 'literal'; encoded: string };

export interface FuzzInput {
  path: Record<string, PathValue>;
  query: [string, string][];
  body: Body;
}

export interface Schema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  $ref?: string;
}

export interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: { name: string; schema: Schema }[];
  bodySchema?: Schema;
}

export function serialize(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(',')}}`;
}

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u001b', '\u001b[31m', '\u007f', '\u0085', '\u009b', '\r\n', '\t', '\u2028', '\u202e'];
const SURROGATES = ['\ud800', '\udfff', '\udbff', 'a\ud83d', '\ude00z'];
const TRICKY = ["' OR 1=1 --", '../../etc/passwd', '%00', '${jndi:ldap://127.0.0.1/x}', '{{7*7}}', '<script>', 'NaN', '1e309', '-0', '0x10', '', ' ', 'null', 'true', '😀'.repeat(40)];
const HUGE_STRINGS = [300, 5_000, 70_000, 300_000];

const loopbackHost = fc.integer({ min: 1, max: 254 }).map((n) => `127.0.0.${n}`);
const port = fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, 65536, 99999, -1));

const controlString = fc.array(fc.oneof(fc.constantFrom(...CONTROL), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
const surrogateString = fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom(...SURROGATES), fc.string({ maxLength: 5 })).map((p) => p.join(''));

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: controlString, weight: 3 },
  { arbitrary: surrogateString, weight: 3 },
  { arbitrary: fc.constantFrom(...TRICKY, ...PROTO_KEYS), weight: 2 },
  { arbitrary: fc.constantFrom(...HUGE_STRINGS).map((n) => 'x'.repeat(n)), weight: 1 },
);

const nastyNumber = fc.oneof(
  fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 32, 2 ** 53 + 2, -(2 ** 63), 1e308, Number.MIN_VALUE, 65536, 3651, 1e21),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const scalar: fc.Arbitrary<Json> = fc.oneof(nastyString, nastyNumber, fc.boolean(), fc.constant(null));

const { json: nastyJson } = fc.letrec<{ json: Json; object: Json }>((tie) => ({
  json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, scalar, fc.array(tie('json'), { maxLength: 4 }), tie('object'), fc.constant(new Array<Json>(20_000).fill(0))),
  object: fc.array(fc.tuple(fc.oneof(nastyString, fc.constantFrom(...PROTO_KEYS)), tie('json')), { maxLength: 4 }).map((entries) => ({ entries })),
}));
export { nastyJson };

/** A destination on loopback only, with every scheme (valid, wrong case, foreign) and hostile tails. */
export const outputUrl: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('srt', 'udp', 'rtp', 'rtmp', 'rtmps', 'RTMP', 'Srt', 'http', 'file', 'javascript'),
    loopbackHost,
    port,
    fc.oneof(
      fc.constantFrom('', '/', '/live/KEY123', '/app/key?x=1', '?latency=200', '?mode=listener', '?passphrase=0123456789abc', '?streamid=#!::r=a', '?latency=-5&latency=9e99', '?pkt_size=99999'),
      nastyString.map((s) => `/${encodeLenient(s).slice(0, 3000)}`),
      nastyString.map((s) => `?streamid=${encodeLenient(s).slice(0, 3000)}`),
    ),
  )
  .map(([scheme, host, p, tail]) => `${scheme}://${host}:${p}${tail}`);

/** encodeURIComponent that also takes lone surrogates (as raw CESU-8-looking bytes). */
export function encodeLenient(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return Array.from(s, (ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        const c = ch.charCodeAt(0);
        return `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`;
      }
    }).join('');
  }
}

/** Something close to valid for one schema property, so validation gets past the easy checks. */
function plausible(name: string, schema: Schema): fc.Arbitrary<Json> {
  if (name === 'url') return outputUrl;
  if (schema.enum) return fc.constantFrom(...(schema.enum as Json[]), 'ADMIN', 'root', '');
  if (/_ip$|localaddr|adapter/.test(name)) return fc.oneof(loopbackHost, fc.constantFrom('0.0.0.0', '127.0.0.256', '::1', '[::1]', '239.1.1.1', '127.1', 'localhost'));
  if (schema.type === 'number' || schema.type === 'integer') {
    const min = schema.minimum ?? 0;
    const max = schema.maximum ?? 65535;
    return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min - 1, max + 1, min + 0.5), fc.integer({ min, max }).map(String));
  }
  if (schema.type === 'boolean') return fc.oneof(fc.boolean(), fc.constantFrom('true', 0, 1));
  if (schema.type === 'object') {
    const key = fc.constantFrom('latency', 'passphrase', 'pbkeylen', 'mode', 'streamid', 'ttl', 'pkt_size', 'localaddr', 'maxbw', ...PROTO_KEYS);
    return fc.array(fc.tuple(key, fc.oneof(fc.integer({ min: -5, max: 70000 }), nastyString, nastyJson)), { maxLength: 5 }).map((entries) => ({ entries }));
  }
  const valid = schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)) : fc.string({ minLength: 1, maxLength: Math.min(schema.maxLength ?? 40, 120) });
  // Right type and length, one bad character inside: what gets past type checks to the database and logs.
  const spiked = fc.tuple(valid, fc.constantFrom(...CONTROL, ...SURROGATES), fc.nat()).map(([v, bad, at]) => v.slice(0, at % (v.length + 1)) + bad + v.slice(at % (v.length + 1)));
  return fc.oneof(valid, spiked);
}

function resolve(schema: Schema | undefined, components: Record<string, Schema>): Schema | undefined {
  if (!schema?.$ref) return schema;
  return components[schema.$ref.replace('#/components/schemas/', '')];
}

function schemaBody(schema: Schema): fc.Arbitrary<Json> {
  const props = Object.entries(schema.properties ?? {});
  const field = props.map(([name, s]) =>
    fc.option(
      fc.oneof({ arbitrary: plausible(name, s), weight: 3 }, { arbitrary: nastyJson, weight: 2 }).map((v): [string, Json] => [name, v]),
      { freq: 4, nil: undefined },
    ),
  );
  const unknown = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS, 'extra', 'id', 'role', 'desired_state'), nastyString), nastyJson), { maxLength: 2 });
  return fc.tuple(fc.tuple(...field), fc.oneof({ arbitrary: fc.constant<[string, Json][]>([]), weight: 3 }, { arbitrary: unknown, weight: 1 })).map(([known, extra]) => ({
    entries: [...known.filter((e): e is [string, Json] => e !== undefined), ...extra],
  }));
}

const deepText = fc.tuple(fc.constantFrom(50, 1_000, 5_000, 20_000), fc.boolean()).map(([n, arrays]) => (arrays ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)));
const rawBody: fc.Arbitrary<Body> = fc
  .tuple(
    fc.oneof(
      deepText,
      fc.constantFrom('{', '{"a":}', '\u0000', '', 'null', '[]', '"str"', '{"role":"viewer","role":"admin"}', '{"a":1}garbage', '\ufeff{}', `{"x":"${'y'.repeat(300_000)}"}`),
      fc.array(fc.constantFrom('\u0000', '{', '"', '\\u0000', '\\ud800', ':', ',', 'a', ']'), { maxLength: 30 }).map((p) => p.join('')),
    ),
    fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/vnd.api+json'),
  )
  .map(([text, contentType]) => ({ kind: 'raw', text, contentType }));

const pathLiteral: fc.Arbitrary<PathValue> = fc
  .oneof(
    fc.uuid().map((u) => u),
    nastyString.map((s) => encodeLenient(s).slice(0, 6000)),
    fc.constantFrom('%00', '%', '%zz', '..', '%2e%2e', '%2F..%2F..%2Fetc%2Fpasswd', '%ED%A0%80', '%FF', '0', '-1', '1e999', 'null', '__proto__', 'constructor', 'index.m3u8', 'segment-1.ts', 'x'.repeat(5000)),
  )
  .map((encoded) => ({ kind: 'literal', encoded }));

export function inputArbitrary(op: Operation, components: Record<string, Schema>): fc.Arbitrary<FuzzInput> {
  const path = fc.record(Object.fromEntries(op.pathParams.map((p) => [p, fc.oneof({ arbitrary: fc.constant<PathValue>({ kind: 'fixture' }), weight: 2 }, { arbitrary: pathLiteral, weight: 2 })])));
  const queryEntry = fc.oneof(
    ...op.queryParams.map((q) => fc.tuple(fc.constant(q.name), fc.oneof(plausible(q.name, q.schema).map((v) => String(v)), nastyString))),
    fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS, 'limit[$gt]', 'a[b]', ''), nastyString), nastyString),
  );
  const query = fc.array(queryEntry.map(([k, v]) => [encodeLenient(k), encodeLenient(v).slice(0, 6000)] as [string, string]), { maxLength: 4 });
  const schema = resolve(op.bodySchema, components);
  const jsonBody = fc.oneof(...(schema ? [{ arbitrary: schemaBody(schema), weight: 6 }] : []), { arbitrary: nastyJson, weight: 2 }).map((value): Body => ({ kind: 'json', value }));
  const body = fc.oneof({ arbitrary: jsonBody, weight: schema ? 6 : 1 }, { arbitrary: rawBody, weight: 2 }, { arbitrary: fc.constant<Body>({ kind: 'none' }), weight: schema ? 1 : 3 });
  return fc.record({ path, query, body }) as fc.Arbitrary<FuzzInput>;
}

/** A value each property accepts, for the fixed edge cases below. */
function validValue(name: string, schema: Schema): Json {
  if (name === 'url') return 'udp://127.0.0.1:9';
  if (schema.enum) return schema.enum[0] as Json;
  if (schema.type === 'number' || schema.type === 'integer') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return false;
  if (schema.type === 'object') return { entries: [] };
  if (/_ip$/.test(name)) return '127.0.0.1';
  return name.includes('password') ? 'fuzz-valid-password' : 'fuzz-valid';
}

/**
 * Fixed inputs run before the random ones: every string field of a body otherwise valid, with one
 * character PostgreSQL or a log cannot take (NUL, a lone surrogate, an ESC sequence), so the
 * classic defects are found whatever the seed.
 */
export function edgeCases(op: Operation, components: Record<string, Schema>): FuzzInput[] {
  const schema = resolve(op.bodySchema, components);
  const props = Object.entries(schema?.properties ?? {});
  const out: FuzzInput[] = [];
  for (const [target, s] of props) {
    if (s.type !== 'string' || s.enum || target === 'url') continue;
    for (const bad of ['\u0000', '\ud800', '\u001b[31m']) {
      const entries = props.map(([name, ps]): [string, Json] => [name, name === target ? `${String(validValue(name, ps))}${bad}x` : validValue(name, ps)]);
      out.push({ path: Object.fromEntries(op.pathParams.map((p) => [p, { kind: 'fixture' }])), query: [], body: { kind: 'json', value: { entries } } });
    }
  }
  return out;
}

/** Every operation of the served document, with its parameters and body schema. */
export function operationsOf(document: { paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const params = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        bodySchema: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

describe('fuzz input generators', () => {
  it('output URLs only ever name a 127.0.0.x host', () => {
    fc.assert(
      fc.property(outputUrl, (url) => {
        const host = url.replace(/^[a-zA-Z]+:\/\//, '').split(/[:/?]/)[0]!;
        assert.match(host, /^127\.0\.0\.\d{1,3}$/);
        const parsed = URL.canParse(url) ? new URL(url) : undefined;
        if (parsed?.hostname) assert.match(parsed.hostname, /^127\.0\.0\.\d{1,3}$/);
      }),
      { seed: 1, numRuns: 2000 },
    );
  });

  it('serializes prototype keys as own keys, and lone surrogates as escapes the server receives', () => {
    const text = serialize({ entries: [['__proto__', { entries: [['polluted', true]] }], ['name', '\ud800']] });
    assert.equal(text, '{"__proto__":{"polluted":true},"name":"\\ud800"}');
    assert.equal(Object.keys(JSON.parse(text) as object).includes('__proto__'), true);
  });

  it('encodes lone surrogates in a path instead of throwing', () => {
    assert.equal(encodeLenient('a\ud800'), 'a%ed%a0%80');
  });
});
