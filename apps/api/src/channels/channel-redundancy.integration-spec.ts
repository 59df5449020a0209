// Main/backup inputs through the API on a real PostgreSQL (issue #12): a backup of any kind with
// failover settings filled from defaults, every rule a 400 naming its field that changes nothing,
// backup ports in the one UDP port space of all inputs, an RTMP backup with its own key, the
// operator's switch (stored, refused where it means nothing), and the live status of both
// inputs on a running channel. Real feeds and outputs across a switch: e2e/src/redundancy-*.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelStatus, ChannelWithOutputsResponse, ErrorResponse, EventPage } from '@mld/contracts';
import { freeUdpPort, startTestApp, tokenForRole, type TestApp } from '../testing/test-app.js';

type Channel = ChannelWithOutputsResponse & ErrorResponse;

describe('main/backup inputs (real PostgreSQL)', () => {
  let app: TestApp;
  let admin: string;
  let viewer: string;
  let operator: string;
  let seq = 0;

  before(async () => {
    app = await startTestApp({ PUBLIC_HOST: 'distributor.test', RTMP_INGEST_PORT: '0' });
    admin = await app.login();
    viewer = await tokenForRole(app, admin, 'viewer');
    operator = await tokenForRole(app, admin, 'operator');
  });
  after(async () => app?.close());

  const create = (body: Record<string, unknown>, token = admin) => app.request<Channel>('POST', '/api/channels', { token, body: { name: `pair-${++seq}`, ...body } });
  const patch = (id: string, body: unknown, token = admin) => app.request<Channel>('PATCH', `/api/channels/${id}`, { token, body });
  const get = (id: string, token = admin) => app.request<Channel>('GET', `/api/channels/${id}`, { token });
  const rtp = async () => ({ type: 'rtp', bind_ip: '127.0.0.1', port: await freeUdpPort() });
  const fields = (r: { body: ErrorResponse }) => (r.body.errors ?? []).map((e) => e.field).sort();
  /** The event log is written after the answer: wait (bounded) for the config.changed entry. */
  const eventMatching = async (channelId: string, pattern: RegExp): Promise<string> => {
    let seen: string[] = [];
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const events = await app.request<EventPage>('GET', `/api/events?channel_id=${channelId}&type=config.changed`, { token: admin });
      seen = events.body.events.map((e) => e.message);
      const hit = seen.find((m) => pattern.test(m));
      if (hit) return hit;
    }
    assert.fail(`no event matching ${pattern} within 5 s:\n${seen.join('\n')}`);
  };

  it('a channel with an RTP backup: failover defaults filled, selection automatic; the backup can be removed', async () => {
    const [main, backup] = [await rtp(), await rtp()];
    const made = await create({ input: main, backup_input: backup });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(made.body.backup_input, { ...backup, source_ip: null, interface_ip: null });
    assert.deepEqual(made.body.failover, { mode: 'failover', prefer: 'main', loss_ms: 500, restore_ms: 10000, merge_window_ms: 200 });
    assert.equal(made.body.input_selection, 'auto');
    // Fields left out keep their value.
    const tuned = await patch(made.body.id, { failover: { loss_ms: 300, prefer: 'none' } });
    assert.equal(tuned.status, 200, JSON.stringify(tuned.body));
    assert.deepEqual(tuned.body.failover, { mode: 'failover', prefer: 'none', loss_ms: 300, restore_ms: 10000, merge_window_ms: 200 });
    const removed = await patch(made.body.id, { backup_input: null });
    assert.equal(removed.status, 200);
    assert.equal(removed.body.backup_input, null);
    assert.equal(removed.body.failover, null);
    const removal = await eventMatching(made.body.id, /backup rtp 127\.0\.0\.1:\d+ → none/);
    assert.match(removal, /by admin$/);
  });

  it('refuses bad main/backup requests with a 400 naming each field, and changes nothing', async () => {
    const main = await rtp();
    const cases: Array<[Record<string, unknown>, string[], RegExp]> = [
      [{ input: main, backup_input: { ...main } }, ['backup_input.port'], /another port than the main/],
      [{ input: main, backup_input: { type: 'rtp', bind_ip: '127.0.0.1', port: 70000 } }, ['backup_input.port'], /1 to 65535/],
      [{ input: main, backup_input: { type: 'carrier-pigeon' } }, ['backup_input.type'], /one of rtp, udp, srt, rtmp, file/],
      [{ input: main, failover: { mode: 'failover' } }, ['failover'], /backup_input/],
      [{ input: main, backup_input: await rtp(), failover: { loss_ms: 5, restore_ms: -1, mode: 'hot', colour: 'red' } }, ['failover.colour', 'failover.loss_ms', 'failover.mode', 'failover.restore_ms'], /milliseconds/],
      [{ input: { type: 'srt', port: await freeUdpPort() }, backup_input: await rtp(), failover: { mode: 'merge' } }, ['input.type'], /merge needs RTP on both inputs/],
      [{ input: main, backup_input: 'yes' }, ['backup_input'], /object/],
    ];
    const before = (await app.request<Channel[]>('GET', '/api/channels', { token: admin })).body.length;
    for (const [body, expected, message] of cases) {
      const result = await create(body);
      assert.equal(result.status, 400, `${JSON.stringify(body)} → ${result.status} ${JSON.stringify(result.body)}`);
      assert.deepEqual(fields(result), expected, JSON.stringify(result.body));
      assert.match(JSON.stringify(result.body), message);
    }
    assert.equal((await app.request<Channel[]>('GET', '/api/channels', { token: admin })).body.length, before, 'a refused request created a channel');
  });

  it('a backup port is in the one UDP port space of every input, main or backup, of any channel', async () => {
    const taken = await rtp();
    const first = await create({ input: await rtp(), backup_input: taken });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    // Another channel's main on that backup's port …
    const asMain = await create({ input: taken });
    assert.equal(asMain.status, 409);
    assert.equal(asMain.body.errors?.[0]?.field, 'port');
    assert.match(asMain.body.message, new RegExp(`used by the backup input of channel "${first.body.name}"`));
    // … or as its backup, even as an SRT listener (SRT runs over UDP).
    const asBackup = await create({ input: await rtp(), backup_input: { type: 'srt', mode: 'listener', bind_ip: '127.0.0.1', port: taken.port } });
    assert.equal(asBackup.status, 409);
    assert.equal(asBackup.body.errors?.[0]?.field, 'backup_input.port');
    // The channel itself may keep its ports in an edit.
    assert.equal((await patch(first.body.id, { description: 'unchanged ports' })).status, 200);
  });

  it('an RTMP backup gets its own stream key, masked for viewers, rotated apart from the main', async () => {
    const made = await create({ input: { type: 'rtmp' }, backup_input: { type: 'rtmp' } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const [mainKey, backupKey] = [made.body.input, made.body.backup_input].map((i) => (i?.type === 'rtmp' ? i.stream_key : ''));
    assert.match(backupKey!, /^live_/);
    assert.notEqual(mainKey, backupKey);
    assert.match(made.body.backup_input?.publish_url ?? '', new RegExp(`/live/${backupKey}$`));
    const seen = await get(made.body.id, viewer);
    assert.doesNotMatch(JSON.stringify(seen.body), new RegExp(backupKey!));
    assert.equal(seen.body.backup_input?.type === 'rtmp' && seen.body.backup_input.stream_key, '****');
    const rotated = await app.request<Channel>('POST', `/api/channels/${made.body.id}/input/rotate-key`, { token: admin, body: { input: 'backup' } });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.equal(rotated.body.input.type === 'rtmp' && rotated.body.input.stream_key, mainKey, 'rotating the backup changed the main key');
    assert.notEqual(rotated.body.backup_input?.type === 'rtmp' && rotated.body.backup_input.stream_key, backupKey);
    const bad = await app.request<Channel>('POST', `/api/channels/${made.body.id}/input/rotate-key`, { token: admin, body: { input: 'spare' } });
    assert.equal(bad.status, 400);
  });

  it('switch: an operator pins an input (stored, shown live), auto hands back; refused where it means nothing', async () => {
    const plain = await create({ input: await rtp() });
    const noBackup = await app.request<Channel>('POST', `/api/channels/${plain.body.id}/input/switch`, { token: operator, body: { to: 'backup' } });
    assert.equal(noBackup.status, 409);
    assert.match(noBackup.body.message, /has no backup input/);

    const pair = await create({ input: await rtp(), backup_input: await rtp(), failover: { restore_ms: 1000 } });
    const switchTo = (to: unknown, token = operator) => app.request<Channel>('POST', `/api/channels/${pair.body.id}/input/switch`, { token, body: { to } });
    assert.equal((await switchTo('backup', viewer)).status, 403);
    const bad = await switchTo('sideways');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors?.[0]?.field, 'to');
    assert.equal((await app.request('POST', `/api/channels/${pair.body.id}/start`, { token: operator })).status, 200);
    const pinned = await switchTo('backup');
    assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
    assert.equal(pinned.body.input_selection, 'backup');
    const status = await app.request<ChannelStatus>('GET', `/api/channels/${pair.body.id}/status`, { token: viewer });
    const redundancy = status.body.runtime?.redundancy;
    assert.ok(redundancy, `no runtime.redundancy: ${JSON.stringify(status.body.runtime)}`);
    assert.equal(redundancy.forced, 'backup');
    assert.deepEqual([redundancy.main.state, redundancy.backup.state].map((s) => ['starting', 'no_signal'].includes(s)), [true, true], 'nothing sends yet');
    assert.equal(status.body.runtime?.merge, null);
    // Stored: a restart of the channel keeps the pinned input.
    await app.request('POST', `/api/channels/${pair.body.id}/stop`, { token: operator });
    await app.request('POST', `/api/channels/${pair.body.id}/start`, { token: operator });
    const again = await app.request<ChannelStatus>('GET', `/api/channels/${pair.body.id}/status`, { token: viewer });
    assert.equal(again.body.runtime?.redundancy?.forced, 'backup');
    assert.equal((await switchTo('auto')).body.input_selection, 'auto');
    await eventMatching(pair.body.id, /backup input forced on air by operator-/);
    // Removing the backup hands the choice back (nothing to pin any more).
    await switchTo('main');
    assert.equal((await patch(pair.body.id, { backup_input: null })).body.input_selection, 'auto');
    await app.request('POST', `/api/channels/${pair.body.id}/stop`, { token: operator });
  });

  it('merge mode: two RTP paths, shown per path on a running channel; a switch is refused', async () => {
    const made = await create({ input: await rtp(), backup_input: await rtp(), failover: { mode: 'merge', merge_window_ms: 150 } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const refused = await app.request<Channel>('POST', `/api/channels/${made.body.id}/input/switch`, { token: operator, body: { to: 'backup' } });
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /merges its two inputs/);
    await app.request('POST', `/api/channels/${made.body.id}/start`, { token: operator });
    const status = await app.request<ChannelStatus>('GET', `/api/channels/${made.body.id}/status`, { token: viewer });
    const merge = status.body.runtime?.merge;
    assert.ok(merge, JSON.stringify(status.body.runtime));
    assert.equal(merge.window_ms, 150);
    assert.deepEqual(merge.paths.map((p) => p.role), ['main', 'backup']);
    assert.equal(status.body.runtime?.redundancy, null);
    // An SRT main cannot be merged: the change is refused and the channel keeps its inputs.
    const srt = await patch(made.body.id, { input: { type: 'srt', port: await freeUdpPort() } });
    assert.equal(srt.status, 400);
    assert.equal((await get(made.body.id)).body.input.type, 'rtp');
    await app.request('POST', `/api/channels/${made.body.id}/stop`, { token: operator });
  });
});
