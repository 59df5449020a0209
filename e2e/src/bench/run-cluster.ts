// `npm run bench -- --cluster [--kills 10] [--lease-ttl 4000]`: what several nodes cost and how fast
// they take over (issue #16, docs/multi-node.md), three service processes on this machine sharing
// node-1's PostgreSQL, real UDP sender and receivers:
//   takeover  kill -9 the owner of a channel N times (the killed node restarts between kills):
//             ms from the kill to the first datagram from the new owner, p50 and max
//   drain     a node running channels is drained: per channel, the gap at its receiver between
//             the old owner's last datagram and the new owner's first
//   idle      CPU of a node with no channel in the 3-node cluster (heartbeats, lease loop, shared
//             runtime, NOTIFY listener) vs a single node alone, same window, same invocation
// Figures go to stdout; docs/benchmark.md keeps a run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freeTcpPort, freeUdpPort, makeTestFeed, startTsSender, startUdpReceiver, stopAllTracked, type TsSender, type UdpReceiver } from '../support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from '../support/service-process.js';
import { TreeMeter } from './proc.js';

const { values } = parseArgs({ options: { kills: { type: 'string' }, 'lease-ttl': { type: 'string' }, 'idle-seconds': { type: 'string' } } });
const KILLS = Number(values.kills ?? 10);
const TTL = Number(values['lease-ttl'] ?? 4000);
const IDLE_S = Number(values['idle-seconds'] ?? 20);
const PASSWORD = 'cluster-bench-admin-password';
const BASE = { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: PASSWORD, JWT_SECRET: 'one-jwt-secret-for-every-node-of-the-bench', LEASE_TTL_MS: String(TTL) };
/** Nodes 2 and 3 both have these: the channels can run on either, never on node 1. */
const SHARED = ['127.0.0.3', '127.0.0.4'];

const log = (line: string): void => void process.stderr.write(`[cluster ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function main(): Promise<void> {
  const dirs = [0, 1, 2, 3].map((n) => mkdtempSync(join(tmpdir(), `mld-bench-node${n}-`)));
  const nodes = new Map<string, ServiceProcess>();
  const senders: TsSender[] = [];
  const receivers: UdpReceiver[] = [];
  try {
    const pgPort = await freeTcpPort();
    nodes.set('node-1', await startService({ ...BASE, DATA_DIR: dirs[0]!, NODE_ID: 'node-1', NODE_ADDRESSES: '127.0.0.2', EMBEDDED_POSTGRES_PORT: String(pgPort) }));
    const password = readFileSync(join(dirs[0]!, 'embedded-postgres.password'), 'utf8').trim();
    const databaseUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/medialive`;
    const startNode = async (n: 2 | 3) => nodes.set(`node-${n}`, await startService({ ...BASE, DATA_DIR: dirs[n - 1]!, NODE_ID: `node-${n}`, NODE_ADDRESSES: SHARED.join(','), DATABASE_URL: databaseUrl }));
    await Promise.all([startNode(2), startNode(3)]);
    const url = nodes.get('node-1')!.url;
    const token = await login(url, 'admin', PASSWORD);
    const feed = await makeTestFeed({ seconds: 4, bitrate: 2_000_000, width: 640, height: 360 });

    /** A started channel on `ip`, fed, with a UDP receiver. */
    const channel = async (name: string, ip: string) => {
      const rx = await startUdpReceiver({ mode: 'udp', maxLifetimeMs: 3_600_000 });
      receivers.push(rx);
      const port = await freeUdpPort(ip);
      const made = await api<{ id: string }>(url, 'POST', '/api/channels', token, { name, bind_ip: ip, port, input_type: 'udp' });
      await api(url, 'POST', `/api/channels/${made.body.id}/outputs`, token, { protocol: 'udp', url: `udp://127.0.0.1:${rx.port}`, name: 'rx' });
      await api(url, 'POST', `/api/channels/${made.body.id}/start`, token);
      senders.push(await startTsSender({ ts: feed.ts, host: ip, port, mode: 'udp', loop: true, maxDurationMs: 3_600_000, record: false }));
      await rx.waitForBytes(200_000, 20_000);
      return { id: made.body.id, rx };
    };
    const ownerOf = async (id: string): Promise<string | undefined> => (await api<{ runtime: { node?: string } | null }>(url, 'GET', `/api/channels/${id}`, token)).body.runtime?.node;
    const lastFrom = (rx: UdpReceiver) => rx.datagrams().at(-1)?.from;

    // Takeover after kill -9.
    const watched = await channel('takeover', SHARED[0]!);
    const takeovers: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const owner = await waitFor('an owner', () => ownerOf(watched.id), 30_000, 100);
      const from = lastFrom(watched.rx);
      const killedAt = performance.now();
      process.kill(nodes.get(owner)!.pid, 'SIGKILL');
      await nodes.get(owner)!.stop('SIGKILL').catch(() => undefined);
      await waitFor('the new owner’s datagrams', async () => watched.rx.datagrams().some((d) => d.at > killedAt && d.from !== from) || undefined, TTL + 20_000, 20);
      const ms = watched.rx.datagrams().find((d) => d.at > killedAt && d.from !== from)!.at - killedAt;
      takeovers.push(ms);
      log(`kill ${k + 1}/${KILLS}: ${owner} killed, stream back after ${Math.round(ms)} ms`);
      await startNode(owner === 'node-2' ? 2 : 3);
      await waitFor('the node back up', async () => (await api<{ id: string; state: string }[]>(url, 'GET', '/api/nodes', token)).body.find((n) => n.id === owner)?.state === 'up' || undefined, 30_000, 200);
    }

    // Drain: three more channels; drain whichever node runs the most.
    const drained = await Promise.all([1, 2, 3].map((i) => channel(`drain ${i}`, SHARED[1]!)));
    const all = [watched, ...drained];
    await sleep(2000);
    const owners = await Promise.all(all.map((c) => ownerOf(c.id)));
    const counts = new Map<string, number>();
    for (const o of owners) if (o) counts.set(o, (counts.get(o) ?? 0) + 1);
    const target = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const moving = all.filter((_, i) => owners[i] === target);
    const drainAt = performance.now();
    await api(url, 'POST', `/api/nodes/${target}/drain`, token);
    const gaps: number[] = [];
    for (const c of moving) {
      const from = lastFrom(c.rx);
      await waitFor('the channel moved', async () => c.rx.datagrams().some((d) => d.at > drainAt && d.from !== from) || undefined, 30_000, 20);
      const ds = c.rx.datagrams();
      const firstNew = ds.findIndex((d) => d.at > drainAt && d.from !== from);
      gaps.push(ds[firstNew]!.at - ds[firstNew - 1]!.at);
    }
    const drainMs = performance.now() - drainAt;
    await api(url, 'DELETE', `/api/nodes/${target}/drain`, token);

    // Idle CPU: node-1 (no channel, cluster of 3) vs a single node alone.
    const single = await startService({ ...BASE, DATA_DIR: dirs[3]!, NODE_ID: 'single' });
    await sleep(3000);
    const meter = new TreeMeter([
      { pid: nodes.get('node-1')!.pid, group: 'cluster node, 0 channels', tree: false },
      { pid: single.pid, group: 'single node, 0 channels', tree: false },
    ]);
    meter.start();
    await sleep(IDLE_S * 1000);
    const usage = meter.stop();
    await single.stop('SIGTERM');

    const r = (v: number) => Math.round(v);
    console.log(`cluster bench: 3 nodes on one machine (node-1 hosts PostgreSQL), LEASE_TTL_MS ${TTL}, heartbeat 1000 ms`);
    console.log(`takeover after kill -9 (${takeovers.length} kills): p50 ${r(pct(takeovers, 0.5))} ms, max ${r(Math.max(...takeovers))} ms; all: ${takeovers.map(r).join(' ')}`);
    console.log(`drain of ${target} (${moving.length} channels, ${r(drainMs)} ms in all): gap per channel at its receiver ${gaps.map(r).join(' / ')} ms`);
    for (const p of usage.processes) console.log(`idle ${p.group}: ${p.cpu.toFixed(2)} % of a core, RSS ${(p.rss / 1024 / 1024).toFixed(0)} MiB over ${usage.seconds.toFixed(0)} s`);
  } finally {
    for (const s of senders) await s.stop();
    for (const rx of receivers) await rx.stop();
    for (const s of nodes.values()) await s.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const dir of dirs) {
      for (const pid of processesMentioning(dir)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
