import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { DataSource } from 'typeorm';
import { freeUdpPort, startTestApp } from '../testing/test-app.js';
import { createDataSource } from './data-source.js';

describe('persistence on the embedded PostgreSQL', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('keeps channels, outputs, users and desired states across a restart on the same data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mld-restart-'));
    dirs.push(dataDir);
    const first = await startTestApp({}, dataDir);
    const token = await first.login();
    const [inPort, outPort] = [await freeUdpPort(), await freeUdpPort()];
    const channel = (await first.request<ChannelWithOutputsResponse>('POST', '/api/channels', { token, body: { name: 'survivor', rtp_ip: '127.0.0.1', rtp_port: inPort } })).body;
    await first.request('POST', `/api/channels/${channel.id}/outputs`, { token, body: { protocol: 'srt', url: `srt://127.0.0.1:${outPort}?latency=200` } });
    await first.request('POST', `/api/channels/${channel.id}/start`, { token });
    await first.request('POST', '/api/users', { token, body: { username: 'kept', password: 'kept-password', role: 'operator' } });
    await first.close({ keepData: true });

    const second = await startTestApp({}, dataDir);
    try {
      // The JWT issued before the restart is still valid: the signing key lives in DATA_DIR.
      const list = await second.request<ChannelWithOutputsResponse[]>('GET', '/api/channels', { token });
      assert.equal(list.status, 200);
      assert.equal(list.body.length, 1);
      assert.equal(list.body[0]!.name, 'survivor');
      assert.equal(list.body[0]!.desired_state, 'running');
      assert.equal(list.body[0]!.outputs[0]!.url, `srt://127.0.0.1:${outPort}?latency=200`);
      await second.login('kept', 'kept-password');
    } finally {
      await second.close({ keepData: true });
    }
  });

  it('creates the first admin with a generated password only once, stored 0600', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mld-bootstrap-'));
    dirs.push(dataDir);
    const first = await startTestApp({ ADMIN_USERNAME: '', ADMIN_PASSWORD: '' }, dataDir);
    const file = join(dataDir, 'initial-admin-password');
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const password = readFileSync(file, 'utf8').trim();
    assert.ok(password.length >= 20);
    await first.login('admin', password);
    await first.close({ keepData: true });

    const second = await startTestApp({ ADMIN_USERNAME: 'other', ADMIN_PASSWORD: 'other-password' }, dataDir);
    try {
      assert.equal(readFileSync(file, 'utf8').trim(), password, 'password file rewritten');
      const token = await second.login('admin', password);
      const users = await second.request<Array<{ username: string }>>('GET', '/api/users', { token });
      assert.deepEqual(users.body.map((u) => u.username), ['admin'], 'a second admin was bootstrapped on restart');
    } finally {
      await second.close({ keepData: true });
    }
  });

  it('has migrations that produce exactly the schema the entities describe, and revert cleanly', async () => {
    const app = await startTestApp();
    const dataSource: DataSource = createDataSource(app.running.databaseUrl);
    try {
      await dataSource.initialize();
      const pending = await dataSource.driver.createSchemaBuilder().log();
      assert.deepEqual(pending.upQueries.map((q) => q.query), [], 'entities and migrations disagree: generate a migration');
      for (const _ of dataSource.migrations) await dataSource.undoLastMigration();
      const tables = await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`);
      assert.deepEqual(tables, []);
      await dataSource.runMigrations();
    } finally {
      await dataSource.destroy();
      await app.close();
    }
  });

  it('keeps RTP/UDP channels whole across the input-kinds and backup-inputs migrations, and refuses to revert over inputs they cannot hold', async () => {
    const app = await startTestApp();
    const dataSource: DataSource = createDataSource(app.running.databaseUrl);
    try {
      await dataSource.initialize();
      await undoThrough(dataSource, 'InputKinds1796195379099'); // back to the schema before input kinds
      await dataSource.query(`INSERT INTO "channels" ("name", "input_type", "bind_ip", "port", "source_ip", "interface_ip") VALUES ('legacy', 'udp', '239.1.1.1', 5004, '10.0.0.1', '10.0.0.2')`);
      await dataSource.runMigrations();
      const [row] = await dataSource.query(`SELECT "input_type", "bind_ip", "port", "source_ip", "interface_ip", "input_settings", "backup_input", "input_selection" FROM "channels" WHERE "name" = 'legacy'`);
      assert.deepEqual(row, { input_type: 'udp', bind_ip: '239.1.1.1', port: 5004, source_ip: '10.0.0.1', interface_ip: '10.0.0.2', input_settings: {}, backup_input: null, input_selection: 'auto' });
      await dataSource.query(`INSERT INTO "channels" ("name", "input_type", "input_settings") VALUES ('obs', 'rtmp', '{"stream_key": "live_x"}')`);
      await assert.rejects(undoThrough(dataSource, 'InputKinds1796195379099'), /1 channel\(s\) have SRT, RTMP or file inputs/);
      const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM "channels"`);
      assert.equal(count, 2, 'the refused revert changed nothing');
      await dataSource.runMigrations();
      // A backup input cannot be held by the schema before main/backup: that revert is refused too.
      await dataSource.query(`UPDATE "channels" SET "backup_input" = '{"type": "rtmp", "stream_key": "live_y"}' WHERE "name" = 'obs'`);
      await assert.rejects(undoThrough(dataSource, 'BackupInputs1796280000000'), /1 channel\(s\) have a backup input/);
      const [kept] = await dataSource.query(`SELECT "backup_input" FROM "channels" WHERE "name" = 'obs'`);
      assert.deepEqual(kept, { backup_input: { type: 'rtmp', stream_key: 'live_y' } });
    } finally {
      await dataSource.destroy();
      await app.close();
    }
  });
});

/** Reverts migrations, newest first, up to and including `name`. */
async function undoThrough(dataSource: DataSource, name: string): Promise<void> {
  for (;;) {
    const [last] = (await dataSource.query(`SELECT "name" FROM "migrations" ORDER BY "id" DESC LIMIT 1`)) as Array<{ name: string }>;
    if (!last) throw new Error(`migration ${name} is not applied`);
    await dataSource.undoLastMigration();
    if (last.name === name) return;
  }
}
