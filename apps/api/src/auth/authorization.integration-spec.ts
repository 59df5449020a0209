import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse, CreatedApiTokenResponse, ErrorResponse, OutputResponse, Role } from '@mld/contracts';
import { startTestApp, tokenForRole, type TestApp } from '../testing/test-app.js';

type Access = 'public' | 'any' | Role;

interface RouteCase {
  method: string;
  /** Builds the path (creating whatever the call needs) with an admin token. */
  path: (admin: string) => Promise<string> | string;
  body?: () => unknown;
  /** Least role allowed; 'any' = any authenticated principal, 'public' = no token needed. */
  access: Access;
  /** Allowed callers may get 409 (e.g. retry of an output whose channel is not running). */
  conflictOk?: boolean;
  /** Allowed callers may get 404 (a route whose fixture is costly to make: the permission check comes first). */
  notFoundOk?: boolean;
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

describe('authorization: every route × every role (real PostgreSQL)', () => {
  let app: TestApp;
  let admin: string;
  let tokens: Record<Role, string>;
  let seq = 0;

  // Ports come from one sequence below the ephemeral range, not one freeUdpPort() per channel: two
  // ephemeral picks can repeat (~3 % over ~80 channels), and the second create is then refused with 409.
  const portBase = 21_000;
  const created = (result: { status: number; body: unknown }, what: string): void => {
    assert.equal(result.status, 201, `fixture ${what} not created: ${result.status} ${JSON.stringify(result.body)}`);
  };
  const newChannel = async (input?: Record<string, unknown>): Promise<ChannelWithOutputsResponse> => {
    seq += 1;
    const body = input ? { name: `matrix-${seq}`, input } : { name: `matrix-${seq}`, bind_ip: '127.0.0.1', port: portBase + seq };
    const result = await app.request<ChannelWithOutputsResponse>('POST', '/api/channels', { token: admin, body });
    created(result, `channel matrix-${seq}`);
    return result.body;
  };
  const newOutput = async (): Promise<OutputResponse & { channel: string }> => {
    const channel = await newChannel();
    const output = await app.request<OutputResponse>('POST', `/api/channels/${channel.id}/outputs`, {
      token: admin,
      body: { protocol: 'rtmp', url: 'rtmp://a.rtmp.youtube.com/live2/secret-key-123' },
    });
    return { ...output.body, channel: channel.id };
  };
  const newUser = async (): Promise<string> => {
    seq += 1;
    const result = await app.request<{ id: string }>('POST', '/api/users', { token: admin, body: { username: `someone-${seq}`, password: 'password-123', role: 'viewer' } });
    return result.body.id;
  };

  const routes: RouteCase[] = [
    { method: 'GET', path: () => '/api/health', access: 'public' },
    { method: 'GET', path: () => '/api/auth/me', access: 'any' },
    { method: 'GET', path: () => '/api/channels', access: 'viewer' },
    { method: 'GET', path: async () => `/api/channels/${(await newChannel()).id}`, access: 'viewer' },
    { method: 'POST', path: () => '/api/channels', body: () => ({ name: `created-${++seq}`, bind_ip: '127.0.0.1', port: portBase + seq }), access: 'admin' },
    { method: 'POST', path: async () => `/api/channels/${(await newChannel({ type: 'rtmp' })).id}/input/rotate-key`, access: 'admin' },
    {
      method: 'POST',
      path: async () => {
        seq += 1;
        const body = { name: `pair-${seq}`, input: { type: 'rtp', bind_ip: '127.0.0.1', port: portBase + 500 + seq * 2 }, backup_input: { type: 'rtp', bind_ip: '127.0.0.1', port: portBase + 501 + seq * 2 } };
        const result = await app.request<ChannelWithOutputsResponse>('POST', '/api/channels', { token: admin, body });
        created(result, body.name);
        return `/api/channels/${result.body.id}/input/switch`;
      },
      body: () => ({ to: 'backup' }),
      access: 'operator',
    },
    { method: 'PATCH', path: async () => `/api/channels/${(await newChannel()).id}`, body: () => ({ description: 'x' }), access: 'admin' },
    { method: 'DELETE', path: async () => `/api/channels/${(await newChannel()).id}`, access: 'admin' },
    { method: 'POST', path: async () => `/api/channels/${(await newChannel()).id}/start`, access: 'operator' },
    { method: 'POST', path: async () => `/api/channels/${(await newChannel()).id}/stop`, access: 'operator' },
    { method: 'GET', path: async () => `/api/channels/${(await newChannel()).id}/outputs`, access: 'viewer' },
    { method: 'POST', path: async () => `/api/channels/${(await newChannel()).id}/outputs`, body: () => ({ protocol: 'srt', url: 'srt://127.0.0.1:9000' }), access: 'operator' },
    { method: 'GET', path: async () => { const o = await newOutput(); return `/api/channels/${o.channel}/outputs/${o.id}`; }, access: 'viewer' },
    { method: 'PATCH', path: async () => { const o = await newOutput(); return `/api/channels/${o.channel}/outputs/${o.id}`; }, body: () => ({ name: 'renamed' }), access: 'operator' },
    { method: 'DELETE', path: async () => { const o = await newOutput(); return `/api/channels/${o.channel}/outputs/${o.id}`; }, access: 'operator' },
    { method: 'POST', path: async () => { const o = await newOutput(); return `/api/channels/${o.channel}/outputs/${o.id}/start`; }, access: 'operator' },
    { method: 'POST', path: async () => { const o = await newOutput(); return `/api/channels/${o.channel}/outputs/${o.id}/stop`; }, access: 'operator' },
    { method: 'POST', path: async () => `/api/channels/${(await newChannel()).id}/outputs/start-all`, access: 'operator' },
    { method: 'POST', path: async () => `/api/channels/${(await newChannel()).id}/outputs/stop-all`, access: 'operator' },
    { method: 'GET', path: () => '/api/users', access: 'admin' },
    { method: 'POST', path: () => '/api/users', body: () => ({ username: `made-${++seq}`, password: 'password-123', role: 'viewer' }), access: 'admin' },
    { method: 'GET', path: async () => `/api/users/${await newUser()}`, access: 'admin' },
    { method: 'PATCH', path: async () => `/api/users/${await newUser()}`, body: () => ({ role: 'operator' }), access: 'admin' },
    { method: 'DELETE', path: async () => `/api/users/${await newUser()}`, access: 'admin' },
    { method: 'GET', path: () => '/api/tokens', access: 'admin' },
    { method: 'POST', path: () => '/api/tokens', body: () => ({ name: 'automation', role: 'viewer' }), access: 'admin' },
    {
      method: 'DELETE',
      path: async (a) => `/api/tokens/${(await app.request<{ id: string }>('POST', '/api/tokens', { token: a, body: { name: 'to-revoke', role: 'viewer' } })).body.id}`,
      access: 'admin',
    },
    { method: 'GET', path: () => '/api/audit', access: 'admin' },
    { method: 'GET', path: () => '/api/status', access: 'viewer' },
    { method: 'GET', path: async () => `/api/channels/${(await newChannel()).id}/status`, access: 'viewer' },
    { method: 'GET', path: async () => `/api/channels/${(await newChannel()).id}/scte35`, access: 'viewer' },
    { method: 'GET', path: () => '/api/events', access: 'viewer' },
    { method: 'POST', path: async () => { const o = await newOutput(); return `/api/channels/${o.channel}/outputs/${o.id}/retry`; }, access: 'operator', conflictOk: true },
    { method: 'GET', path: async () => `/api/channels/${(await newChannel()).id}/preview/index.m3u8`, access: 'viewer', conflictOk: true },
    { method: 'GET', path: () => '/metrics', access: 'viewer' },
    { method: 'GET', path: () => '/api/limits', access: 'viewer' },
    { method: 'PUT', path: () => '/api/limits', body: () => ({ max_channels: 10_000 }), access: 'admin' },
    { method: 'GET', path: () => '/api/medialive/status', access: 'viewer' },
    { method: 'GET', path: () => '/api/media', access: 'viewer' },
    { method: 'GET', path: () => '/api/media/00000000-0000-4000-8000-000000000000', access: 'viewer', notFoundOk: true },
    { method: 'DELETE', path: () => '/api/media/00000000-0000-4000-8000-000000000000', access: 'admin', notFoundOk: true },
  ];

  before(async () => {
    app = await startTestApp();
    admin = await app.login();
    tokens = { viewer: await tokenForRole(app, admin, 'viewer'), operator: await tokenForRole(app, admin, 'operator'), admin };
    // The matrix creates a channel per call (~80): far from a real node's use, so above the default limit.
    await app.request('PUT', '/api/limits', { token: admin, body: { max_channels: 10_000 } });
  });
  after(async () => app?.close());

  for (const route of routes) {
    it(`${route.method} ${route.access === 'public' ? '(public)' : `needs ${route.access}`}: ${route.path.toString().match(/\/(api|metrics)[\w/${}.()-]*/)?.[0] ?? ''}`, async () => {
      const anonymous = await app.request(route.method, await route.path(admin), { body: route.body?.() });
      if (route.access === 'public') assert.ok(anonymous.status < 400, `public route answered ${anonymous.status}`);
      else assert.equal(anonymous.status, 401, 'no token must be 401');

      for (const role of ['viewer', 'operator', 'admin'] as Role[]) {
        const path = await route.path(admin);
        const result = await app.request<ErrorResponse>(route.method, path, { token: tokens[role], body: route.body?.() });
        const allowed = route.access === 'public' || route.access === 'any' || RANK[role] >= RANK[route.access as Role];
        const ok =
          (result.status >= 200 && result.status < 300) || (route.conflictOk === true && result.status === 409) || (route.notFoundOk === true && result.status === 404);
        if (allowed) assert.ok(ok, `${role} ${route.method} ${path}: expected 2xx, got ${result.status} ${JSON.stringify(result.body)}`);
        else {
          assert.equal(result.status, 403, `${role} ${route.method} ${path}: expected 403, got ${result.status}`);
          assert.match(result.body.message, new RegExp(`role "${role}" lacks permission`));
        }
      }
    });
  }

  it('masks stream keys and passphrases for viewers, shows them to operators', async () => {
    const channel = await newChannel();
    await app.request('POST', `/api/channels/${channel.id}/outputs`, { token: admin, body: { protocol: 'rtmp', url: 'rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl' } });
    await app.request('POST', `/api/channels/${channel.id}/outputs`, { token: admin, body: { protocol: 'srt', url: 'srt://127.0.0.1:9?passphrase=supersecret123', options: { streamid: 'publish/key-987' } } });
    // A single path segment is all key (rtmp://host:1935/KEY): it was shown whole.
    await app.request('POST', `/api/channels/${channel.id}/outputs`, { token: admin, body: { protocol: 'rtmp', url: 'rtmp://127.0.0.1:1935/single-seg-key-55' } });
    const viewerView = await app.request<ChannelWithOutputsResponse>('GET', `/api/channels/${channel.id}`, { token: tokens.viewer });
    const text = JSON.stringify(viewerView.body);
    for (const secret of ['abcd-efgh-ijkl', 'supersecret123', 'key-987', 'single-seg-key-55']) assert.ok(!text.includes(secret), `viewer sees ${secret}`);
    assert.ok(text.includes('rtmp://127.0.0.1:1935/****'));
    assert.ok(viewerView.body.outputs.every((o) => o.secrets_masked));
    assert.ok(text.includes('rtmp://a.rtmp.youtube.com/live2/****'));
    const viewerList = JSON.stringify((await app.request('GET', '/api/channels', { token: tokens.viewer })).body);
    assert.ok(!viewerList.includes('abcd-efgh-ijkl') && !viewerList.includes('supersecret123'));
    const operatorView = JSON.stringify((await app.request('GET', `/api/channels/${channel.id}`, { token: tokens.operator })).body);
    assert.ok(operatorView.includes('abcd-efgh-ijkl') && operatorView.includes('supersecret123') && operatorView.includes('single-seg-key-55'));
  });

  it('API tokens work like logins, keep their role, and stop working when revoked', async () => {
    const created = await app.request<CreatedApiTokenResponse>('POST', '/api/tokens', { token: admin, body: { name: 'ci', role: 'operator' } });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^mld_/);
    const channel = await newChannel();
    assert.equal((await app.request('POST', `/api/channels/${channel.id}/start`, { token: created.body.token })).status, 200);
    assert.equal((await app.request('DELETE', `/api/channels/${channel.id}`, { token: created.body.token })).status, 403);
    const listed = await app.request<Array<{ id: string; prefix: string }>>('GET', '/api/tokens', { token: admin });
    const listedText = JSON.stringify(listed.body);
    assert.ok(!listedText.includes(created.body.token), 'token listed in clear');
    assert.ok(listed.body.some((t) => t.id === created.body.id && created.body.token.startsWith(t.prefix)));
    const stored = await app.running.app.get((await import('typeorm')).DataSource).query('SELECT token_hash FROM api_tokens WHERE id = $1', [created.body.id]);
    assert.notEqual(stored[0].token_hash, created.body.token);
    assert.equal((await app.request('DELETE', `/api/tokens/${created.body.id}`, { token: admin })).status, 200);
    const after = await app.request<ErrorResponse>('GET', '/api/channels', { token: created.body.token });
    assert.equal(after.status, 401);
    assert.match(after.body.message, /revoked/);
  });

  it('rejects forged, malformed and expired credentials with 401', async () => {
    for (const header of ['Bearer nonsense', 'Bearer mld_forged', 'Basic YWRtaW46YWRtaW4=', `Bearer ${admin.slice(0, -3)}abc`]) {
      const response = await fetch(`${app.url}/api/channels`, { headers: { authorization: header } });
      assert.equal(response.status, 401, header);
    }
  });

  it('lets every user change their own password, which ends older sessions', async () => {
    await app.request('POST', '/api/users', { token: admin, body: { username: 'changer', password: 'first-password', role: 'viewer' } });
    const session = await app.login('changer', 'first-password');
    const wrong = await app.request<ErrorResponse>('POST', '/api/auth/password', { token: session, body: { current_password: 'nope', new_password: 'second-password' } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors?.[0]?.field, 'current_password');
    await new Promise((r) => setTimeout(r, 1100)); // JWT iat has one-second resolution
    const changed = await app.request('POST', '/api/auth/password', { token: session, body: { current_password: 'first-password', new_password: 'second-password' } });
    assert.equal(changed.status, 204);
    assert.equal((await app.request('GET', '/api/auth/me', { token: session })).status, 401);
    assert.equal((await app.request('POST', '/api/auth/login', { body: { username: 'changer', password: 'first-password' } })).status, 401);
    const fresh = await app.login('changer', 'second-password');
    assert.equal((await app.request('GET', '/api/auth/me', { token: fresh })).status, 200);
  });

  it('protects the last admin and refuses duplicate usernames', async () => {
    const me = await app.request<{ id: string }>('GET', '/api/auth/me', { token: admin });
    const selfDelete = await app.request<ErrorResponse>('DELETE', `/api/users/${me.body.id}`, { token: admin });
    assert.equal(selfDelete.status, 409);
    const dup = await app.request<ErrorResponse>('POST', '/api/users', { token: admin, body: { username: 'admin', password: 'password-123', role: 'viewer' } });
    assert.equal(dup.status, 409);
    const weak = await app.request<ErrorResponse>('POST', '/api/users', { token: admin, body: { username: 'weak', password: 'short', role: 'viewer' } });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.errors?.[0]?.field, 'password');
  });

  it('audits every change with who made it and never stores a secret', async () => {
    const channel = await newChannel();
    await app.request('POST', `/api/channels/${channel.id}/outputs`, { token: tokens.operator, body: { protocol: 'srt', url: 'srt://127.0.0.1:9?passphrase=audit-secret-42' } });
    await app.request('POST', '/api/users', { token: admin, body: { username: 'audited', password: 'audit-password-77', role: 'viewer' } });
    const audit = await app.request<Array<{ actor_name: string; path: string; status_code: number; details: unknown }>>('GET', '/api/audit?limit=500', { token: admin });
    assert.equal(audit.status, 200);
    const text = JSON.stringify(audit.body);
    for (const secret of ['audit-secret-42', 'audit-password-77', 'password-123', 'admin-password-for-tests']) assert.ok(!text.includes(secret), `audit holds ${secret}`);
    const outputRecord = audit.body.find((r) => r.path === `/api/channels/${channel.id}/outputs`);
    assert.ok(outputRecord, 'output creation not audited');
    assert.ok(outputRecord.actor_name.startsWith('operator-'));
    assert.equal(outputRecord.status_code, 201);
    const refused = audit.body.find((r) => r.status_code === 403);
    assert.ok(refused, 'refused requests are audited too');
  });
});

describe('login rate limit', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '5' });
  });
  after(async () => app?.close());

  it('answers 429 after too many attempts, with a useful message', async () => {
    const statuses: number[] = [];
    let last: ErrorResponse | undefined;
    for (let i = 0; i < 7; i++) {
      const result = await app.request<ErrorResponse>('POST', '/api/auth/login', { body: { username: 'admin', password: 'wrong' } });
      statuses.push(result.status);
      last = result.body;
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    assert.match(last!.message, /try again in \d+ s/);
  });
});
