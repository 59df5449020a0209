// Two service processes' worth of apps on one real PostgreSQL (the first app's embedded one):
// each registers as a node and heart-beats; GET /api/nodes on either shows both with their load,
// a clean stop shows `stopped` at once, a node whose heartbeats stopped shows `down` (the
// database's clock decides), and only a node that is not up can be forgotten.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NodeResponse } from '@mld/contracts';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { freeUdpPort, startTestApp, tokenForRole, type TestApp } from '../testing/test-app.js';

const JWT_SECRET = 'the-same-jwt-secret-on-every-node-of-the-cluster';
const FAST = { NODE_HEARTBEAT_MS: '200', NODE_DOWN_AFTER_MS: '1000', JWT_SECRET };

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('nodes: registration, heartbeats and health across nodes sharing one database', () => {
  let a: TestApp;
  let b: TestApp | undefined;
  let viewer: string;
  let admin: string;

  before(async () => {
    a = await startTestApp({ ...FAST, NODE_ID: 'edge-a', NODE_NAME: 'Edge A', NODE_ADDRESSES: '127.0.0.2' });
    b = await startTestApp({ ...FAST, NODE_ID: 'edge-b', NODE_ADDRESSES: '127.0.0.3,127.0.0.4', DATABASE_URL: a.running.databaseUrl });
    admin = await a.login();
    viewer = await tokenForRole(a, admin, 'viewer');
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  const nodesOn = async (app: TestApp, token = viewer): Promise<NodeResponse[]> => {
    const r = await app.request<NodeResponse[]>('GET', '/api/nodes', { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };

  it('both nodes are up on either node, each marking itself, with addresses, versions and load', async () => {
    const fromB = await nodesOn(b!);
    assert.deepEqual(fromB.map((n) => [n.id, n.name, n.state, n.self, n.addresses]), [
      ['edge-a', 'Edge A', 'up', false, ['127.0.0.2']],
      ['edge-b', 'edge-b', 'up', true, ['127.0.0.3', '127.0.0.4']],
    ]);
    const fromA = await nodesOn(a);
    assert.deepEqual(fromA.map((n) => [n.id, n.self]), [['edge-a', true], ['edge-b', false]]);
    for (const n of fromA) {
      assert.match(n.node_version, /^\d+\.\d+\.\d+$/);
      assert.ok(n.heartbeat_age_ms < 1000, `${n.id}: last beat ${n.heartbeat_age_ms} ms ago`);
      assert.equal(n.load.channels, 0);
    }
    // Heartbeats keep coming: the age stays under the down threshold over several beats.
    await new Promise((r) => setTimeout(r, 700));
    assert.ok((await nodesOn(a)).every((n) => n.state === 'up' && n.heartbeat_age_ms < 1000));
  });

  it('a node’s load follows what it runs, seen from the other node', async () => {
    const port = await freeUdpPort();
    // Bound to edge-a's address: edge-a owns it (placement, docs/multi-node.md).
    const created = await a.request<{ id: string }>('POST', '/api/channels', { token: admin, body: { name: 'on edge a', bind_ip: '127.0.0.2', port, input_type: 'udp' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await a.request('POST', `/api/channels/${created.body.id}/start`, { token: admin })).status, 200);
    const seen = await until('edge-a running one channel, seen from edge-b', async () => (await nodesOn(b!)).find((n) => n.id === 'edge-a' && n.load.channels === 1));
    assert.equal(seen.state, 'up');
    assert.equal((await a.request('POST', `/api/channels/${created.body.id}/stop`, { token: admin })).status, 200);
    await until('edge-a idle again', async () => (await nodesOn(b!)).find((n) => n.id === 'edge-a' && n.load.channels === 0));
  });

  it('a node without heartbeats is down; a cleanly stopped one is stopped; only those can be forgotten', async () => {
    // A node that stopped beating (killed, frozen, cut off): its row as it was left, 3 s ago by the database's clock.
    const db = new DataSource({ type: 'postgres', url: a.running.databaseUrl });
    await db.initialize();
    try {
      await db.query(
        `INSERT INTO "nodes" ("id", "name", "addresses", "version", "node_version", "started_at", "heartbeat_at", "load")
         VALUES ('edge-ghost', 'Ghost', '[]', '1.0.0', '24.0.0', now() - interval '1 hour', now() - interval '3 seconds', '{"channels":2,"outputs_running":4,"bitrate_in_bps":0,"bitrate_out_bps":0,"cpu_percent":0,"load_average_1m":0}')`,
      );
    } finally {
      await db.destroy();
    }
    const ghost = (await nodesOn(a)).find((n) => n.id === 'edge-ghost')!;
    assert.equal(ghost.state, 'down');
    assert.ok(ghost.heartbeat_age_ms >= 3000 && ghost.heartbeat_age_ms < 60_000, `age ${ghost.heartbeat_age_ms}`);

    assert.equal((await a.request('DELETE', '/api/nodes/edge-ghost', { token: viewer })).status, 403, 'a viewer cannot forget nodes');
    const busy = await a.request<{ message: string }>('DELETE', '/api/nodes/edge-b', { token: admin });
    assert.equal(busy.status, 409);
    assert.match(busy.body.message, /node "edge-b" is up .*stop it first/);
    assert.equal((await a.request('DELETE', '/api/nodes/edge-ghost', { token: admin })).status, 204);
    assert.equal((await a.request('GET', '/api/nodes/edge-ghost', { token: viewer })).status, 404);

    await b!.close();
    b = undefined;
    const stopped = (await nodesOn(a)).find((n) => n.id === 'edge-b')!;
    assert.equal(stopped.state, 'stopped', 'a clean shutdown shows at once');
    assert.ok(stopped.stopped_at);
    assert.equal((await a.request('DELETE', '/api/nodes/edge-b', { token: admin })).status, 204);
    assert.deepEqual((await nodesOn(a)).map((n) => n.id), ['edge-a']);
  });

  it('refuses a bad NODE_ID or NODE_ADDRESSES at boot, naming the variable', () => {
    assert.throws(() => loadConfig({ NODE_ID: 'bad id!' }), /NODE_ID must be/);
    assert.throws(() => loadConfig({ NODE_ADDRESSES: '127.0.0.1,300.1.1.1' }), /NODE_ADDRESSES must be IPv4/);
    assert.throws(() => loadConfig({ NODE_HEARTBEAT_MS: '1000', NODE_DOWN_AFTER_MS: '1500' }), /at least twice NODE_HEARTBEAT_MS/);
    assert.equal(loadConfig({ NODE_ID: 'edge-1' }).node.name, 'edge-1');
  });
});
