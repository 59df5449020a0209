// The OpenAPI document as the running service serves it: a well-kept linter's recommended rules
// accept it (Redocly CLI), and a client generated from it (openapi-typescript) type-checks and
// talks to the real service. Both fail when a route loses its summary, security or error
// responses, or when a schema stops describing what the API returns.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { ADMIN, startTestApp, type TestApp } from './testing/test-app.js';

const REDOCLY_CLI = join(process.cwd(), 'node_modules/@redocly/cli/bin/cli.js');
// The recommended rules and our one documented exception.
const REDOCLY_CONFIG = join(process.cwd(), 'redocly.yaml');

// What a REST client written against the generated types does: every name below must exist in
// the generated `paths` with these shapes, or the program does not compile.
const CLIENT_SOURCE = `
import type { paths } from './schema.js';

type JsonOk<Op> = Op extends { responses: { 200: { content: { 'application/json': infer R } } } } ? R : never;
type JsonCreated<Op> = Op extends { responses: { 201: { content: { 'application/json': infer R } } } } ? R : never;
type JsonBody<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

async function call<R>(base: string, method: string, path: string, token?: string, body?: unknown): Promise<R> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['authorization'] = 'Bearer ' + token;
  const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(method + ' ' + path + ': ' + response.status + ' ' + (await response.text()));
  return (await response.json()) as R;
}

export async function run(base: string, username: string, password: string) {
  const health = await call<JsonOk<paths['/api/health']['get']>>(base, 'GET', '/api/health');
  const credentials: JsonBody<paths['/api/auth/login']['post']> = { username, password };
  const login = await call<JsonOk<paths['/api/auth/login']['post']>>(base, 'POST', '/api/auth/login', undefined, credentials);
  const token: string = login.access_token;
  const newChannel: JsonBody<paths['/api/channels']['post']> = { name: 'typed-client', rtp_ip: '127.0.0.1', rtp_port: 45999 };
  const channel = await call<JsonCreated<paths['/api/channels']['post']>>(base, 'POST', '/api/channels', token, newChannel);
  const channelId: string = channel.id;
  const newOutput: JsonBody<paths['/api/channels/{channelId}/outputs']['post']> = { protocol: 'srt', url: 'srt://127.0.0.1:45998?latency=200' };
  const output = await call<JsonCreated<paths['/api/channels/{channelId}/outputs']['post']>>(base, 'POST', '/api/channels/' + channelId + '/outputs', token, newOutput);
  const channels = await call<JsonOk<paths['/api/channels']['get']>>(base, 'GET', '/api/channels', token);
  const names: string[] = channels.map((c) => c.name);
  return { nodeVersion: health.node_version, database: health.database.status, names, outputProtocol: output.protocol, outputUrl: output.url };
}
`;

describe('OpenAPI document', () => {
  let app: TestApp;
  let work: string;
  let document: Record<string, unknown>;

  before(async () => {
    app = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'mld-openapi-'));
    const response = await app.request<Record<string, unknown>>('GET', '/api/openapi.json');
    assert.equal(response.status, 200);
    document = response.body;
  });

  after(async () => {
    await app?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('passes Redocly CLI with its recommended rules (redocly.yaml), warnings included', () => {
    const file = join(work, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const run = spawnSync(process.execPath, [REDOCLY_CLI, 'lint', file, `--config=${REDOCLY_CONFIG}`, '--format=json'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    assert.equal(run.error, undefined, `redocly did not run: ${run.error?.message}`);
    const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer?: string }[] }[] };
    const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`);
    assert.deepEqual(problems, [], 'Redocly found problems');
    assert.equal(report.totals.errors + report.totals.warnings, 0);
    assert.equal(run.status, 0, run.stderr);
  });

  it('declares the public routes public and every other operation behind the bearer token', () => {
    const paths = document['paths'] as Record<string, Record<string, { security?: unknown[] }>>;
    const publicOps: string[] = [];
    const optionalAuth: string[] = [];
    const whipToken: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        assert.ok(Array.isArray(operation.security), `${name} has no security`);
        if (operation.security.length === 0) publicOps.push(name);
        else if (JSON.stringify(operation.security) === '[{"whip":[]}]') whipToken.push(name);
        else if (operation.security.length === 2) {
          assert.deepEqual(operation.security, [{ bearer: [] }, {}], name);
          optionalAuth.push(name);
        } else assert.deepEqual(operation.security, [{ bearer: [] }], name);
      }
    }
    assert.deepEqual(publicOps.sort(), ['GET /api/health', 'POST /api/auth/login']);
    // A viewer token, unless METRICS_PUBLIC opens it.
    assert.deepEqual(optionalAuth, ['GET /metrics']);
    // Publishers carry the WHIP input's own token, not a user's.
    assert.deepEqual(whipToken.sort(), ['DELETE /api/channels/{id}/whip/{sessionId}', 'POST /api/channels/{id}/whip']);
  });

  it('generates a typed client that compiles and works against the running service', async () => {
    // defaultNonNullable off: a request field with a default (input_type, enabled) stays optional to send.
    const schema = astToString(await openapiTS(document as never, { defaultNonNullable: false }));
    writeFileSync(join(work, 'schema.d.ts'), schema);
    const clientFile = join(work, 'client.ts');
    writeFileSync(clientFile, CLIENT_SOURCE);
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: false,
    };
    const program = ts.createProgram([clientFile], options);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(diagnostics, [], 'the generated client does not compile');

    const js = ts.transpileModule(CLIENT_SOURCE, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
    const jsFile = join(work, 'client.mjs');
    writeFileSync(jsFile, js);
    const client = (await import(pathToFileURL(jsFile).href)) as { run(base: string, u: string, p: string): Promise<{ nodeVersion: string; database: string; names: string[]; outputProtocol: string; outputUrl: string }> };
    const result = await client.run(app.url, ADMIN.username, ADMIN.password);
    assert.equal(result.nodeVersion, process.versions.node);
    assert.equal(result.database, 'up');
    assert.ok(result.names.includes('typed-client'));
    assert.equal(result.outputProtocol, 'srt');
    assert.equal(result.outputUrl, 'srt://127.0.0.1:45998?latency=200');
  });
});
