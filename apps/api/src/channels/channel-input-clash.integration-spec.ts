// Two channels must never take the same traffic: a multicast channel receives every datagram of
// its port (it binds 0.0.0.0), so any other channel on that port — unicast or another group —
// is refused with a 409 that names the channel already there, on create and on edit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse, ErrorResponse } from '@mld/contracts';
import { freeUdpPort, startTestApp, type TestApp } from '../testing/test-app.js';

describe('channel inputs that would share traffic (real PostgreSQL)', () => {
  let app: TestApp;
  let token: string;

  before(async () => {
    app = await startTestApp();
    token = await app.login();
  });
  after(async () => app?.close());

  const create = (body: unknown) => app.request<ChannelWithOutputsResponse & ErrorResponse>('POST', '/api/channels', { token, body });

  it('refuses unicast and other groups on a multicast channel’s port with a 409 naming it; other ports are fine', async () => {
    const port = await freeUdpPort();
    const group = await create({ name: 'mcast A', bind_ip: '239.1.1.1', port, input_type: 'udp' });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const before = (await app.request('GET', '/api/channels', { token })).body;

    for (const [name, bindIp] of [['unicast', '127.0.0.1'], ['wildcard', '0.0.0.0'], ['group B', '239.1.1.2'], ['same group', '239.1.1.1']]) {
      const refused = await create({ name, bind_ip: bindIp, port });
      assert.equal(refused.status, 409, `${name}: ${JSON.stringify(refused.body)}`);
      assert.match(refused.body.message, /already used by channel "mcast A" \(239\.1\.1\.1:\d+\)/);
      assert.equal(refused.body.errors?.[0]?.field, 'port');
    }
    assert.deepEqual((await app.request('GET', '/api/channels', { token })).body, before, 'a refused create changed data');

    const elsewhere = await create({ name: 'group B', bind_ip: '239.1.1.2', port: port + 1 });
    assert.equal(elsewhere.status, 201, JSON.stringify(elsewhere.body));
    const moved = await app.request<ErrorResponse>('PATCH', `/api/channels/${elsewhere.body.id}`, { token, body: { port } });
    assert.equal(moved.status, 409, JSON.stringify(moved.body));
    assert.match(moved.body.message, /channel "mcast A"/);
    const unicastElsewhere = await create({ name: 'unicast', bind_ip: '127.0.0.1', port: port + 2 });
    assert.equal(unicastElsewhere.status, 201);
    // A group onto a unicast channel's port is the same clash seen from the other side.
    const groupOntoUnicast = await app.request<ErrorResponse>('PATCH', `/api/channels/${elsewhere.body.id}`, { token, body: { port: port + 2 } });
    assert.equal(groupOntoUnicast.status, 409);
    assert.match(groupOntoUnicast.body.message, /channel "unicast"/);
  });
});
