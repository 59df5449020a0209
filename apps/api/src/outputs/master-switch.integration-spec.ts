import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse, OutputResponse } from '@mld/contracts';
import { DataSource } from 'typeorm';
import { createDataSource } from '../database/data-source.js';
import { freeUdpPort, startTestApp, type TestApp } from '../testing/test-app.js';

/** Master start/stop changes all outputs of a channel or none of them. */
describe('master start/stop is one transaction', () => {
  let app: TestApp;
  let token: string;
  let db: DataSource;

  before(async () => {
    app = await startTestApp();
    token = await app.login();
    db = createDataSource(app.running.databaseUrl);
    await db.initialize();
  });
  after(async () => {
    await db?.query('DROP TRIGGER IF EXISTS poison_output ON outputs').catch(() => undefined);
    await db?.destroy();
    await app?.close();
  });

  const states = async (channelId: string) =>
    (await db.query(`SELECT name, desired_state FROM outputs WHERE channel_id = $1 ORDER BY name`, [channelId])) as Array<{ name: string; desired_state: string }>;

  for (const [action, from, to] of [
    ['stop-all', 'running', 'stopped'],
    ['start-all', 'stopped', 'running'],
  ] as const) {
    it(`${action}: a failure on the last output leaves every output as it was`, async () => {
      const channel = (await app.request<ChannelWithOutputsResponse>('POST', '/api/channels', { token, body: { name: `master-${action}`, rtp_ip: '127.0.0.1', rtp_port: await freeUdpPort() } })).body;
      for (const name of ['a-first', 'b-second', 'c-third', 'z-poison']) {
        const created = await app.request<OutputResponse>('POST', `/api/channels/${channel.id}/outputs`, { token, body: { protocol: 'udp', url: `udp://127.0.0.1:${await freeUdpPort()}`, name } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        if (from === 'stopped') assert.equal((await app.request('POST', `/api/channels/${channel.id}/outputs/${created.body.id}/stop`, { token })).status, 200);
      }
      const before = await states(channel.id);
      assert.ok(before.every((o) => o.desired_state === from));
      // The fault: the database refuses to change the output created last (the master switch reaches it last).
      await db.query(`CREATE OR REPLACE FUNCTION poison_output() RETURNS trigger AS $$ BEGIN
        IF NEW.name = 'z-poison' THEN RAISE EXCEPTION 'injected failure half-way'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await db.query(`CREATE TRIGGER poison_output BEFORE UPDATE ON outputs FOR EACH ROW EXECUTE FUNCTION poison_output()`);
      try {
        const result = await app.request('POST', `/api/channels/${channel.id}/outputs/${action}`, { token });
        assert.ok(result.status >= 400, `the master switch reported success: ${result.status}`);
        assert.deepEqual(await states(channel.id), before, 'some outputs changed, others did not');
      } finally {
        await db.query('DROP TRIGGER poison_output ON outputs');
      }
      // Without the fault the same call changes all of them.
      const result = await app.request<OutputResponse[]>('POST', `/api/channels/${channel.id}/outputs/${action}`, { token });
      assert.equal(result.status, 200);
      assert.ok((await states(channel.id)).every((o) => o.desired_state === to));
    });
  }
});
