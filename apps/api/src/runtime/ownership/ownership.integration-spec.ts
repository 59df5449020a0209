// Three nodes' apps on one real PostgreSQL (docs/multi-node.md, slice 2): each channel wanted
// running is owned by exactly one node — the one holding its input's address, else the least
// loaded — and runs there only; a node that shuts down hands its channels to the others at once;
// a channel whose input address no node has runs nowhere.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChannelStatus, ClientToServerEvents, ServerToClientEvents } from '@mld/contracts';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { freeUdpPort, startTestApp, type TestApp } from '../../testing/test-app.js';

const CLUSTER = { NODE_HEARTBEAT_MS: '200', NODE_DOWN_AFTER_MS: '1000', LEASE_TTL_MS: '20000', JWT_SECRET: 'one-jwt-secret-shared-by-every-node-here' };

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last !== undefined ? ` (${JSON.stringify(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('channel ownership across three nodes sharing one database', { timeout: 120_000 }, () => {
  const apps = new Map<string, TestApp>();
  let db: DataSource;
  let admin: string;
  const channels: Record<string, string> = {};

  before(async () => {
    const a = await startTestApp({ ...CLUSTER, NODE_ID: 'node-a', NODE_ADDRESSES: '127.0.0.2' });
    apps.set('node-a', a);
    for (const [id, address] of [['node-b', '127.0.0.3'], ['node-c', '127.0.0.4']] as const) apps.set(id, await startTestApp({ ...CLUSTER, NODE_ID: id, NODE_ADDRESSES: address, DATABASE_URL: a.running.databaseUrl }));
    db = new DataSource({ type: 'postgres', url: a.running.databaseUrl });
    await db.initialize();
    admin = await a.login();
  });
  after(async () => {
    await db?.destroy();
    // The embedded database belongs to node-a: it goes last.
    for (const id of ['node-c', 'node-b', 'node-a']) await apps.get(id)?.close();
  });

  const owners = async (): Promise<Record<string, string>> => {
    const rows = (await db.query(`SELECT "channel_id", "node_id" FROM "channel_leases" WHERE "expires_at" > now()`)) as { channel_id: string; node_id: string }[];
    return Object.fromEntries(rows.map((r) => [r.channel_id, r.node_id]));
  };
  const runsOn = async (channelId: string): Promise<string[]> => {
    const out: string[] = [];
    // Every node shows every channel's runtime (shared through the database): the node that runs it says so.
    for (const [id, app] of apps) {
      const rt = (await app.request<{ runtime: { node?: string } | null }>('GET', `/api/channels/${channelId}`, { token: admin })).body.runtime;
      if (rt?.node === id) out.push(id);
    }
    return out;
  };

  it('places each channel on one node: the one with its input address, else the least loaded', async () => {
    const a = apps.get('node-a')!;
    for (const [name, bindIp] of [['on b', '127.0.0.3'], ['anywhere 1', '0.0.0.0'], ['on c', '127.0.0.4'], ['anywhere 2', '0.0.0.0'], ['nowhere', '127.0.0.9']] as const) {
      const port = await freeUdpPort();
      const made = await a.request<{ id: string }>('POST', '/api/channels', { token: admin, body: { name, bind_ip: bindIp, port, input_type: 'udp' } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      channels[name] = made.body.id;
      // Started through node a, whichever node runs it.
      assert.equal((await a.request('POST', `/api/channels/${made.body.id}/start`, { token: admin })).status, 200);
    }
    const placed = await until('every placeable channel owned', async () => {
      const o = await owners();
      return ['on b', 'anywhere 1', 'on c', 'anywhere 2'].every((n) => o[channels[n]!]) ? o : undefined;
    });
    assert.equal(placed[channels['on b']!], 'node-b');
    assert.equal(placed[channels['on c']!], 'node-c');
    const anywhere = [placed[channels['anywhere 1']!], placed[channels['anywhere 2']!]];
    assert.ok(anywhere.every((n) => n !== undefined), 'the wildcard channels are owned');
    assert.ok(anywhere.includes('node-a'), `the least loaded node (a, with none) takes a wildcard channel: ${anywhere.join(', ')}`);
    assert.equal(placed[channels['nowhere']!], undefined, 'no node has 127.0.0.9: nobody owns it');
    // Each runs on its owner only.
    for (const name of ['on b', 'anywhere 1', 'on c', 'anywhere 2']) await until(`${name} running on its owner only`, async () => JSON.stringify(await runsOn(channels[name]!)) === JSON.stringify([placed[channels[name]!]]));
    assert.deepEqual(await runsOn(channels['nowhere']!), []);
    // Any node's API shows every channel's live state, naming the node that runs it.
    const b = apps.get('node-b')!;
    const fromA = await until('node-b’s channel live on node-a', async () => {
      const rt = (await a.request<{ runtime: { node?: string; state: string } | null }>('GET', `/api/channels/${channels['on b']}`, { token: admin })).body.runtime;
      return rt?.node === 'node-b' ? rt : undefined;
    });
    assert.equal(fromA.state, 'no_signal', 'nothing is sent to it: its real state, as node-b sees it');
    assert.equal((await b.request<{ runtime: { node?: string } | null }>('GET', `/api/channels/${channels['on b']}`, { token: admin })).body.runtime?.node, 'node-b');
    // …and every node's Socket.IO: a dashboard connected to node-c sees node-b's channel live.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(apps.get('node-c')!.url, { auth: { token: admin }, transports: ['websocket'], reconnection: false, timeout: 10_000 });
    try {
      const live = await new Promise<ChannelStatus>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no live status of node-b’s channel on node-c’s socket in 10 s')), 10_000);
        socket.on('channel.status', (s) => {
          if (s.channel_id === channels['on b'] && s.runtime?.node === 'node-b') {
            clearTimeout(timer);
            resolve(s);
          }
        });
      });
      assert.equal(live.runtime?.state, 'no_signal');
    } finally {
      socket.close();
    }
    const preview = await a.request<{ message: string }>('GET', `/api/channels/${channels['on b']}/preview/index.m3u8`, { token: admin });
    assert.equal(preview.status, 409);
    assert.match(preview.body.message, /runs on node "node-b": its preview is served by that node/);
  });

  it('an edit made through another node reaches the owner at once (NOTIFY), not at its next periodic re-read', async () => {
    const a = apps.get('node-a')!;
    const c = apps.get('node-c')!;
    const id = channels['on c']!;
    const port = await freeUdpPort();
    const started = Date.now();
    const added = await a.request<{ id: string }>('POST', `/api/channels/${id}/outputs`, { token: admin, body: { protocol: 'udp', url: `udp://127.0.0.1:${port}`, name: 'added through a' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    await until('the output running on node-c', async () => {
      const ch = (await c.request<{ outputs: { id: string; runtime: { state: string } | null }[] }>('GET', `/api/channels/${id}`, { token: admin })).body;
      return ch.outputs.find((o) => o.id === added.body.id)?.runtime?.state === 'running';
    });
    const ms = Date.now() - started;
    // The periodic re-read comes every 5 renewals (20 s here): within a second means the notification did it.
    assert.ok(ms < 1000, `node-c ran the new output ${ms} ms after node-a stored it`);
  });

  it('a node that shuts down hands its channels over at once; a channel only it could run stops', async () => {
    const before = await owners();
    const onB = Object.entries(before).filter(([, n]) => n === 'node-b').map(([c]) => c);
    assert.ok(onB.includes(channels['on b']!));
    const closedAt = Date.now();
    await apps.get('node-b')!.close();
    apps.delete('node-b');
    const wildcardOnB = onB.filter((c) => c !== channels['on b']);
    const after = await until('node-b’s other channels owned elsewhere', async () => {
      const o = await owners();
      return wildcardOnB.every((c) => o[c] && o[c] !== 'node-b') ? o : undefined;
    });
    const movedMs = Date.now() - closedAt;
    assert.ok(movedMs < 2000, `moved ${movedMs} ms after node-b shut down (well under the 2 s TTL: it released them)`);
    assert.equal(after[channels['on b']!], undefined, 'no other node has 127.0.0.3');
    assert.ok(Object.values(after).every((n) => n !== 'node-b'));
    // Every channel that can run runs exactly once.
    for (const [name, id] of Object.entries(channels)) {
      if (name === 'on b' || name === 'nowhere') continue;
      await until(`${name} running once`, async () => (await runsOn(id)).length === 1);
    }
  });

  it('stopping a channel releases its lease; starting it again places it again', async () => {
    const a = apps.get('node-a')!;
    const id = channels['anywhere 1']!;
    assert.equal((await a.request('POST', `/api/channels/${id}/stop`, { token: admin })).status, 200);
    await until('the lease released', async () => (await owners())[id] === undefined);
    await until('running nowhere', async () => (await runsOn(id)).length === 0);
    assert.equal((await a.request('POST', `/api/channels/${id}/start`, { token: admin })).status, 200);
    const owner = await until('owned again', async () => (await owners())[id]);
    await until('running on its owner', async () => JSON.stringify(await runsOn(id)) === JSON.stringify([owner]));
  });

  it('draining a node moves its channels to the others one by one; it takes none until undrained', async () => {
    const a = apps.get('node-a')!;
    const wildcards = [channels['anywhere 1']!, channels['anywhere 2']!];
    // Both wildcard channels on node-a first (node-c keeps its own), so the drain has two to move.
    const onA = async () => Object.entries(await owners()).filter(([, n]) => n === 'node-a').map(([c]) => c);
    assert.equal((await a.request('POST', '/api/nodes/node-a/drain', { token: 'not-a-token' })).status, 401);
    const before = await onA();
    const drained = await a.request<{ draining: boolean }>('POST', '/api/nodes/node-a/drain', { token: admin });
    assert.equal(drained.status, 200, JSON.stringify(drained.body));
    assert.equal(drained.body.draining, true);
    const started = Date.now();
    const after = await until('node-a without channels', async () => ((await onA()).length === 0 ? await owners() : undefined));
    const ms = Date.now() - started;
    for (const id of before) assert.equal(after[id], 'node-c', 'moved to the only other eligible node');
    for (const id of wildcards) await until('running once, on node-c', async () => JSON.stringify(await runsOn(id)) === JSON.stringify(['node-c']));
    assert.ok(ms < 3000 + before.length * 1000, `${before.length} channel(s) moved off node-a in ${ms} ms`);
    // Draining, it takes no new channel even when it is the least loaded.
    const port = await freeUdpPort();
    const made = await a.request<{ id: string }>('POST', '/api/channels', { token: admin, body: { name: 'while a drains', bind_ip: '0.0.0.0', port, input_type: 'udp' } });
    assert.equal((await a.request('POST', `/api/channels/${made.body.id}/start`, { token: admin })).status, 200);
    assert.equal(await until('the new channel owned', async () => (await owners())[made.body.id]), 'node-c');
    const undrained = await a.request<{ draining: boolean }>('DELETE', '/api/nodes/node-a/drain', { token: admin });
    assert.equal(undrained.status, 200);
    assert.equal(undrained.body.draining, false);
  });

  it('every node restarted: every channel wanted running runs again, each on one node', async () => {
    const wanted = (await db.query(`SELECT "id" FROM "channels" WHERE "desired_state" = 'running'`)) as { id: string }[];
    await db.destroy();
    const dataDir = apps.get('node-a')!.dataDir;
    for (const id of ['node-c', 'node-b']) await apps.get(id)?.close();
    apps.delete('node-b');
    apps.delete('node-c');
    await apps.get('node-a')!.close({ keepData: true });
    const a = await startTestApp({ ...CLUSTER, NODE_ID: 'node-a', NODE_ADDRESSES: '127.0.0.2' }, dataDir);
    apps.set('node-a', a);
    for (const [id, address] of [['node-b', '127.0.0.3'], ['node-c', '127.0.0.4']] as const) apps.set(id, await startTestApp({ ...CLUSTER, NODE_ID: id, NODE_ADDRESSES: address, DATABASE_URL: a.running.databaseUrl }));
    db = new DataSource({ type: 'postgres', url: a.running.databaseUrl });
    await db.initialize();
    const placeable = wanted.map((w) => w.id).filter((id) => id !== channels['nowhere']);
    for (const id of placeable) await until(`channel ${id} running once`, async () => (await runsOn(id)).length === 1, 15_000);
    const o = await owners();
    assert.equal(o[channels['on b']!], 'node-b');
    assert.equal(o[channels['on c']!], 'node-c');
    assert.equal(o[channels['nowhere']!], undefined);
  });
});
