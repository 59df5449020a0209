// The service under test, started as `npm start` runs it (node --enable-source-maps
// dist/apps/api/main.js) in a fresh data directory with embedded PostgreSQL. LOG_LEVEL=warn
// keeps logging out of the measurement, so the "listening" line never comes: the port is
// chosen here and readiness is GET /api/health.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectPdeathsigSupport, wrapWithPdeathsig } from '@mld/supervisor';
import { freeTcpPort } from '../support/media/free-port.js';
import { processesMentioning, repoRoot } from '../support/service-process.js';

export const BENCH_ADMIN = { username: 'bench', password: 'bench-admin-password' };

export interface BenchService {
  url: string;
  pid: number;
  dataDir: string;
  output(): string;
  /** SIGTERM, SIGKILL after 40 s; then kills any process still mentioning the data dir (postgres) and removes it. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
const dataDirs = new Set<string>();

/** `env`: added to the service's environment (e.g. RTMP_INGEST_PORT for RTMP inputs). */
export async function startBenchService(env: Record<string, string> = {}, timeoutMs = 90_000): Promise<BenchService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-bench-'));
  dataDirs.add(dataDir);
  const port = await freeTcpPort();
  const args = ['--enable-source-maps', join(repoRoot, 'dist/apps/api/main.js')];
  // pdeathsig: if the benchmark dies, the service (and, through its own pdeathsig, its children) dies too.
  const cmd = detectPdeathsigSupport() ? wrapWithPdeathsig(process.execPath, args) : { command: process.execPath, args };
  const child = spawn(cmd.command, cmd.args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      NO_COLOR: '1',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ADMIN_USERNAME: BENCH_ADMIN.username,
      ADMIN_PASSWORD: BENCH_ADMIN.password,
      DASHBOARD_DIR: join(dataDir, 'no-dashboard'),
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  const url = `http://127.0.0.1:${port}`;

  const cleanup = () => {
    for (const pid of processesMentioning(dataDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
    dataDirs.delete(dataDir);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      cleanup();
      throw new Error(`the service exited during start (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      cleanup();
      throw new Error(`the service did not answer /api/health within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    pid: child.pid!,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
        await exited;
        clearTimeout(timer);
      }
      // Embedded PostgreSQL normally stops with the service; make sure.
      const deadline2 = Date.now() + 10_000;
      while (processesMentioning(dataDir).length > 0 && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 100));
      cleanup();
    },
  };
}

/** Last-resort cleanup (SIGINT, crash): SIGKILL the services and whatever still runs from their data dirs. */
export function killBenchServices(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of [...dataDirs]) {
    for (const pid of processesMentioning(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
    dataDirs.delete(dir);
  }
}
