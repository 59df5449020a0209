// Soak with fault injection (not part of CI; docs/soak.md). One channel fed by a real RTP sender
// fans out to two UDP receivers (never faulted), an srt-live-transmit receiver and nginx-rtmp
// (faulted), while a seeded random schedule kills output children (-9), takes the SRT receiver
// down and up, SIGSTOPs/SIGCONTs an output child, and SIGKILLs and restarts the API service on
// the same data dir. Prints periodically and at the end: restarts, recoveries (time to recover),
// bytes lost on the untouched outputs, the service's RSS over time (slope), orphans after stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectPdeathsigSupport, wrapWithPdeathsig } from '@mld/supervisor';
import { processTree, readProcStat, readRssBytes } from '../bench/proc.js';
import { freeTcpPort, freeUdpPort, makeTestFeed, startRtmpServer, startSrtReceiver, startTsSender, startUdpReceiver, type RtmpServer } from '../support/media/index.js';
import { api, login, processesMentioning, repoRoot } from '../support/service-process.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const MINUTES = Number(arg('minutes', '30'));
const SEED = Number(arg('seed', String(Date.now() % 1_000_000)));
const FAULT_EVERY_S = Number(arg('fault-every', '20'));
const ADMIN = { username: 'soak', password: 'soak-admin-password' };
const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: the fault schedule is reproducible from --seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const work = mkdtempSync(join(tmpdir(), 'mld-soak-'));
// Embedded PostgreSQL runs as user postgres when we are root: it must be able to pass through.
chmodSync(work, 0o711);
const dataDir = join(work, 'data');
let service: { child: ChildProcess; url: string; pid: number } | undefined;

async function startServiceProcess(port: number): Promise<NonNullable<typeof service>> {
  const args = ['--enable-source-maps', join(repoRoot, 'dist/apps/api/main.js')];
  const cmd = detectPdeathsigSupport() ? wrapWithPdeathsig(process.execPath, args) : { command: process.execPath, args };
  const child = spawn(cmd.command, cmd.args, {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', DATA_DIR: dataDir, ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, DASHBOARD_DIR: join(work, 'none'), LOGIN_RATE_LIMIT_PER_MINUTE: '1000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`service exited during start (${child.exitCode ?? child.signalCode})`);
    if (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return { child, url, pid: child.pid! };
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error('service did not answer /api/health in 90 s');
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The output child of the service whose command line matches (see childMatchers). */
function childFor(matches: (cmd: string) => boolean): number | undefined {
  if (!service) return undefined;
  return processTree(service.pid).find((p) => p.pid !== service!.pid && matches(cmdline(p.pid)))?.pid;
}

async function main(): Promise<void> {
  const random = prng(SEED);
  const endAt = Date.now() + MINUTES * 60_000;
  log(`seed ${SEED}, ${MINUTES} min, a fault every ~${FAULT_EVERY_S} s, work dir ${work}`);
  const feed = await makeTestFeed({ seconds: 20, bitrate: 2_000_000, dir: work });
  const apiPort = await freeTcpPort();
  service = await startServiceProcess(apiPort);
  const token = await login(service.url, ADMIN.username, ADMIN.password);
  const inPort = await freeUdpPort();
  const channel = await api<{ id: string }>(service.url, 'POST', '/api/channels', token, { name: 'soak', rtp_ip: '127.0.0.1', rtp_port: inPort });
  const lifetime = MINUTES * 60_000 + 120_000;
  const udpA = await startUdpReceiver({ mode: 'udp', maxLifetimeMs: lifetime });
  const udpB = await startUdpReceiver({ mode: 'rtp', maxLifetimeMs: lifetime });
  const srtPort = await freeUdpPort();
  const srt = await startSrtReceiver({ mode: 'listener', port: srtPort, maxLifetimeMs: lifetime });
  let rtmp: RtmpServer | undefined;
  try {
    rtmp = await startRtmpServer({ maxLifetimeMs: lifetime });
  } catch (error) {
    log(`no nginx-rtmp (${(error as Error).message.split('\n')[0]}): RTMP output left out`);
  }
  const outputs: { name: string; body: object }[] = [
    { name: 'udp-untouched', body: { protocol: 'udp', url: `udp://127.0.0.1:${udpA.port}?pkt_size=1316` } },
    { name: 'rtp-untouched', body: { protocol: 'rtp', url: `rtp://127.0.0.1:${udpB.port}` } },
    { name: 'srt-faulted', body: { protocol: 'srt', url: `srt://127.0.0.1:${srtPort}?latency=200` } },
    ...(rtmp ? [{ name: 'rtmp-faulted', body: { protocol: 'rtmp', url: rtmp.url('live', 'soakkey') } }] : []),
  ];
  for (const o of outputs) {
    const r = await api(service.url, 'POST', `/api/channels/${channel.body.id}/outputs`, token, { name: o.name, ...o.body });
    if (r.status !== 201) throw new Error(`output ${o.name}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const started = await api(service.url, 'POST', `/api/channels/${channel.body.id}/start`, token);
  if (started.status >= 300) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
  const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp', loop: true, pacing: 'realtime', record: false, maxDurationMs: lifetime });

  const rtmpBytes = () => (rtmp ? rtmp.recordings().reduce((n, f) => n + (readProcSize(f) ?? 0), 0) : 0);
  const faulted: Record<string, () => number> = { srt: () => srt.bytes(), ...(rtmp ? { rtmp: rtmpBytes } : {}) };
  // SRT: srt-live-transmit names its destination port. RTMP: FFmpeg only remuxes to FLV on stdout and
  // the service publishes it (ADR 0007), so no URL is on its command line; the soak has one RTMP output.
  const childMatchers: Record<string, (cmd: string) => boolean> = {
    srt: (cmd) => cmd.includes(`:${srtPort}`),
    ...(rtmp ? { rtmp: (cmd: string) => cmd.includes('-f flv') } : {}),
  };
  const seenChildren = new Map<number, number>(); // pid -> start time: every process the service ever ran
  const startsPerOutput: Record<string, Set<number>> = { srt: new Set(), rtmp: new Set() };
  const recoveries: { fault: string; ms: number | 'not recovered' }[] = [];
  const rss: { t: number; pid: number; mb: number }[] = [];
  // Untouched outputs: sent vs received per 5 s sample, counted only where the service ran throughout.
  let lossWindowSent = 0;
  let lossWindowA = 0;
  let lossWindowB = 0;
  let serviceRestarts = 0;
  let lastServiceKillAt = 0;
  const t0 = Date.now();

  const sample = () => {
    if (!service) return;
    for (const p of processTree(service.pid)) seenChildren.set(p.pid, p.startTime);
    for (const [name, matches] of Object.entries(childMatchers)) {
      const pid = childFor(matches);
      if (pid) startsPerOutput[name]!.add(pid);
    }
    const mb = (readRssBytes(service.pid) ?? 0) / 2 ** 20;
    if (mb > 0) rss.push({ t: (Date.now() - t0) / 1000, pid: service.pid, mb });
  };

  const waitGrowth = async (read: () => number, timeoutMs = 60_000): Promise<number | 'not recovered'> => {
    const from = read();
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      await sleep(250);
      if (read() > from + 10_000) return Date.now() - start;
    }
    return 'not recovered';
  };

  const faults: [string, () => Promise<void>][] = [
    ['kill -9 srt child', async () => signalChild('srt', 'SIGKILL')],
    ...(rtmp ? ([['kill -9 rtmp child', async () => signalChild('rtmp', 'SIGKILL')]] as [string, () => Promise<void>][]) : []),
    ['srt receiver down 5 s and up', async () => {
      await srt.stop();
      await sleep(5_000);
      await srt.restart();
      recoveries.push({ fault: 'srt receiver down/up', ms: await waitGrowth(faulted['srt']!) });
    }],
    ['SIGSTOP srt child 5 s, SIGCONT', async () => {
      const pid = childFor(childMatchers['srt']!);
      if (!pid) return;
      process.kill(pid, 'SIGSTOP');
      await sleep(5_000);
      process.kill(pid, 'SIGCONT');
      recoveries.push({ fault: 'SIGSTOP/SIGCONT srt child', ms: await waitGrowth(faulted['srt']!) });
    }],
    ['API service SIGKILL and restart', async () => {
      lastServiceKillAt = Date.now();
      service!.child.kill('SIGKILL');
      await new Promise((r) => service!.child.once('exit', r));
      // Its children die with it (pdeathsig); PostgreSQL is stopped by the data dir lock on restart.
      const t = Date.now();
      service = await startServiceProcess(apiPort);
      serviceRestarts++;
      const ms = await waitGrowth(() => udpA.bytes());
      recoveries.push({ fault: 'API killed and restarted', ms: ms === 'not recovered' ? ms : ms + (Date.now() - t - ms) });
      lastServiceKillAt = Date.now();
    }],
  ];

  async function signalChild(name: string, signal: NodeJS.Signals): Promise<void> {
    const pid = childFor(childMatchers[name]!);
    if (!pid) return log(`no ${name} child to signal`);
    process.kill(pid, signal);
    recoveries.push({ fault: `kill -9 ${name} child`, ms: await waitGrowth(faulted[name]!) });
  }

  const report = (final: boolean) => {
    const restarts = Object.fromEntries(Object.entries(startsPerOutput).map(([k, v]) => [k, Math.max(0, v.size - 1)]));
    const rec = recoveries.filter((r) => typeof r.ms === 'number').map((r) => r.ms as number);
    const failedRec = recoveries.filter((r) => r.ms === 'not recovered').length;
    log(
      `${final ? 'FINAL ' : ''}t=${Math.round((Date.now() - t0) / 1000)}s faults=${recoveries.length} service restarts=${serviceRestarts} output child restarts=${JSON.stringify(restarts)} ` +
        `recovery ms min/median/max=${rec.length ? `${Math.min(...rec)}/${rec.sort((a, b) => a - b)[Math.floor(rec.length / 2)]}/${Math.max(...rec)}` : '-'} not recovered=${failedRec} ` +
        `untouched loss (service up): udp ${Math.max(0, lossWindowSent - lossWindowA)} B, rtp ${Math.max(0, lossWindowSent - lossWindowB)} B of ${lossWindowSent} B ` +
        `rss=${rss.at(-1)?.mb.toFixed(1) ?? '-'} MB slope=${rssSlope(rss)}`,
    );
  };

  let nextFaultAt = Date.now() + 30_000;
  let last = { sent: payloadSent(sender), a: udpA.bytes(), b: udpB.bytes(), at: Date.now() };
  let lastPrint = Date.now();
  while (Date.now() < endAt) {
    await sleep(5_000);
    sample();
    const now = { sent: payloadSent(sender), a: udpA.bytes(), b: udpB.bytes(), at: Date.now() };
    // Skip windows touching a service kill (every output loses then) and the first 15 s (start-up).
    if (now.at - lastServiceKillAt > 20_000 && now.at - t0 > 15_000) {
      lossWindowSent += now.sent - last.sent;
      lossWindowA += now.a - last.a;
      lossWindowB += now.b - last.b;
    }
    last = now;
    if (Date.now() - lastPrint >= 60_000) {
      report(false);
      lastPrint = Date.now();
    }
    if (Date.now() >= nextFaultAt && Date.now() < endAt - 30_000) {
      const [name, run] = faults[Math.floor(random() * faults.length)]!;
      log(`fault: ${name}`);
      await run().catch((e: Error) => log(`fault ${name} failed: ${e.message}`));
      sample();
      last = { sent: payloadSent(sender), a: udpA.bytes(), b: udpB.bytes(), at: Date.now() };
      nextFaultAt = Date.now() + FAULT_EVERY_S * 1000 * (0.5 + random());
    }
  }
  report(true);
  for (const r of recoveries) log(`  recovery: ${r.fault}: ${r.ms === 'not recovered' ? 'NOT recovered in 60 s' : `${r.ms} ms`}`);

  // Stop everything, then look for anything left behind.
  await sender.stop();
  service!.child.kill('SIGTERM');
  await Promise.race([new Promise((r) => service!.child.once('exit', r)), sleep(40_000)]);
  if (service!.child.exitCode === null && service!.child.signalCode === null) service!.child.kill('SIGKILL');
  await sleep(3_000);
  const orphans = [...seenChildren].filter(([pid, startTime]) => readProcStat(pid)?.startTime === startTime && readProcStat(pid)?.state !== 'Z').map(([pid]) => pid);
  const mentioning = processesMentioning(dataDir);
  log(`orphans after stop: ${orphans.length} of ${seenChildren.size} service processes seen still alive${orphans.length ? ` (${orphans.map((p) => `${p} ${cmdline(p).slice(0, 80)}`).join('; ')})` : ''}; processes mentioning the data dir: ${mentioning.length}`);
  for (const pid of [...orphans, ...mentioning]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await Promise.allSettled([udpA.stop(), udpB.stop(), srt.stop(), rtmp?.stop()]);
}

function payloadSent(sender: { stats(): { bytes: number; datagrams: number } }): number {
  const s = sender.stats();
  return s.bytes - s.datagrams * 12; // RTP headers off: the untouched outputs carry the TS only
}

function readProcSize(file: string): number | undefined {
  try {
    return readFileSync(file).length;
  } catch {
    return undefined;
  }
}

/** Least-squares RSS slope in MB/hour over the longest run of one service PID. */
function rssSlope(points: { t: number; pid: number; mb: number }[]): string {
  const byPid = new Map<number, typeof points>();
  for (const p of points) byPid.set(p.pid, [...(byPid.get(p.pid) ?? []), p]);
  const longest = [...byPid.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  if (longest.length < 3) return '-';
  const n = longest.length;
  const mt = longest.reduce((s, p) => s + p.t, 0) / n;
  const mm = longest.reduce((s, p) => s + p.mb, 0) / n;
  const slope = longest.reduce((s, p) => s + (p.t - mt) * (p.mb - mm), 0) / longest.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  return `${(slope * 3600).toFixed(1)} MB/h over ${Math.round(longest.at(-1)!.t - longest[0]!.t)} s (pid ${longest[0]!.pid}, ${longest[0]!.mb.toFixed(1)}→${longest.at(-1)!.mb.toFixed(1)} MB)`;
}

const cleanup = () => {
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  for (const pid of processesMentioning(work)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(work, { recursive: true, force: true });
};
process.once('SIGINT', () => (cleanup(), process.exit(130)));
process.once('SIGTERM', () => (cleanup(), process.exit(143)));
main().then(
  () => (cleanup(), process.exit(0)),
  (error: Error) => (console.error(error), cleanup(), process.exit(1)),
);
