// Switching by hand (issue #12, docs/redundancy.md "Switching by hand"): an operator pins the
// backup (cause forced, kept through a main that comes and goes and through a channel restart),
// then hands the choice back with auto. Viewers are refused, bad bodies and channels that have
// nothing to switch are answered with what is wrong.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Distributor } from './support/distributor.js';
import { channelEvents } from './support/input-checks.js';
import { freeUdpPort, startTsSender, startUdpReceiver, tsReport, waitForQuiet, type EncoderFeed, type TsSender } from './support/media/index.js';
import { decodeRecording, describeRuns, GOP_MS, hex, makePipelineFeeds, redundancyOf, switchInput, waitForEventSince, waitRedundancy } from './support/redundancy-checks.js';
import { api, login, waitFor, type ServiceProcess } from './support/service-process.js';
import { startServiceRig, type ServiceRig } from './support/service-rig.js';

const ADMIN_PASSWORD = 'redundancy-switch-admin-password';
const RESTORE_MS = 1000;

describe('POST /api/channels/{id}/input/switch', { timeout: 120_000 }, () => {
  let rig: ServiceRig<{ main: EncoderFeed; backup: EncoderFeed }>;
  let service: ServiceProcess;
  let workDir: string;
  let mld: Distributor;
  let operator: string;
  let viewer: string;
  let main: EncoderFeed;
  let backup: EncoderFeed;

  before(async () => {
    rig = await startServiceRig('mld-e2e-switch', ADMIN_PASSWORD, { alongside: (dir) => makePipelineFeeds(dir, 8) });
    ({ service, mld, workDir, prepared: { main, backup } } = rig);
    for (const [username, role] of [['duty', 'operator'], ['watcher', 'viewer']] as const) {
      assert.equal((await api(service.url, 'POST', '/api/users', mld.token, { username, password: `${username}-password`, role })).status, 201);
    }
    operator = await login(service.url, 'duty', 'duty-password');
    viewer = await login(service.url, 'watcher', 'watcher-password');
  });

  after(async () => rig?.close());

  it('refuses what cannot be switched: no backup (409), merge mode (409), failover without a backup (400)', async () => {
    const single = await mld.createChannel({ name: 'single input', input: { type: 'rtp', bind_ip: '127.0.0.1', port: await freeUdpPort() } });
    const none = await switchInput(mld.url, operator, single.id, { to: 'backup' });
    assert.equal(none.status, 409, JSON.stringify(none.body));
    assert.match(String(none.body['message']), /no backup input/);
    const patched = await api<{ errors?: { field: string }[] }>(mld.url, 'PATCH', `/api/channels/${single.id}`, mld.token, { failover: { loss_ms: 300 } });
    assert.equal(patched.status, 400, JSON.stringify(patched.body));
    assert.ok(patched.body.errors?.some((e) => e.field.startsWith('failover')), JSON.stringify(patched.body));

    const merged = await mld.createChannel({
      name: 'merged paths',
      input: { type: 'rtp', bind_ip: '127.0.0.1', port: await freeUdpPort() },
      backup_input: { type: 'rtp', bind_ip: '127.0.0.1', port: await freeUdpPort() },
      failover: { mode: 'merge' },
    });
    const inMerge = await switchInput(mld.url, operator, merged.id, { to: 'main' });
    assert.equal(inMerge.status, 409, JSON.stringify(inMerge.body));
    assert.match(String(inMerge.body['message']), /merge/);
    assert.equal((await switchInput(mld.url, operator, '00000000-0000-4000-8000-000000000000', { to: 'main' })).status, 404);
  });

  it('an operator pins the backup (forced, at a key frame), it holds through the main coming and going and a restart; auto hands back to the main', async (t) => {
    const mainPort = await freeUdpPort();
    const backupPort = await freeUdpPort();
    const udpRx = await startUdpReceiver({ mode: 'udp', maxLifetimeMs: 90_000 });
    const senders: TsSender[] = [];
    const send = async (feed: EncoderFeed, port: number) => {
      const s = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port, mode: 'rtp', loop: true, maxDurationMs: 80_000 });
      senders.push(s);
      return s;
    };
    try {
      const channel = await mld.createChannel({
        name: 'pinned',
        input: { type: 'rtp', bind_ip: '127.0.0.1', port: mainPort },
        backup_input: { type: 'rtp', bind_ip: '127.0.0.1', port: backupPort },
        failover: { mode: 'failover', loss_ms: 500, restore_ms: RESTORE_MS },
      });
      await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://127.0.0.1:${udpRx.port}`, name: 'udp' });
      assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
      let mainTx = await send(main, mainPort);
      await waitRedundancy(mld, channel.id, 'the main on air', (r) => r.active === 'main' && r.main.healthy, 10_000);
      let backupTx = await send(backup, backupPort);
      await waitRedundancy(mld, channel.id, 'the backup healthy on standby', (r) => r.backup.healthy, 10_000);

      // Refused before anything happens.
      const asViewer = await switchInput(mld.url, viewer, channel.id, { to: 'backup' });
      assert.equal(asViewer.status, 403, JSON.stringify(asViewer.body));
      for (const [body, field] of [[{}, 'to'], [{ to: 'sideways' }, 'to'], [{ to: 'backup', now: true }, 'now'], [{ to: ['backup'] }, 'to']] as const) {
        const bad = await switchInput(mld.url, operator, channel.id, body);
        assert.equal(bad.status, 400, `${JSON.stringify(body)} → ${bad.status} ${JSON.stringify(bad.body)}`);
        const errors = (bad.body['errors'] ?? []) as { field: string; message: string }[];
        assert.ok(errors.some((e) => e.field === field), `${JSON.stringify(body)}: errors ${JSON.stringify(errors)}`);
      }
      assert.match(JSON.stringify((await switchInput(mld.url, operator, channel.id, { to: 'sideways' })).body), /auto, main, backup/);
      const untouched = (await redundancyOf(mld, channel.id))!;
      assert.deepEqual([untouched.active, untouched.forced, untouched.switches], ['main', null, 0]);

      // The operator pins the backup.
      const forcedAt = Date.now();
      const pinned = await switchInput(mld.url, operator, channel.id, { to: 'backup' });
      assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
      assert.equal(pinned.body['input_selection'], 'backup');
      const onBackup = await waitRedundancy(mld, channel.id, 'the backup on air', (r) => r.active === 'backup', GOP_MS + 3_000);
      const forced = onBackup.recent_switches[0]!;
      const forcedMs = Date.parse(forced.at) - forcedAt;
      assert.deepEqual([forced.from, forced.to, forced.cause, forced.at_random_access, onBackup.forced], ['main', 'backup', 'forced', true, 'backup']);
      assert.ok(forcedMs <= GOP_MS + 500, `forced switch ${forcedMs} ms after the order (key frame every ${GOP_MS} ms)`);
      const switched = await waitForEventSince(mld, channel.id, 'input.switched', forcedAt);
      assert.deepEqual([switched.details?.['to'], switched.details?.['cause'], switched.actor], ['backup', 'forced', 'duty'], 'the switch is recorded under who ordered it');
      const selected = (await channelEvents(mld, channel.id, ['config.changed'])).filter((e) => e.details?.['change'] === 'input_selected');
      assert.deepEqual(selected.map((e) => e.actor), ['duty'], 'who gave the order is logged');

      // Pinned: the main healthy for longer than restore_ms, then gone and back, changes nothing.
      await waitFor('the main healthy for restore_ms and more', async () => {
        const r = (await redundancyOf(mld, channel.id))!;
        return r.main.healthy_since !== null && Date.now() - Date.parse(r.main.healthy_since) > RESTORE_MS + 1000;
      }, 10_000, 100);
      await mainTx.stop();
      await waitRedundancy(mld, channel.id, 'the main failed', (r) => !r.main.healthy, 3_000);
      mainTx = await send(main, mainPort);
      const mainBackAt = Date.now();
      await waitRedundancy(mld, channel.id, 'the main healthy again', (r) => r.main.healthy, 3_000);
      await waitFor('restore_ms and more past the main’s return', () => Date.now() - mainBackAt > RESTORE_MS + 1000, 5_000, 100);
      const held = (await redundancyOf(mld, channel.id))!;
      assert.deepEqual([held.active, held.forced, held.switches], ['backup', 'backup', 1], 'a pinned backup was left for the main');

      // The order is stored: a restarted channel puts the pinned backup on air, and only it — even
      // while the backup is not there yet and the main is (then the output waits; no automatic choice).
      await backupTx.stop();
      assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);
      const firstRun = await waitForQuiet(() => udpRx.bytes(), 500, 10_000);
      assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
      assert.equal((await mld.channel(channel.id)).input_selection, 'backup');
      const waiting = await waitFor('the main healthy in the restarted channel', async () => {
        const r = await redundancyOf(mld, channel.id);
        return r && r.main.healthy_since !== null && Date.now() - Date.parse(r.main.healthy_since) > 1000 ? r : undefined;
      }, 10_000, 50);
      assert.equal(waiting.forced, 'backup');
      assert.equal(udpRx.bytes(), firstRun, `the restarted channel put the main on air (${udpRx.bytes() - firstRun} B) although the backup is pinned`);
      backupTx = await send(backup, backupPort);
      const restarted = await waitRedundancy(mld, channel.id, 'the restarted channel on the pinned backup', (r) => r.active === 'backup' && r.backup.healthy, 10_000);
      assert.equal(restarted.forced, 'backup');
      await waitFor('the main healthy for restore_ms and more', async () => {
        const r = (await redundancyOf(mld, channel.id))!;
        return r.main.healthy_since !== null && Date.now() - Date.parse(r.main.healthy_since) > RESTORE_MS + 500;
      }, 10_000, 100);
      assert.equal((await redundancyOf(mld, channel.id))!.active, 'backup');

      // auto: the policy chooses again, and the main has been healthy long enough.
      const autoAt = Date.now();
      const auto = await switchInput(mld.url, operator, channel.id, { to: 'auto' });
      assert.equal(auto.status, 200, JSON.stringify(auto.body));
      assert.equal(auto.body['input_selection'], 'auto');
      const onMain = await waitRedundancy(mld, channel.id, 'the main back on air', (r) => r.active === 'main', GOP_MS + 3_000);
      const returned = onMain.recent_switches[0]!;
      assert.deepEqual([returned.from, returned.to, returned.cause, returned.at_random_access, onMain.forced], ['backup', 'main', 'restored', true, null]);
      const autoMs = Date.parse(returned.at) - autoAt;
      await udpRx.waitForBytes(udpRx.bytes() + main.bitrate / 8, 10_000);
      await Promise.all(senders.map((s) => s.stop()));
      await waitForQuiet(() => udpRx.bytes(), 500, 10_000);
      assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);

      // The destination saw main then the forced backup; after the restart, the backup then main.
      const [run1, run2] = [udpRx.received().subarray(0, firstRun), udpRx.received().subarray(firstRun)];
      const pictures1 = await decodeRecording(workDir, 'pinned-1', run1, main.pids.video);
      const pictures2 = await decodeRecording(workDir, 'pinned-2', run2, backup.pids.video);
      assert.deepEqual(pictures1.runs.filter((r) => r.picture !== 'other').map((r) => r.picture), ['blue', 'yellow'], `first run: ${describeRuns(pictures1.runs)}`);
      assert.deepEqual(pictures2.runs.filter((r) => r.picture !== 'other').map((r) => r.picture), ['yellow', 'blue'], `after the restart: ${describeRuns(pictures2.runs)} (${run2.length} B, PIDs ${tsReport(run2).pids.map(hex).join(' ')}) ${pictures2.stderr}`);
      t.diagnostic(`forced switch ${forcedMs} ms after the order, auto → main ${autoMs} ms after it; event: ${switched.message}; pictures ${describeRuns(pictures1.runs)} | restart | ${describeRuns(pictures2.runs)}`);
    } finally {
      await Promise.all(senders.map((s) => s.stop()));
      await udpRx.stop();
    }
  });
});
