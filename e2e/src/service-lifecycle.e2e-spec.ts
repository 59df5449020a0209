import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, killLeftovers, login, processesMentioning, startService, waitFor } from './support/service-process.js';

/** The service as a user runs it: a process with its own PostgreSQL, signals, restarts. */
describe('service lifecycle (real process, embedded PostgreSQL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-life-'));
  after(() => {
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('first start writes a generated admin password to its file, never to the log, and serves the seed calls', async () => {
    const service = await startService({ DATA_DIR: dataDir, DASHBOARD_DIR: join(dataDir, 'none') });
    const password = readFileSync(join(dataDir, 'initial-admin-password'), 'utf8').trim();
    assert.ok(!service.output().includes(password), 'generated password printed in the log');
    assert.ok(service.output().includes(join(dataDir, 'initial-admin-password')), 'the log does not name the password file');
    const token = await login(service.url, 'admin', password);
    const channel = await api<{ id: string }>(service.url, 'POST', '/api/channels', token, { name: 'e2e', rtp_ip: '0.0.0.0', rtp_port: 5000 });
    assert.equal(channel.status, 201);
    assert.equal((await api(service.url, 'POST', `/api/channels/${channel.body.id}/outputs`, token, { protocol: 'srt', url: 'srt://127.0.0.1:9000' })).status, 201);
    assert.equal(await service.stop('SIGTERM'), 0);
    // A clean stop leaves nothing behind: the PostgreSQL server is stopped with us.
    await waitFor('postgres to exit', () => processesMentioning(join(dataDir, 'postgres')).length === 0, 10_000);
  });

  it('restarts on the same data and still knows its channels; the password is not printed again', async () => {
    const service = await startService({ DATA_DIR: dataDir, DASHBOARD_DIR: join(dataDir, 'none') });
    const password = readFileSync(join(dataDir, 'initial-admin-password'), 'utf8').trim();
    assert.ok(!service.output().includes(password), 'password printed on a later start');
    const token = await login(service.url, 'admin', password);
    const channels = await api<Array<{ name: string; outputs: unknown[] }>>(service.url, 'GET', '/api/channels', token);
    assert.deepEqual(channels.body.map((c) => [c.name, c.outputs.length]), [['e2e', 1]]);

    // Killed without warning: its PostgreSQL must not outlive it...
    await service.stop('SIGKILL');
    await waitFor('postgres to follow its parent', () => processesMentioning(join(dataDir, 'postgres')).length === 0, 15_000);
    // ...and the next start recovers the data directory.
    const again = await startService({ DATA_DIR: dataDir, DASHBOARD_DIR: join(dataDir, 'none') });
    const token2 = await login(again.url, 'admin', password);
    assert.equal((await api<unknown[]>(again.url, 'GET', '/api/channels', token2)).body.length, 1);
    assert.equal(await again.stop('SIGTERM'), 0);
  });

  it('refuses a bad configuration with a clear message and exit code 2', async () => {
    await assert.rejects(startService({ DATA_DIR: dataDir, PORT: '99999' }, 20_000), /PORT must be between 0 and 65535, got 99999/);
    await assert.rejects(startService({ DATA_DIR: dataDir, DATABASE_URL: 'mysql://x' }, 20_000), /DATABASE_URL must start with postgres/);
  });
});
