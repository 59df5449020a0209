import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse, ErrorResponse, OutputResponse } from '@mld/contracts';
import { freeUdpPort, startTestApp, type TestApp } from '../testing/test-app.js';

describe('channels and outputs API (real PostgreSQL)', () => {
  let app: TestApp;
  let token: string;

  before(async () => {
    app = await startTestApp();
    token = await app.login();
  });
  after(async () => app?.close());

  const post = <T>(path: string, body: unknown) => app.request<T>('POST', path, { token, body });

  it('runs the seed quick reference unchanged', async () => {
    const health = await app.request<{ status: string; database: { status: string } }>('GET', '/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.database.status, 'up');

    // The seed's shape, on loopback addresses and a free port: starting the channel really binds it.
    const [inPort, outPort] = [await freeUdpPort(), await freeUdpPort()];
    const created = await post<ChannelWithOutputsResponse>('/api/channels', { name: 'seed-channel', rtp_ip: '127.0.0.1', rtp_port: inPort });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.rtp_ip, '127.0.0.1');
    assert.equal(created.body.rtp_port, inPort);
    assert.equal(created.body.bind_ip, '127.0.0.1');
    assert.equal(created.body.input_type, 'rtp');
    assert.equal(created.body.desired_state, 'stopped');
    const id = created.body.id;

    const list = await app.request<ChannelWithOutputsResponse[]>('GET', '/api/channels', { token });
    assert.equal(list.status, 200);
    assert.ok(list.body.some((c) => c.id === id));

    const output = await post<OutputResponse>(`/api/channels/${id}/outputs`, { protocol: 'srt', url: `srt://127.0.0.1:${outPort}?latency=2000` });
    assert.equal(output.status, 201, JSON.stringify(output.body));
    assert.equal(output.body.protocol, 'srt');
    assert.equal(output.body.channel_id, id);
    assert.equal(output.body.desired_state, 'running');

    const started = await post<ChannelWithOutputsResponse>(`/api/channels/${id}/start`, undefined);
    assert.equal(started.status, 200);
    assert.equal(started.body.desired_state, 'running');
    assert.ok(started.body.runtime, 'a started channel reports its live state');
    assert.ok(['starting', 'no_signal'].includes(started.body.runtime.state), started.body.runtime.state);
    const stopped = await post<ChannelWithOutputsResponse>(`/api/channels/${id}/stop`, undefined);
    assert.equal(stopped.body.desired_state, 'stopped');

    const removed = await app.request('DELETE', `/api/channels/${id}/outputs/${output.body.id}`, { token });
    assert.equal(removed.status, 204);
    const after = await app.request<ChannelWithOutputsResponse>('GET', `/api/channels/${id}`, { token });
    assert.deepEqual(after.body.outputs, []);
  });

  it('edits channels and outputs with PATCH, per-output and master start/stop', async () => {
    const channel = (await post<ChannelWithOutputsResponse>('/api/channels', { name: 'edit-me', bind_ip: '127.0.0.1', port: 5100, input_type: 'udp' })).body;
    const patched = await app.request<ChannelWithOutputsResponse>('PATCH', `/api/channels/${channel.id}`, { token, body: { name: 'edited', port: 5101 } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.name, 'edited');
    assert.equal(patched.body.port, 5101);
    assert.equal(patched.body.input_type, 'udp');

    const a = (await post<OutputResponse>(`/api/channels/${channel.id}/outputs`, { protocol: 'udp', url: 'udp://239.1.1.1:6000', options: { ttl: 4 }, name: 'mcast' })).body;
    const b = (await post<OutputResponse>(`/api/channels/${channel.id}/outputs`, { protocol: 'rtmp', url: 'rtmp://live.example.com/app/key-1' })).body;
    assert.equal(b.name, 'rtmp live.example.com:1935');
    const edited = await app.request<OutputResponse>('PATCH', `/api/channels/${channel.id}/outputs/${a.id}`, { token, body: { options: { ttl: 8 }, enabled: false } });
    assert.equal(edited.status, 200);
    assert.deepEqual(edited.body.options, { ttl: 8 });
    assert.equal(edited.body.enabled, false);

    const refused = await post<ErrorResponse>(`/api/channels/${channel.id}/outputs/${a.id}/start`, undefined);
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /disabled/);

    const stopAll = await post<OutputResponse[]>(`/api/channels/${channel.id}/outputs/stop-all`, undefined);
    assert.equal(stopAll.status, 200);
    assert.deepEqual(stopAll.body.map((o) => o.desired_state), ['running', 'stopped'].map((_, i) => (i === 0 ? 'running' : 'stopped')));
    const startAll = await post<OutputResponse[]>(`/api/channels/${channel.id}/outputs/start-all`, undefined);
    assert.deepEqual(startAll.body.map((o) => [o.name, o.desired_state]), [['mcast', 'running'], [b.name, 'running']]);
    const stopOne = await post<OutputResponse>(`/api/channels/${channel.id}/outputs/${b.id}/stop`, undefined);
    assert.equal(stopOne.body.desired_state, 'stopped');
    const got = await app.request<OutputResponse>('GET', `/api/channels/${channel.id}/outputs/${b.id}`, { token });
    assert.equal(got.body.desired_state, 'stopped');
  });

  it('refuses bad input with 400 naming the field, and changes nothing', async () => {
    const channel = (await post<ChannelWithOutputsResponse>('/api/channels', { name: 'validation', rtp_ip: '0.0.0.0', rtp_port: 5200 })).body;
    const before = await app.request('GET', '/api/channels', { token });
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['/api/channels', { name: 'x', rtp_ip: '0.0.0.0', rtp_port: 70000 }, 'rtp_port', /not be greater than 65535/],
      ['/api/channels', { name: 'x', rtp_ip: '0.0.0.0', rtp_port: 0 }, 'rtp_port', /not be less than 1/],
      ['/api/channels', { name: 'x', rtp_ip: '10.0.0.300', rtp_port: 5000 }, 'rtp_ip', /IPv4/],
      ['/api/channels', { name: 'x', rtp_ip: '0.0.0.0', rtp_port: '5000' }, 'rtp_port', /integer/],
      ['/api/channels', { rtp_ip: '0.0.0.0', rtp_port: 5000 }, 'name', /name/],
      ['/api/channels', { name: '   ', rtp_ip: '0.0.0.0', rtp_port: 5000 }, 'name', /blank/],
      ['/api/channels', { name: 'x' }, 'bind_ip', /required/],
      ['/api/channels', { name: 'x', rtp_ip: '0.0.0.0', rtp_port: 5000, admin: true }, 'admin', /not a known field/],
      ['/api/channels', { name: 'x', rtp_ip: '0.0.0.0', rtp_port: 5000, input_type: 'hls' }, 'input_type', /one of rtp, udp/],
      [`/api/channels/${channel.id}/outputs`, { protocol: 'srt', url: 'http://evil.example.com/x' }, 'url', /scheme "http" is not allowed/],
      [`/api/channels/${channel.id}/outputs`, { protocol: 'srt', url: 'rtmp://host/app/key' }, 'url', /does not match protocol "srt"/],
      [`/api/channels/${channel.id}/outputs`, { protocol: 'ftp', url: 'ftp://host:21' }, 'protocol', /one of srt, rtmp, rtmps, udp, rtp/],
      [`/api/channels/${channel.id}/outputs`, { protocol: 'srt', url: 'srt://host:9000', options: { latency: 'soon' } }, 'options', /latency.*integer/],
      [`/api/channels/${channel.id}/outputs`, { protocol: 'srt', url: 'srt://host:9000?x=1' }, 'url', /option "x" is not supported/],
      [`/api/channels/${channel.id}/outputs`, { protocol: 'srt', url: 'srt://host:9000;reboot' }, 'url', /not a valid/],
      [`/api/channels/${channel.id}/outputs`, { protocol: 'srt', url: 'srt://host:9000', options: 'latency=1' }, 'options', /object/],
    ];
    for (const [path, body, field, message] of cases) {
      const result = await post<ErrorResponse>(path, body);
      assert.equal(result.status, 400, `${JSON.stringify(body)} → ${result.status} ${JSON.stringify(result.body)}`);
      assert.equal(result.body.code, 'VALIDATION_FAILED');
      const problem = result.body.errors?.find((e) => e.field === field && message.test(e.message));
      assert.ok(problem, `${JSON.stringify(body)}: no problem for field ${field} matching ${message} in ${JSON.stringify(result.body)}`);
    }
    const malformed = await app.request<ErrorResponse>('POST', '/api/channels', { token, rawBody: '{"name": "x", ' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.message, /not valid JSON/);
    const nullName = await app.request<ErrorResponse>('PATCH', `/api/channels/${channel.id}`, { token, body: { name: null } });
    assert.equal(nullName.status, 400, JSON.stringify(nullName.body));
    const after = await app.request('GET', '/api/channels', { token });
    assert.deepEqual(after.body, before.body, 'a rejected request changed data');
  });

  it('answers 404 for unknown or malformed ids, never 500', async () => {
    for (const path of ['/api/channels/00000000-0000-0000-0000-000000000000', '/api/channels/not-a-uuid', "/api/channels/1'; DROP TABLE channels;--"]) {
      const result = await app.request<ErrorResponse>('GET', encodeURI(path), { token });
      assert.equal(result.status, 404, path);
      assert.equal(result.body.code, 'NOT_FOUND');
    }
    const channel = (await post<ChannelWithOutputsResponse>('/api/channels', { name: 'lookup', rtp_ip: '0.0.0.0', rtp_port: 5300 })).body;
    const missingOutput = await app.request<ErrorResponse>('PATCH', `/api/channels/${channel.id}/outputs/00000000-0000-0000-0000-000000000000`, { token, body: { name: 'x' } });
    assert.equal(missingOutput.status, 404);
    assert.match(missingOutput.body.message, /output/);
    const wrongChannel = await post<ErrorResponse>('/api/channels/00000000-0000-0000-0000-000000000000/outputs', { protocol: 'srt', url: 'srt://h:1' });
    assert.equal(wrongChannel.status, 404);
    assert.match(wrongChannel.body.message, /channel/);
  });

  it('answers 409 for duplicate names and bind addresses already in use', async () => {
    const first = (await post<ChannelWithOutputsResponse>('/api/channels', { name: 'unique', bind_ip: '127.0.0.1', port: 5400 })).body;
    const dupName = await post<ErrorResponse>('/api/channels', { name: 'unique', bind_ip: '127.0.0.1', port: 5401 });
    assert.equal(dupName.status, 409);
    assert.equal(dupName.body.errors?.[0]?.field, 'name');
    const dupBind = await post<ErrorResponse>('/api/channels', { name: 'other', bind_ip: '127.0.0.1', port: 5400 });
    assert.equal(dupBind.status, 409);
    assert.match(dupBind.body.message, /already used by channel "unique"/);
    const wildcard = await post<ErrorResponse>('/api/channels', { name: 'wild', bind_ip: '0.0.0.0', port: 5400 });
    assert.equal(wildcard.status, 409);
    const otherAddress = await post<ChannelWithOutputsResponse>('/api/channels', { name: 'other-address', bind_ip: '127.0.0.2', port: 5400 });
    assert.equal(otherAddress.status, 201);
    const renameClash = await app.request<ErrorResponse>('PATCH', `/api/channels/${otherAddress.body.id}`, { token, body: { name: 'unique' } });
    assert.equal(renameClash.status, 409);

    await post(`/api/channels/${first.id}/outputs`, { protocol: 'udp', url: 'udp://127.0.0.1:7000', name: 'one' });
    const dupOutput = await post<ErrorResponse>(`/api/channels/${first.id}/outputs`, { protocol: 'udp', url: 'udp://127.0.0.1:7001', name: 'one' });
    assert.equal(dupOutput.status, 409);

    // Concurrent creates of the same name: exactly one wins, the other gets 409 (not 500).
    const results = await Promise.all([1, 2, 3].map((i) => post('/api/channels', { name: 'race', bind_ip: '127.0.0.1', port: 5500 + i })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409]);
  });

  it('deletes a channel together with its outputs', async () => {
    const channel = (await post<ChannelWithOutputsResponse>('/api/channels', { name: 'doomed', rtp_ip: '0.0.0.0', rtp_port: 5600 })).body;
    const output = (await post<OutputResponse>(`/api/channels/${channel.id}/outputs`, { protocol: 'srt', url: 'srt://h:1' })).body;
    assert.equal((await app.request('DELETE', `/api/channels/${channel.id}`, { token })).status, 204);
    assert.equal((await app.request('GET', `/api/channels/${channel.id}`, { token })).status, 404);
    const rows = await app.running.app.get(await import('typeorm').then((m) => m.DataSource)).query('SELECT count(*)::int AS n FROM outputs WHERE id = $1', [output.id]);
    assert.equal(rows[0].n, 0);
  });

  it('documents the whole API in OpenAPI with auth and error schemas', async () => {
    const doc = await app.request<{ paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown }>>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> } }>('GET', '/api/openapi.json');
    assert.equal(doc.status, 200);
    for (const path of ['/api/health', '/api/auth/login', '/api/channels', '/api/channels/{id}', '/api/channels/{id}/start', '/api/channels/{id}/stop', '/api/channels/{channelId}/outputs', '/api/channels/{channelId}/outputs/{outputId}', '/api/channels/{channelId}/outputs/start-all', '/api/channels/{channelId}/outputs/stop-all', '/api/channels/{channelId}/outputs/{outputId}/start', '/api/users', '/api/tokens', '/api/audit', '/api/status', '/api/channels/{id}/status', '/api/channels/{id}/scte35', '/api/events', '/api/channels/{channelId}/outputs/{outputId}/retry', '/api/channels/{id}/preview/{file}', '/metrics']) {
      assert.ok(doc.body.paths[path], `missing ${path}`);
    }
    assert.ok(doc.body.components.securitySchemes['bearer']);
    assert.ok(doc.body.components.schemas['ErrorResponseDto']);
    assert.ok(doc.body.paths['/api/channels']!['post']!.responses['400']);
    assert.ok(doc.body.paths['/api/channels']!['post']!.responses['409']);
    const ui = await fetch(`${app.url}/api/docs`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /swagger/i);
  });
});
