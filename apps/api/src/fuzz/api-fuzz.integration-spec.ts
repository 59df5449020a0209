// Drives every operation of the served OpenAPI document with hostile input (fuzz-inputs.spec.ts)
// for every role, against the real app on real PostgreSQL, and holds the service to what a user
// relies on: never a 5xx, never a hang, still healthy afterwards, no prototype pollution, and a
// refused request (4xx) changes nothing (channels, outputs, users, API tokens read straight from
// PostgreSQL before and after). Failures are collected, not stopped at: each distinct one
// (route, status, server-side cause) is reported once with its roles and a minimised input.
//
// Bounded for CI: fixed seed, FUZZ_RUNS inputs per operation and role (default 25). A longer local
// fuzz: FUZZ_RUNS=500 FUZZ_SEED=$RANDOM; FUZZ_ONLY='POST /api/auth/login' narrows to matching routes.
// Channels are never started (start/retry only ever get unknown ids); every URL points at 127.0.0.x.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import pg from 'pg';
import { ADMIN, freeUdpPort, startTestApp, tokenForRole, type TestApp } from '../testing/test-app.js';
import { edgeCases, inputArbitrary, operationsOf, serialize, type FuzzInput, type Operation, type Schema } from './fuzz-inputs.spec.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261201);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 25);
const REQUEST_TIMEOUT_MS = Number(process.env['FUZZ_REQUEST_TIMEOUT_MS'] ?? 10_000);
// Login, password and user routes run argon2 (64 MiB, ~0.5 s each on a busy 2-core box): each
// operation and role gets at most this long, so CI stays bounded; the seed fixes which inputs come first.
const BUDGET_MS = Number(process.env['FUZZ_BUDGET_MS'] ?? 2_500);
const ONLY = process.env['FUZZ_ONLY'];
const VERBOSE = process.env['FUZZ_VERBOSE'] === '1';
const ROLES = ['anonymous', 'viewer', 'operator', 'admin'] as const;
type Role = (typeof ROLES)[number];
// Routes that would start a data plane: they only ever get unknown ids, so nothing is started.
const STARTS = /\/(start|start-all|retry)$/;
// Bounded scheme length: an unbounded one backtracks quadratically over a 300 KB body.
const FOREIGN_URL = /[a-z][a-z0-9+.-]{0,15}:\/\/(?!127\.0\.0\.\d)/i;

interface Outcome {
  kind: '5xx' | 'hang' | 'no-response' | 'changed-after-4xx' | 'prototype-polluted';
  status?: number;
  detail: string;
}
interface Finding extends Outcome {
  route: string;
  roles: Set<Role>;
  count: number;
  input: FuzzInput;
}

describe('API fuzz: every OpenAPI operation, every role', () => {
  let app: TestApp;
  let db: pg.Client;
  let operations: Operation[] = [];
  let components: Record<string, Schema> = {};
  const tokens: Partial<Record<Role, string>> = {};
  const fixtures = { channel: '', output: '', user: '', token: '' };
  const findings = new Map<string, Finding>();
  let adminToken = '';
  let serverErrors: string[] = [];
  let capturing = false;
  const realStderrWrite = process.stderr.write.bind(process.stderr);

  before(async () => {
    app = await startTestApp();
    db = new pg.Client({ connectionString: app.running.databaseUrl });
    await db.connect();
    adminToken = await app.login(ADMIN.username, ADMIN.password);
    for (const role of ['viewer', 'operator', 'admin'] as const) tokens[role] = await tokenForRole(app, adminToken, role);
    const document = await app.request<Parameters<typeof operationsOf>[0] & { components: { schemas: Record<string, Schema> } }>('GET', '/api/openapi.json');
    assert.equal(document.status, 200);
    operations = operationsOf(document.body).filter((op) => !ONLY || `${op.method} ${op.path}`.includes(ONLY));
    components = document.body.components.schemas;
    await ensureFixtures();
    // The app logs a 5xx's stack on stderr: keep it as the finding's cause instead of printing it.
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      if (capturing) serverErrors.push(String(chunk));
      else return realStderrWrite(chunk, ...rest);
      return true;
    }) as typeof process.stderr.write;
  });

  after(async () => {
    process.stderr.write = realStderrWrite;
    report();
    await db?.end();
    await app?.close();
  });

  async function exists(table: string, id: string): Promise<boolean> {
    if (!id) return false;
    const r = await db.query(`SELECT 1 FROM ${table} WHERE id = $1${table === 'api_tokens' ? ' AND revoked_at IS NULL' : ''}`, [id]);
    return r.rowCount === 1;
  }

  async function create(path: string, body: unknown): Promise<string> {
    const r = await app.request<{ id: string }>('POST', path, { token: adminToken, body });
    assert.equal(r.status, 201, `fixture ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id;
  }

  /** Real objects for path parameters; recreated when an admin's fuzzed request removed one. */
  async function ensureFixtures(): Promise<void> {
    const tag = Math.random().toString(36).slice(2, 8);
    if (!(await exists('channels', fixtures.channel))) {
      fixtures.channel = await create('/api/channels', { name: `fuzz-fixture-${tag}`, rtp_ip: '127.0.0.1', rtp_port: await freeUdpPort() });
      fixtures.output = '';
    }
    if (!(await exists('outputs', fixtures.output))) {
      fixtures.output = await create(`/api/channels/${fixtures.channel}/outputs`, { protocol: 'udp', url: `udp://127.0.0.1:${await freeUdpPort()}`, enabled: false });
    }
    if (!(await exists('users', fixtures.user))) fixtures.user = await create('/api/users', { username: `fuzz-target-${tag}`, password: 'fuzz-target-password', role: 'viewer' });
    if (!(await exists('api_tokens', fixtures.token))) fixtures.token = await create('/api/tokens', { name: `fuzz-target-${tag}`, role: 'viewer' });
  }

  /** What a refused request must not touch, straight from PostgreSQL (last_used_at is bookkeeping). */
  async function snapshot(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const table of ['channels', 'outputs', 'users', 'api_tokens']) {
      const r = await db.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`);
      out[table] = JSON.stringify(r.rows.map(({ last_used_at: _lastUsed, ...row }) => row));
    }
    return out;
  }

  function urlFor(op: Operation, input: FuzzInput): string {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = input.path[name];
      if (value?.kind === 'literal') return value.encoded;
      if (STARTS.test(op.path)) return '00000000-0000-4000-8000-000000000000';
      if (name === 'file') return 'index.m3u8';
      if (name === 'outputId') return fixtures.output;
      if (op.path.startsWith('/api/users')) return fixtures.user;
      if (op.path.startsWith('/api/tokens')) return fixtures.token;
      return fixtures.channel;
    });
    const query = input.query.map(([k, v]) => `${k}=${v}`).join('&');
    // Node answers a request line over its 16 KiB header limit with 431 and a reset: keep URLs
    // within the 8 KiB most proxies allow, so a reset always means the application dropped us.
    return `${path}${query ? `?${query}` : ''}`.slice(0, 8_000);
  }

  async function send(op: Operation, role: Role, input: FuzzInput): Promise<{ status?: number; error?: string }> {
    const headers: Record<string, string> = {};
    const token = tokens[role];
    if (token) headers['authorization'] = `Bearer ${token}`;
    let body: string | undefined;
    if (input.body.kind === 'json') {
      body = serialize(input.body.value);
      headers['content-type'] = 'application/json';
    } else if (input.body.kind === 'raw') {
      body = input.body.text;
      headers['content-type'] = input.body.contentType;
    }
    // node:http rather than fetch: it sends bodies on GET/DELETE too, and the path exactly as given.
    return new Promise((resolve) => {
      const request = httpRequest({ host: '127.0.0.1', port: app.running.port, method: op.method, path: urlFor(op, input), agent: false, headers: { connection: 'close', ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } });
      const timer = setTimeout(() => {
        request.destroy();
        resolve({ error: 'timeout' });
      }, REQUEST_TIMEOUT_MS);
      const done = (result: { status?: number; error?: string }) => {
        clearTimeout(timer);
        resolve(result);
      };
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => {
          // One socket per request: a connection the server stopped reading (413) is never reused.
          request.destroy();
          done({ status: response.statusCode });
        });
        response.on('error', (error) => done({ error: String(error) }));
      });
      request.on('error', (error) => done({ error: String(error) }));
      request.end(body);
    });
  }

  /** The server's own account of a 5xx (first line of the logged error), without ids and numbers. */
  function cause(): string {
    const text = serverErrors.join('').replace(/\u001b\[[0-9;]*m/g, '');
    const lines = text.split('\n');
    const line = lines.find((l) => /ERROR.*HttpErrorFilter/.test(l)) ?? lines.find((l) => /ERROR/.test(l)) ?? lines[0] ?? '';
    return line.replace(/^.*ERROR\s*/, '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<id>').replace(/\d+/g, '#').slice(0, 160).trim();
  }

  /** One request with every check; undefined when all held. */
  async function check(op: Operation, role: Role, input: FuzzInput): Promise<Outcome | undefined> {
    const before = await snapshot();
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).length;
    serverErrors = [];
    capturing = true;
    const sentAt = Date.now();
    const result = await send(op, role, input);
    capturing = false;
    if (VERBOSE) realStderrWrite(`${role} ${result.status ?? result.error} ${Date.now() - sentAt}ms ${describeInput(op, input).slice(0, 160)}\n`);
    if (Object.getOwnPropertyNames(Object.prototype).length !== protoKeys) return { kind: 'prototype-polluted', status: result.status, detail: Object.getOwnPropertyNames(Object.prototype).join(',') };
    if (result.error === 'timeout') return { kind: 'hang', detail: `no answer within ${REQUEST_TIMEOUT_MS} ms` };
    if (result.error) return { kind: 'no-response', detail: result.error };
    const status = result.status!;
    if (status >= 500) return { kind: '5xx', status, detail: cause() };
    if (status >= 400) {
      const afterwards = await snapshot();
      const changed = Object.keys(before).filter((t) => before[t] !== afterwards[t]);
      if (changed.length > 0) return { kind: 'changed-after-4xx', status, detail: `changed: ${changed.join(', ')}` };
    } else {
      await ensureFixtures();
    }
    return undefined;
  }

  const same = (a: Outcome | undefined, b: Outcome) => a !== undefined && a.kind === b.kind && a.status === b.status && a.detail === b.detail;

  /** Greedy shrinking: drop body fields, query entries and path literals while the failure stays the same. */
  async function minimise(op: Operation, role: Role, input: FuzzInput, outcome: Outcome): Promise<FuzzInput> {
    let best = input;
    const tryWith = async (candidate: FuzzInput) => {
      if (same(await check(op, role, candidate), outcome)) best = candidate;
    };
    for (const name of Object.keys(best.path)) if (best.path[name]?.kind === 'literal') await tryWith({ ...best, path: { ...best.path, [name]: { kind: 'fixture' } } });
    for (let i = best.query.length - 1; i >= 0; i--) await tryWith({ ...best, query: best.query.filter((_, j) => j !== i) });
    const body = best.body;
    if (body.kind === 'json' && body.value !== null && typeof body.value === 'object' && !Array.isArray(body.value)) {
      const entries = body.value.entries;
      for (let i = entries.length - 1; i >= 0; i--) {
        const current = best.body.kind === 'json' ? (best.body.value as { entries: [string, unknown][] }).entries : [];
        if (i >= current.length) continue;
        await tryWith({ ...best, body: { kind: 'json', value: { entries: current.filter((_, j) => j !== i) as never } } });
      }
    }
    return best;
  }

  function describeInput(op: Operation, input: FuzzInput): string {
    const url = urlFor(op, input);
    const body = input.body.kind === 'json' ? serialize(input.body.value) : input.body.kind === 'raw' ? `(${input.body.contentType}) ${input.body.text}` : '';
    const short = (s: string) => (s.length > 300 ? `${s.slice(0, 200)}… (${s.length} chars)` : s);
    return `${op.method} ${short(url)} ${short(JSON.stringify(body))}`;
  }

  function report(): void {
    const lines = [...findings.values()].map((f) => `- ${f.kind} ${f.status ?? ''} ${f.route} roles=${[...f.roles].join('/')} x${f.count}: ${f.detail}\n    minimal: ${f.input ? describeInput(operations.find((o) => `${o.method} ${o.path}` === f.route)!, f.input) : ''}`);
    const head = `API fuzz: seed ${SEED}, ${RUNS} runs per operation and role, ${operations.length} operations; ${findings.size} distinct failure(s). Reproduce: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`;
    console.log([head, ...lines].join('\n'));
  }

  it('serves a document with operations to fuzz', () => {
    assert.ok(operations.length > 0, 'no operations (FUZZ_ONLY too narrow?)');
  });

  it('every operation, every role: no 5xx, no hang, healthy after, nothing changed by a 4xx', async (t) => {
    for (const [index, op] of operations.entries()) {
      await t.test(`${op.method} ${op.path}`, async () => {
        const route = `${op.method} ${op.path}`;
        const mine = new Set<string>();
        let skipped = 0;
        for (const [r, role] of ROLES.entries()) {
          const edge = edgeCases(op, components);
          const inputs = [...edge, ...fc.sample(inputArbitrary(op, components), { seed: SEED + index * 31 + r, numRuns: RUNS })];
          const started = Date.now();
          for (const [i, input] of inputs.entries()) {
            if (i >= edge.length && Date.now() - started > BUDGET_MS) {
              skipped++;
              continue;
            }
            if (input.body.kind !== 'none' && FOREIGN_URL.test(input.body.kind === 'json' ? serialize(input.body.value) : input.body.text)) continue;
            const outcome = await check(op, role, input);
            if (!outcome) continue;
            const key = `${outcome.kind} ${outcome.status ?? ''} ${route} ${outcome.detail}`;
            const known = findings.get(key);
            if (known) {
              known.roles.add(role);
              known.count++;
              continue;
            }
            findings.set(key, { ...outcome, route, roles: new Set([role]), count: 1, input: await minimise(op, role, input, outcome) });
            mine.add(key);
          }
        }
        if (skipped > 0) t.diagnostic(`${route}: ${skipped} of ${RUNS * ROLES.length} inputs left for want of time (FUZZ_BUDGET_MS=${BUDGET_MS})`);
        const health = await fetch(`${app.url}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch((e: Error) => ({ status: `no answer (${e.message})` }));
        assert.equal(health.status, 200, `health after fuzzing ${route}`);
        const problems = [...mine].map((k) => findings.get(k)!).map((f) => `${f.kind} ${f.status ?? ''} roles=${[...f.roles].join('/')}: ${f.detail}\n  minimal: ${describeInput(op, f.input)}`);
        assert.equal(problems.length, 0, `${route} (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} FUZZ_ONLY='${route}'):\n${problems.join('\n')}`);
      });
    }
  });
});
