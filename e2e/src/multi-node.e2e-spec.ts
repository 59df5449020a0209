// Three service processes sharing one PostgreSQL (issue #16, docs/multi-node.md slice 2), real
// sender and receiver: a channel whose input address two nodes have runs on one of them; kill -9
// the owner and the standby's output resumes within the lease TTL (measured); freeze the new owner
// (SIGSTOP) past the TTL and the other one takes over; thawed (SIGCONT), the frozen node sends
// nothing more. At every moment one node feeds the receiver: each node's UDP output is its own
// socket, so the receiver tells them apart by source port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeResponse } from '@mld/contracts';
import { freeTcpPort, freeUdpPort, makeTestFeed, startTsSender, startUdpReceiver, stopAllTracked, type TsSender, type UdpReceiver } from './support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'multi-node-admin-password';
const LEASE_TTL_MS = 2000;
const CLUSTER = { NODE_HEARTBEAT_MS: '250', NODE_DOWN_AFTER_MS: '1000', LEASE_TTL_MS: String(LEASE_TTL_MS), JWT_SECRET: 'one-jwt-secret-for-the-three-nodes-of-this-test', ADMIN_USERNAME: 'admin', ADMIN_PASSWORD };
/** The channel's input address: nodes 2 and 3 have it, node 1 (the database's host) does not. */
const INPUT_IP = '127.0.0.3';

/** Datagram times are performance.now() (the receiver's clock): every instant here is too. */
interface Segment {
  from: string;
  first: number;
  last: number;
  datagrams: number;
}

/** The receiver's datagrams as runs from one source; interleaved sources would show as many short runs. */
function segments(rx: UdpReceiver): Segment[] {
  const out: Segment[] = [];
  for (const d of rx.datagrams()) {
    const s = out.at(-1);
    if (s && s.from === d.from) {
      s.last = d.at;
      s.datagrams++;
    } else out.push({ from: d.from, first: d.at, last: d.at, datagrams: 1 });
  }
  return out;
}

describe('several nodes: a channel survives its owner’s death and freeze, fed by one node at a time', { timeout: 240_000 }, () => {
  const dirs = [1, 2, 3].map((n) => mkdtempSync(join(tmpdir(), `mld-e2e-node${n}-`)));
  const nodes = new Map<string, ServiceProcess>();
  let databaseUrl = '';
  let token = '';
  let sender: TsSender | undefined;
  let rx: UdpReceiver | undefined;

  const startNode = async (n: 2 | 3): Promise<ServiceProcess> => {
    const s = await startService({ ...CLUSTER, DATA_DIR: dirs[n - 1]!, NODE_ID: `node-${n}`, NODE_ADDRESSES: INPUT_IP, DATABASE_URL: databaseUrl });
    nodes.set(`node-${n}`, s);
    return s;
  };

  before(async () => {
    // Node 1 hosts the embedded PostgreSQL the others share (it never owns the test channel).
    const pgPort = await freeTcpPort();
    const n1 = await startService({ ...CLUSTER, DATA_DIR: dirs[0]!, NODE_ID: 'node-1', NODE_ADDRESSES: '127.0.0.2', EMBEDDED_POSTGRES_PORT: String(pgPort) });
    nodes.set('node-1', n1);
    const password = readFileSync(join(dirs[0]!, 'embedded-postgres.password'), 'utf8').trim();
    databaseUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/medialive`;
    await Promise.all([startNode(2), startNode(3)]);
    token = await login(n1.url, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await sender?.stop();
    await rx?.stop();
    // Each node's log, for a failure to be read afterwards (CI keeps test-artifacts).
    mkdirSync('test-artifacts', { recursive: true });
    for (const [id, s] of nodes) writeFileSync(join('test-artifacts', `multi-node-${id}.log`), s.output());
    for (const id of ['node-3', 'node-2', 'node-1']) {
      const s = nodes.get(id);
      if (!s) continue;
      process.kill(s.pid, 'SIGCONT');
      await s.stop('SIGTERM').catch(() => undefined);
    }
    await stopAllTracked();
    killLeftovers();
    for (const dir of dirs) {
      for (const pid of processesMentioning(dir)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const node1 = () => nodes.get('node-1')!.url;
  /** The node that runs the channel, asking every live node (but `skip`: a frozen one would not answer). */
  const ownerOf = async (channelId: string, skip?: string): Promise<string | null> => {
    const found: string[] = [];
    for (const [id, s] of nodes) {
      if (id === skip || s.child.exitCode !== null || s.child.signalCode !== null) continue;
      // Every node shows every channel's runtime (shared through the database): the one running it names itself.
      const r = await api<{ runtime: { node?: string } | null }>(s.url, 'GET', `/api/channels/${channelId}`, token).catch(() => null);
      if (r?.body.runtime?.node === id) found.push(id);
    }
    assert.ok(found.length <= 1, `the channel runs on ${found.join(' and ')}`);
    return found[0] ?? null;
  };

  it('the owner dies (kill -9): the standby takes over within the lease TTL; frozen past it, the other takes over and the thawed one stays silent', async (t) => {
    const feed = await makeTestFeed({ seconds: 4, bitrate: 2_000_000, width: 640, height: 360 });
    rx = await startUdpReceiver({ mode: 'udp', maxLifetimeMs: 200_000 });
    const port = await freeUdpPort(INPUT_IP);
    const made = await api<{ id: string }>(node1(), 'POST', '/api/channels', token, { name: 'Studio on two nodes', bind_ip: INPUT_IP, port, input_type: 'udp' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const channelId = made.body.id;
    assert.equal((await api(node1(), 'POST', `/api/channels/${channelId}/outputs`, token, { protocol: 'udp', url: `udp://127.0.0.1:${rx.port}`, name: 'receiver' })).status, 201);
    assert.equal((await api(node1(), 'POST', `/api/channels/${channelId}/start`, token)).status, 200);
    sender = await startTsSender({ ts: feed.ts, host: INPUT_IP, port, mode: 'udp', loop: true, maxDurationMs: 180_000 });

    const first = await waitFor('an owner running the channel', () => ownerOf(channelId).then((o) => o ?? undefined), 15_000, 200);
    assert.ok(first === 'node-2' || first === 'node-3', `owner ${first}`);
    await rx.waitForBytes(500_000, 15_000);
    const standby = first === 'node-2' ? 'node-3' : 'node-2';

    // 1. kill -9 the owner.
    const killedAt = performance.now();
    process.kill(nodes.get(first)!.pid, 'SIGKILL');
    await nodes.get(first)!.stop('SIGKILL').catch(() => undefined);
    nodes.delete(first);
    const bytesAtKill = rx.bytes();
    await waitFor('the standby’s output', async () => segments(rx!).at(-1)!.first > killedAt || undefined, 15_000, 50);
    const resumed = segments(rx).at(-1)!;
    const takeoverMs = resumed.first - killedAt;
    assert.equal(await ownerOf(channelId), standby);
    assert.ok(takeoverMs <= LEASE_TTL_MS + 1500, `the receiver got the stream again ${takeoverMs} ms after the owner died (lease TTL ${LEASE_TTL_MS} ms)`);
    assert.ok(rx.bytes() > bytesAtKill);

    // 2. The killed node comes back (same NODE_ID): the channel stays where it is.
    await startNode(first === 'node-2' ? 2 : 3);
    await new Promise((r) => setTimeout(r, LEASE_TTL_MS));
    assert.equal(await ownerOf(channelId), standby, 'a returning node does not take a channel back');

    // 3. Freeze the owner for twice the TTL: the other node takes the lease; thawed, the frozen one
    // sends nothing. On one machine the frozen process still holds the input's socket, so the new
    // owner's input binds only once the thawed node has stopped (its retry, every 5 s): on two
    // machines it would receive at once.
    const frozen = nodes.get(standby)!;
    const frozenSource = segments(rx).at(-1)!.from;
    const frozenAt = performance.now();
    process.kill(frozen.pid, 'SIGSTOP');
    await waitFor('the lease on the other node', () => ownerOf(channelId, standby).then((o) => (o === first ? o : undefined)), 15_000, 100);
    const leaseMovedMs = performance.now() - frozenAt;
    assert.ok(leaseMovedMs <= LEASE_TTL_MS + 1500, `${first} runs the channel ${Math.round(leaseMovedMs)} ms after ${standby} froze (lease TTL ${LEASE_TTL_MS} ms)`);
    await new Promise((r) => setTimeout(r, Math.max(0, frozenAt + 2 * LEASE_TTL_MS - performance.now())));
    const thawedAt = performance.now();
    process.kill(frozen.pid, 'SIGCONT');
    await waitFor('the new owner’s output', async () => (segments(rx!).at(-1)!.from !== frozenSource && segments(rx!).at(-1)!.first > thawedAt) || undefined, 20_000, 50);
    const resumedAfterThawMs = segments(rx).at(-1)!.first - thawedAt;
    await rx.waitForBytes(rx.bytes() + 250_000, 10_000);
    const fromFrozenAfterThaw = rx.datagrams().filter((d) => d.from === frozenSource && d.at >= thawedAt).length;
    assert.equal(fromFrozenAfterThaw, 0, 'the thawed node sent datagrams after its lease ran out');
    assert.equal(await ownerOf(channelId), first, 'the channel runs on the node that took it over, once');
    const nodesNow = (await api<NodeResponse[]>(node1(), 'GET', '/api/nodes', token)).body;
    assert.deepEqual(nodesNow.map((n) => [n.id, n.state]), [['node-1', 'up'], ['node-2', 'up'], ['node-3', 'up']]);

    // Never two senders at once: the recording is a few long runs, one source each, in turn.
    await sender.stop();
    const runs = segments(rx);
    assert.ok(runs.length <= 3, `${runs.length} runs of datagrams: ${runs.map((s) => `${s.from}×${s.datagrams}`).join(', ')}`);
    for (let k = 1; k < runs.length; k++) assert.ok(runs[k]!.first > runs[k - 1]!.last, 'two nodes sent at the same time');
    t.diagnostic(
      `owner ${first} killed: ${standby} resumed the output after ${Math.round(takeoverMs)} ms; ${standby} frozen: ${first} held the lease after ${Math.round(leaseMovedMs)} ms; ` +
        `thawed after ${2 * LEASE_TTL_MS} ms, ${standby} sent 0 datagrams and ${first}'s output resumed ${Math.round(resumedAfterThawMs)} ms later; runs ${runs.map((r) => r.datagrams).join(' / ')} datagrams`,
    );
  });
});
