import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse, ErrorResponse, OutputResponse } from '@mld/contracts';
import { freeUdpPort, startTestApp, tokenForRole, type TestApp } from '../testing/test-app.js';
import type { LimitsResponseDto } from './dto/limits.dto.js';

describe('limits: visible to every role, set by admins, enforced with a 409 naming the limit', () => {
  let app: TestApp;
  let admin: string;
  let viewer: string;
  let operator: string;

  before(async () => {
    app = await startTestApp();
    admin = await app.login();
    viewer = await tokenForRole(app, admin, 'viewer');
    operator = await tokenForRole(app, admin, 'operator');
  });
  after(async () => app?.close({ keepData: false }));

  const limits = async () => (await app.request<LimitsResponseDto>('GET', '/api/limits', { token: viewer })).body;
  const put = (body: unknown, token = admin) => app.request<LimitsResponseDto & ErrorResponse>('PUT', '/api/limits', { token, body });
  const newChannel = async (name: string) =>
    app.request<ChannelWithOutputsResponse & ErrorResponse>('POST', '/api/channels', { token: admin, body: { name, bind_ip: '127.0.0.1', port: await freeUdpPort() } });
  const addOutput = async (channelId: string, protocol: 'srt' | 'udp', name: string) =>
    app.request<OutputResponse & ErrorResponse>('POST', `/api/channels/${channelId}/outputs`, { token: operator, body: { protocol, url: `${protocol}://127.0.0.1:${await freeUdpPort()}`, name } });
  const assertLimit = (result: { status: number; body: ErrorResponse }, limit: string) => {
    assert.equal(result.status, 409, JSON.stringify(result.body));
    assert.equal(result.body.code, 'LIMIT_REACHED');
    assert.equal(result.body.errors?.[0]?.field, limit);
    assert.match(result.body.message, new RegExp(`limit ${limit} \\(\\d+\\) reached`));
  };

  it('shows generous defaults and the usage to a viewer', async () => {
    const body = await limits();
    assert.deepEqual([body.max_channels, body.max_outputs_per_channel, body.max_child_processes], [100, 50, 500]);
    assert.deepEqual(body.usage, { channels: 0, max_outputs_in_a_channel: 0, child_processes: 0 });
    assert.equal(body.updated_by, null);
  });

  it('refuses bad values with a 400 naming the field and changes nothing; operators get 403', async () => {
    const before = await limits();
    for (const [body, field] of [
      [{ max_channels: 0 }, 'max_channels'],
      [{ max_channels: -5 }, 'max_channels'],
      [{ max_outputs_per_channel: 1.5 }, 'max_outputs_per_channel'],
      [{ max_child_processes: '10' }, 'max_child_processes'],
      [{ max_child_processes: 100_001 }, 'max_child_processes'],
      [{ max_channels: null }, 'max_channels'],
      [{ max_cpus: 3 }, 'max_cpus'],
      [{}, 'body'],
    ] as const) {
      const result = await put(body);
      assert.equal(result.status, 400, `${JSON.stringify(body)}: ${result.status} ${JSON.stringify(result.body)}`);
      assert.ok(result.body.errors?.some((e) => e.field === field) || result.body.message.includes(field), `${JSON.stringify(body)}: ${JSON.stringify(result.body)}`);
    }
    assert.equal((await put({ max_channels: 5 }, operator)).status, 403);
    assert.equal((await put({ max_channels: 5 }, viewer)).status, 403);
    assert.deepEqual(await limits(), before);
  });

  it('max_channels: the channel beyond it is refused with 409 and not created', async () => {
    const changed = await put({ max_channels: 2 });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.max_channels, 2);
    assert.equal(changed.body.max_outputs_per_channel, 50, 'an omitted field changed');
    assert.equal(changed.body.updated_by, 'admin');
    assert.equal((await newChannel('one')).status, 201);
    assert.equal((await newChannel('two')).status, 201);
    assertLimit(await newChannel('three'), 'max_channels');
    assert.equal((await limits()).usage.channels, 2);
    assert.equal((await put({ max_channels: 100 })).status, 200);
    assert.equal((await newChannel('three')).status, 201);
  });

  it('max_outputs_per_channel: the output beyond it is refused; other channels are not affected', async () => {
    assert.equal((await put({ max_outputs_per_channel: 2 })).status, 200);
    const channel = (await newChannel('outputs-limited')).body;
    const other = (await newChannel('outputs-other')).body;
    assert.equal((await addOutput(channel.id, 'udp', 'u1')).status, 201);
    assert.equal((await addOutput(channel.id, 'udp', 'u2')).status, 201);
    assertLimit(await addOutput(channel.id, 'udp', 'u3'), 'max_outputs_per_channel');
    assert.equal((await addOutput(other.id, 'udp', 'u1')).status, 201);
    const outputs = await app.request<OutputResponse[]>('GET', `/api/channels/${channel.id}/outputs`, { token: viewer });
    assert.deepEqual(outputs.body.map((o) => o.name), ['u1', 'u2']);
    assert.equal((await limits()).usage.max_outputs_in_a_channel, 2);
    assert.equal((await put({ max_outputs_per_channel: 50 })).status, 200);
  });

  it('max_child_processes: starts that would spawn beyond it are refused and change nothing', async () => {
    assert.equal((await put({ max_child_processes: 1 })).status, 200);
    const a = (await newChannel('procs-a')).body;
    const b = (await newChannel('procs-b')).body;
    assert.equal((await addOutput(a.id, 'srt', 'srt-1')).status, 201); // a is stopped: nothing spawns yet
    assert.equal((await addOutput(b.id, 'srt', 'srt-1')).status, 201);
    const spare = (await addOutput(a.id, 'udp', 'udp-1')).body;
    const start = (id: string) => app.request<ChannelWithOutputsResponse & ErrorResponse>('POST', `/api/channels/${id}/start`, { token: operator });
    assert.equal((await start(a.id)).status, 200);
    assert.equal((await limits()).usage.child_processes, 1);

    assertLimit(await start(b.id), 'max_child_processes');
    assert.equal((await app.request<ChannelWithOutputsResponse>('GET', `/api/channels/${b.id}`, { token: viewer })).body.desired_state, 'stopped');
    assertLimit(await addOutput(a.id, 'srt', 'srt-2'), 'max_child_processes');
    assert.ok(!(await app.request<OutputResponse[]>('GET', `/api/channels/${a.id}/outputs`, { token: viewer })).body.some((o) => o.name === 'srt-2'));
    // A UDP output is a socket, not a process: allowed.
    assert.equal((await addOutput(a.id, 'udp', 'udp-2')).status, 201);
    // Turning a UDP output into SRT would spawn one.
    const retyped = await app.request<ErrorResponse>('PATCH', `/api/channels/${a.id}/outputs/${spare.id}`, { token: operator, body: { protocol: 'srt', url: `srt://127.0.0.1:${await freeUdpPort()}` } });
    assertLimit(retyped, 'max_child_processes');
    assert.equal((await app.request<OutputResponse>('GET', `/api/channels/${a.id}/outputs/${spare.id}`, { token: viewer })).body.protocol, 'udp');

    // Stop the SRT output of a: the slot is free, b may start; then a's single start and start-all are refused.
    const srt1 = (await app.request<OutputResponse[]>('GET', `/api/channels/${a.id}/outputs`, { token: viewer })).body.find((o) => o.name === 'srt-1')!;
    assert.equal((await app.request('POST', `/api/channels/${a.id}/outputs/${srt1.id}/stop`, { token: operator })).status, 200);
    assert.equal((await start(b.id)).status, 200);
    assertLimit(await app.request<ErrorResponse>('POST', `/api/channels/${a.id}/outputs/${srt1.id}/start`, { token: operator }), 'max_child_processes');
    assertLimit(await app.request<ErrorResponse>('POST', `/api/channels/${a.id}/outputs/start-all`, { token: operator }), 'max_child_processes');
    const aOutputs = (await app.request<OutputResponse[]>('GET', `/api/channels/${a.id}/outputs`, { token: viewer })).body;
    assert.equal(aOutputs.find((o) => o.name === 'srt-1')!.desired_state, 'stopped', 'a refused start changed the output');
    assert.equal((await limits()).usage.child_processes, 1);

    // Lowering a cap below what runs leaves it running and still allows changes that add no process.
    assert.equal((await put({ max_child_processes: 500 })).status, 200);
    assert.equal((await app.request('POST', `/api/channels/${a.id}/outputs/start-all`, { token: operator })).status, 200);
    assert.equal((await put({ max_child_processes: 1 })).status, 200);
    assert.equal((await limits()).usage.child_processes, 2);
    assert.equal((await addOutput(a.id, 'udp', 'udp-3')).status, 201);
    await app.request('POST', `/api/channels/${a.id}/stop`, { token: operator });
    await app.request('POST', `/api/channels/${b.id}/stop`, { token: operator });
  });

  it('max_child_processes holds when starts race: of channels started at once, only as many as fit', async () => {
    assert.equal((await put({ max_child_processes: 1 })).status, 200);
    const channels = [];
    for (const name of ['race-1', 'race-2', 'race-3', 'race-4']) {
      const channel = (await newChannel(name)).body;
      assert.equal((await addOutput(channel.id, 'srt', 'srt')).status, 201);
      channels.push(channel);
    }
    const results = await Promise.all(channels.map((c) => app.request<ErrorResponse>('POST', `/api/channels/${c.id}/start`, { token: operator })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409], JSON.stringify(results.map((r) => r.body)));
    assert.equal((await limits()).usage.child_processes, 1);
    for (const c of channels) await app.request('POST', `/api/channels/${c.id}/stop`, { token: operator });
    assert.equal((await put({ max_child_processes: 500 })).status, 200);
  });

  it('keeps the limits in PostgreSQL across a restart', async () => {
    assert.equal((await put({ max_channels: 77, max_outputs_per_channel: 7, max_child_processes: 70 })).status, 200);
    await app.close({ keepData: true });
    app = await startTestApp({}, app.dataDir);
    viewer = await app.login(); // the admin can read them too
    const body = await limits();
    assert.deepEqual([body.max_channels, body.max_outputs_per_channel, body.max_child_processes, body.updated_by], [77, 7, 70, 'admin']);
  });
});
