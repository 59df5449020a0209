// The audit log as an attacker and a careless client meet it, on the real app and PostgreSQL:
// anonymous callers cannot fill it, name the actor or store their bodies; every change has its
// record; text PostgreSQL cannot store, control characters and absurd JSON get a 400 naming the
// field before anything changes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse, ErrorResponse } from '@mld/contracts';
import { DataSource } from 'typeorm';
import { freeUdpPort, startTestApp, type TestApp } from '../testing/test-app.js';
import { AuditService } from './audit.service.js';

const NOT_RECORDED_ACTION = 'audit.anonymous_not_recorded';

interface AuditRow {
  actor_type: string;
  actor_name: string;
  attempted_username: string | null;
  path: string;
  action: string;
  status_code: number;
  details: unknown;
  details_truncated: boolean;
}

describe('audit integrity and input hygiene (real PostgreSQL)', () => {
  let app: TestApp;
  let admin: string;
  let seq = 0;

  const auditRows = async (): Promise<AuditRow[]> => (await app.request<AuditRow[]>('GET', '/api/audit?limit=500', { token: admin })).body;
  const newChannel = async (): Promise<ChannelWithOutputsResponse> => {
    seq += 1;
    const created = await app.request<ChannelWithOutputsResponse>('POST', '/api/channels', { token: admin, body: { name: `integrity-${seq}`, bind_ip: '127.0.0.1', port: await freeUdpPort() } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  };
  const fieldsOf = (body: ErrorResponse) => (body.errors ?? []).map((e) => e.field);

  before(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  after(async () => app?.close());

  it('keeps no body of an anonymous request: 216 KB with 9,000 keys to an unknown route', async () => {
    const body: Record<string, string> = {};
    for (let i = 0; i < 9000; i++) body[`k${i}`] = 'x'.repeat(16);
    const raw = JSON.stringify(body);
    assert.ok(raw.length > 200_000);
    const result = await app.request('POST', '/api/no-such-route', { rawBody: raw });
    assert.ok(result.status === 404 || result.status === 400, String(result.status));
    // Under the parser's key cap, the request reaches the router and is recorded, without its body.
    const fewer: Record<string, string> = {};
    for (let i = 0; i < 900; i++) fewer[`k${i}`] = 'x'.repeat(230);
    assert.equal((await app.request('POST', '/api/no-such-route', { body: fewer })).status, 404);
    const rows = (await auditRows()).filter((r) => r.path === '/api/no-such-route');
    assert.ok(rows.length >= 1, 'the anonymous request is not recorded at all');
    for (const row of rows) {
      assert.equal(row.details, null);
      assert.equal(row.actor_type, 'anonymous');
    }
    assert.ok(JSON.stringify(await auditRows()).length < 50_000, 'the audit log holds the anonymous body');
  });

  it('bounds the body it keeps for an authenticated caller, and marks the cut', async () => {
    const body: Record<string, string> = { name: 'bounded' };
    for (let i = 0; i < 200; i++) body[`field${i}`] = 'y'.repeat(400);
    const result = await app.request<ErrorResponse>('POST', '/api/channels', { token: admin, body });
    assert.equal(result.status, 400);
    const row = (await auditRows()).find((r) => r.path === '/api/channels' && r.status_code === 400);
    assert.ok(row, 'the refused creation is audited');
    assert.equal(row.details_truncated, true);
    assert.ok(JSON.stringify(row.details).length <= 10_000, `details are ${JSON.stringify(row.details).length} characters`);
    assert.ok(Object.keys(row.details as object).length <= 51);
  });

  it('never lets an anonymous caller name the actor; a failed login keeps the username apart', async () => {
    const refused = await app.request('POST', '/api/channels', { body: { username: 'admin', name: 'x' } });
    assert.equal(refused.status, 401);
    const failed = await app.request('POST', '/api/auth/login', { body: { username: 'admin', password: 'not-the-password' } });
    assert.equal(failed.status, 401);
    const rows = await auditRows();
    const refusedRow = rows.find((r) => r.path === '/api/channels' && r.status_code === 401);
    assert.ok(refusedRow, 'the refused request is audited');
    assert.equal(refusedRow.actor_name, 'anonymous');
    assert.equal(refusedRow.actor_type, 'anonymous');
    assert.equal(refusedRow.details, null);
    const loginRow = rows.find((r) => r.path === '/api/auth/login' && r.status_code === 401);
    assert.ok(loginRow, 'the failed login is audited');
    assert.equal(loginRow.actor_name, 'anonymous');
    assert.equal(loginRow.attempted_username, 'admin');
    assert.equal(loginRow.details, null);
    const okRow = rows.find((r) => r.path === '/api/auth/login' && r.status_code === 200);
    assert.ok(okRow, 'the successful login is audited');
    assert.equal(okRow.actor_name, 'admin');
    assert.equal(okRow.actor_type, 'user');
  });

  it('refuses control characters in every name, description and username with a 400 naming the field', async () => {
    const channel = await newChannel();
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/channels', { name: 'red\u001b[31mname', bind_ip: '127.0.0.1', port: 40001 }, 'name'],
      ['PATCH', `/api/channels/${channel.id}`, { description: 'bell\u0007' }, 'description'],
      ['PATCH', `/api/channels/${channel.id}`, { name: 'c1\u009bname' }, 'name'],
      ['POST', `/api/channels/${channel.id}/outputs`, { protocol: 'srt', url: 'srt://127.0.0.1:9000', name: 'del\u007f' }, 'name'],
      ['POST', '/api/tokens', { name: 'esc\u001b]0;pwned\u0007', role: 'viewer' }, 'name'],
      ['POST', '/api/users', { username: 'bob\u001b', password: 'password-123', role: 'viewer' }, 'username'],
      ['POST', '/api/auth/login', { username: 'admin\u001b[2J', password: 'x' }, 'username'],
    ];
    for (const [method, path, body, field] of cases) {
      const result = await app.request<ErrorResponse>(method, path, { token: admin, body });
      assert.equal(result.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${result.status}`);
      assert.ok(fieldsOf(result.body).includes(field), `${method} ${path}: ${JSON.stringify(result.body)}`);
    }
    const after = await app.request<ChannelWithOutputsResponse>('GET', `/api/channels/${channel.id}`, { token: admin });
    assert.equal(after.body.name, channel.name);
    assert.equal(after.body.description, channel.description);
    assert.equal(after.body.outputs.length, 0);
  });

  it('refuses text PostgreSQL cannot store (lone surrogate, NUL) with a 400 before anything changes', async () => {
    const channel = await newChannel();
    const surrogate = await app.request<ErrorResponse>('PATCH', `/api/channels/${channel.id}`, { token: admin, rawBody: '{"description":"half \\ud800 a pair"}' });
    assert.equal(surrogate.status, 400);
    assert.ok(fieldsOf(surrogate.body).includes('description'), JSON.stringify(surrogate.body));
    const nul = await app.request<ErrorResponse>('PATCH', `/api/channels/${channel.id}`, { token: admin, rawBody: '{"description":"nul \\u0000 here"}' });
    assert.equal(nul.status, 400);
    assert.ok(fieldsOf(nul.body).includes('description'), JSON.stringify(nul.body));
    const optionNul = await app.request<ErrorResponse>('POST', `/api/channels/${channel.id}/outputs`, { token: admin, rawBody: '{"protocol":"srt","url":"srt://127.0.0.1:9000","options":{"streamid":"a\\u0000b"}}' });
    assert.equal(optionNul.status, 400);
    assert.ok(fieldsOf(optionNul.body).includes('options.streamid'), JSON.stringify(optionNul.body));
    const after = await app.request<ChannelWithOutputsResponse>('GET', `/api/channels/${channel.id}`, { token: admin });
    assert.equal(after.body.description, channel.description);
    assert.equal(after.body.outputs.length, 0);
  });

  it('answers a NUL in the login username with a 400, not a 500', async () => {
    const result = await app.request<ErrorResponse>('POST', '/api/auth/login', { rawBody: '{"username":"ad\\u0000min","password":"x"}' });
    assert.equal(result.status, 400);
    assert.ok(fieldsOf(result.body).includes('username'), JSON.stringify(result.body));
  });

  it('answers 5,000 levels of nesting, huge arrays and prototype keys with a 400 and keeps serving', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    for (const [path, token] of [['/api/channels', admin], ['/api/no-such-route', undefined], ['/api/auth/login', undefined]] as const) {
      const result = await app.request<ErrorResponse>('POST', path, { token, rawBody: deep });
      assert.equal(result.status, 400, `${path}: ${result.status} ${JSON.stringify(result.body)}`);
      assert.ok(fieldsOf(result.body).includes('body'), JSON.stringify(result.body));
      const arrays = await app.request<ErrorResponse>('POST', path, { token, rawBody: `${'['.repeat(5000)}${']'.repeat(5000)}` });
      assert.equal(arrays.status, 400, `${path} (arrays): ${arrays.status}`);
    }
    const huge = await app.request<ErrorResponse>('POST', '/api/channels', { token: admin, rawBody: JSON.stringify(Array.from({ length: 60_000 }, (_, i) => i)) });
    assert.ok(huge.status === 400 || huge.status === 413, String(huge.status));
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const raw = `{"name":"proto-${key}","bind_ip":"127.0.0.1","port":40002,"${key}":{"polluted":true}}`;
      const result = await app.request<ErrorResponse>('POST', '/api/channels', { token: admin, rawBody: raw });
      assert.equal(result.status, 400, `${key}: ${result.status} ${JSON.stringify(result.body)}`);
      assert.ok(fieldsOf(result.body).includes(key), JSON.stringify(result.body));
    }
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal((await app.request('GET', '/api/health')).status, 200);
  });

  it('records the change of a principal whose name fills the column (token named with 100 characters)', async () => {
    const token = await app.request<{ token: string }>('POST', '/api/tokens', { token: admin, body: { name: 'n'.repeat(100), role: 'admin' } });
    assert.equal(token.status, 201);
    const created = await app.request<ChannelWithOutputsResponse>('POST', '/api/channels', { token: token.body.token, body: { name: 'by-long-token', bind_ip: '127.0.0.1', port: await freeUdpPort() } });
    assert.equal(created.status, 201);
    const row = (await auditRows()).find((r) => r.path === '/api/channels' && r.status_code === 201 && r.actor_type === 'token');
    assert.ok(row, 'the change by the token is not in the audit log');
  });

  it('refuses a change whose audit record cannot be written, and applies nothing', async () => {
    const db = app.running.app.get(DataSource);
    await db.query(`ALTER TABLE audit_records ADD CONSTRAINT test_refuse_channel_records CHECK (path <> '/api/channels') NOT VALID`);
    try {
      const result = await app.request<ErrorResponse>('POST', '/api/channels', { token: admin, body: { name: 'unaudited', bind_ip: '127.0.0.1', port: await freeUdpPort() } });
      assert.ok(result.status >= 500, `the change went through without its record: ${result.status}`);
    } finally {
      await db.query(`ALTER TABLE audit_records DROP CONSTRAINT test_refuse_channel_records`);
    }
    const channels = await app.request<ChannelWithOutputsResponse[]>('GET', '/api/channels', { token: admin });
    assert.ok(!channels.body.some((c) => c.name === 'unaudited'), 'the channel was created without an audit record');
    const row = (await auditRows()).find((r) => r.path === '/api/channels' && r.status_code === 201);
    assert.ok(row, 'changes are audited again once the log can be written');
  });

  // Last: it spends this app's anonymous budget.
  it('bounds what an anonymous flood writes, and says how much it left out', async () => {
    const before = (await auditRows()).length;
    for (let i = 0; i < 300; i++) {
      const result = await app.request('POST', '/api/flood-target', { body: { i } });
      assert.equal(result.status, 404);
    }
    await (app.running.app.get(AuditService) as unknown as { flushNotRecorded?: () => Promise<void> }).flushNotRecorded?.();
    const rows = await auditRows();
    const flood = rows.filter((r) => r.path === '/api/flood-target');
    assert.ok(flood.length <= 25, `${flood.length} records for 300 anonymous requests`);
    assert.ok(rows.length - before <= 30);
    const summary = rows.find((r) => r.action === NOT_RECORDED_ACTION);
    assert.ok(summary, 'no record says how many requests were left out');
    assert.ok((summary.details as { not_recorded: number }).not_recorded >= 275, JSON.stringify(summary.details));
  });
});
