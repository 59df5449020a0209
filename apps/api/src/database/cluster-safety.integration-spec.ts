import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { freeUdpPort, startTestApp } from '../testing/test-app.js';
import { ClusterRefusedError, PASSWORD_FILE } from './embedded-postgres-cluster.js';
import { resetEmbeddedPassword } from './reset-embedded-password.js';

/** Every file under dir with its size and mtime: "untouched" means this does not change. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const s = statSync(path);
        out.push(`${relative(dir, path)} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

async function channelNames(dataDir: string): Promise<string[]> {
  const app = await startTestApp({}, dataDir);
  try {
    const token = await app.login();
    return (await app.request<ChannelWithOutputsResponse[]>('GET', '/api/channels', { token })).body.map((c) => c.name);
  } finally {
    await app.close({ keepData: true });
  }
}

async function refusal(dataDir: string): Promise<ClusterRefusedError> {
  const started = Date.now();
  const error = await startTestApp({}, dataDir).then(
    async (app) => {
      await app.close({ keepData: true });
      return undefined;
    },
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClusterRefusedError, `start was not refused: ${String(error)}`);
  console.log(`# refused in ${Date.now() - started} ms`);
  return error;
}

describe('an existing embedded cluster is never deleted or re-initialised', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function dataDirWithChannel(): Promise<string> {
    const dataDir = mkdtempSync(join(tmpdir(), 'mld-safety-'));
    dirs.push(dataDir);
    const app = await startTestApp({}, dataDir);
    const token = await app.login();
    const created = await app.request('POST', '/api/channels', { token, body: { name: 'keep-me', rtp_ip: '127.0.0.1', rtp_port: await freeUdpPort() } });
    assert.equal(created.status, 201);
    await app.close({ keepData: true });
    return dataDir;
  }

  it('refuses to start without the password file, keeps the cluster, and starts again once the file is restored', async () => {
    const dataDir = await dataDirWithChannel();
    const passwordFile = join(dataDir, PASSWORD_FILE);
    renameSync(passwordFile, `${passwordFile}.backup`);
    const before = snapshot(dataDir);
    const error = await refusal(dataDir);
    assert.match(error.message, /password file .*embedded-postgres\.password is missing/);
    assert.match(error.message, /nothing was removed/);
    assert.match(error.message, /restore .*embedded-postgres\.password/);
    assert.match(error.message, /reset-embedded-password\.js/);
    assert.deepEqual(snapshot(dataDir), before, 'the data dir changed during a refused start');
    renameSync(`${passwordFile}.backup`, passwordFile);
    assert.deepEqual(await channelNames(dataDir), ['keep-me']);
  });

  it('refuses a corrupt password file and a wrong password; the reset tool gives the kept cluster a new one', async () => {
    const dataDir = await dataDirWithChannel();
    const passwordFile = join(dataDir, PASSWORD_FILE);
    writeFileSync(passwordFile, 'not a password\u0000\n');
    assert.match((await refusal(dataDir)).message, /corrupt/);
    writeFileSync(passwordFile, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n');
    // This one is only found out by the server itself (authentication fails): it ran, then stopped.
    assert.match((await refusal(dataDir)).message, /not the one this cluster was created with/);
    assert.ok(readdirSync(join(dataDir, 'postgres')).includes('PG_VERSION'), 'cluster removed');
    // ...and stopped cleanly again: no server left holding the directory.
    assert.ok(!readdirSync(join(dataDir, 'postgres')).includes('postmaster.pid'), 'the server was left running');
    await resetEmbeddedPassword(join(dataDir, 'postgres'));
    assert.equal(statSync(passwordFile).mode & 0o777, 0o600);
    assert.deepEqual(await channelNames(dataDir), ['keep-me']);
  });

  for (const damage of ['removed', 'corrupt'] as const) {
    it(`refuses to start when PG_VERSION is ${damage}, keeps every file, and starts again once it is restored`, async () => {
      const dataDir = await dataDirWithChannel();
      const versionFile = join(dataDir, 'postgres', 'PG_VERSION');
      const original = readFileSync(versionFile);
      if (damage === 'removed') unlinkSync(versionFile);
      else writeFileSync(versionFile, 'garbage\n');
      const before = snapshot(dataDir);
      const error = await refusal(dataDir);
      assert.match(error.message, damage === 'removed' ? /no PG_VERSION/ : /PG_VERSION is corrupt/);
      assert.match(error.message, /nothing was removed/);
      assert.deepEqual(snapshot(dataDir), before, 'the data dir changed during a refused start');
      writeFileSync(versionFile, original);
      assert.deepEqual(await channelNames(dataDir), ['keep-me']);
    });
  }

  it('refuses a cluster made by another PostgreSQL major version', async () => {
    const dataDir = await dataDirWithChannel();
    const versionFile = join(dataDir, 'postgres', 'PG_VERSION');
    const original = readFileSync(versionFile);
    writeFileSync(versionFile, '11\n');
    assert.match((await refusal(dataDir)).message, /created by PostgreSQL 11, this service runs PostgreSQL \d+/);
    writeFileSync(versionFile, original);
    assert.deepEqual(await channelNames(dataDir), ['keep-me']);
  });

  it('the built service exits non-zero with the reason on stderr and no stack trace', async () => {
    const dataDir = await dataDirWithChannel();
    unlinkSync(join(dataDir, PASSWORD_FILE));
    const main = new URL('../main.js', import.meta.url).pathname;
    const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error', DATABASE_URL: '' };
    const started = Date.now();
    const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    console.log(`# built service refused in ${Date.now() - started} ms (exit ${code})`);
    assert.equal(code, 3, stderr);
    assert.match(stderr, /refusing to start: cannot open the embedded PostgreSQL cluster: its password file .* is missing/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'a stack trace was printed');
    assert.ok(readdirSync(join(dataDir, 'postgres')).includes('PG_VERSION'));
  });

  it('a first start interrupted during initdb leaves only a staging dir, which the next start replaces', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mld-safety-'));
    dirs.push(dataDir);
    mkdirSync(join(dataDir, 'postgres.initdb-partial', 'base'), { recursive: true });
    writeFileSync(join(dataDir, 'postgres.initdb-partial', 'PG_VERSION'), '18\n');
    assert.deepEqual(await channelNames(dataDir), []);
    assert.ok(!readdirSync(dataDir).includes('postgres.initdb-partial'));
  });

  it('never initialises over a non-empty directory that is not a cluster', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mld-safety-'));
    dirs.push(dataDir);
    mkdirSync(join(dataDir, 'postgres'));
    writeFileSync(join(dataDir, 'postgres', 'precious'), 'data');
    const error = await refusal(dataDir);
    assert.match(error.message, /holds files but no PG_VERSION/);
    assert.equal(readFileSync(join(dataDir, 'postgres', 'precious'), 'utf8'), 'data');
  });
});
