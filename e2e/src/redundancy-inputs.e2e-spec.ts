// Main/backup inputs, the harder cases against real peers (issue #12): a main that flaps (up 2 s,
// down 2 s) must never earn the return to it, and a failover across input kinds, an SRT main
// (srt-live-transmit caller to the channel's listener) with an RTP backup. The UDP destination
// records one continuous stream on the main's PIDs in both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { Distributor } from './support/distributor.js';
import { freeUdpPort, resumeOffset, startSrtCallerFeed, startTsSender, startUdpReceiver, waitForQuiet, type EncoderFeed, type TsSender, type UdpReceiver } from './support/media/index.js';
import { analyseRecording, assertContinuous, decodeRecording, describeRecording, describeRuns, GOP_MS, makePipelineFeeds, redundancyOf, waitRedundancy } from './support/redundancy-checks.js';
import { startServiceRig, type ServiceRig } from './support/service-rig.js';

const ADMIN_PASSWORD = 'redundancy-inputs-admin-password';
const LOSS_MS = 500;
const SRT_LATENCY_MS = 200;

const until = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

describe('main/backup inputs: a flapping main, and an SRT main with an RTP backup', { timeout: 150_000 }, () => {
  let rig: ServiceRig<{ main: EncoderFeed; backup: EncoderFeed }>;
  let mld: Distributor;
  let workDir: string;
  let main: EncoderFeed;
  let backup: EncoderFeed;

  before(async () => {
    rig = await startServiceRig('mld-e2e-redundancy-in', ADMIN_PASSWORD, { alongside: (dir) => makePipelineFeeds(dir, 30) });
    ({ mld, workDir, prepared: { main, backup } } = rig);
  });

  after(async () => rig?.close());

  /** A started channel with the given main input, an RTP backup and a UDP output. */
  async function pairChannel(name: string, input: Record<string, unknown>, restoreMs: number): Promise<{ channel: ChannelWithOutputsResponse; backupPort: number; udpRx: UdpReceiver }> {
    const backupPort = await freeUdpPort();
    const udpRx = await startUdpReceiver({ mode: 'udp', maxLifetimeMs: 120_000 });
    const channel = await mld.createChannel({
      name,
      input,
      backup_input: { type: 'rtp', bind_ip: '127.0.0.1', port: backupPort },
      failover: { mode: 'failover', prefer: 'main', loss_ms: LOSS_MS, restore_ms: restoreMs },
    });
    await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://127.0.0.1:${udpRx.port}`, name: 'udp' });
    assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
    return { channel, backupPort, udpRx };
  }

  it('a main up 2 s, down 2 s never earns the return (restore_ms 5000); once it stays up, the channel goes back', async (t) => {
    const RESTORE_MS = 5000;
    const mainPort = await freeUdpPort();
    const { channel, backupPort, udpRx } = await pairChannel('flapping main', { type: 'rtp', bind_ip: '127.0.0.1', port: mainPort }, RESTORE_MS);
    const senders: TsSender[] = [];
    const mainFrom = (offset: number, durationMs?: number) =>
      startTsSender({ ts: main.ts.subarray(resumeOffset(main.ts, offset)), host: '127.0.0.1', port: mainPort, mode: 'rtp', maxDurationMs: 60_000, ...(durationMs ? { durationMs } : {}) }).then((s) => (senders.push(s), s));
    try {
      let mainTx = await mainFrom(0, 2000);
      await waitRedundancy(mld, channel.id, 'the main on air', (r) => r.active === 'main' && r.main.healthy, 10_000);
      const backupTx = await startTsSender({ ts: backup.ts, host: '127.0.0.1', port: backupPort, mode: 'rtp', maxDurationMs: 60_000 });
      senders.push(backupTx);
      await waitRedundancy(mld, channel.id, 'the backup healthy on standby', (r) => r.backup.healthy, 10_000);
      await mainTx.done;

      // Three times down 2 s, up 2 s; the third time the main stays up (the control: it is taken back after restore_ms).
      const cycles = 3;
      const upPhases: string[] = [];
      let upAt = 0;
      for (let k = 0; k < cycles; k++) {
        const downAt = Date.now();
        if (k === 0) await waitRedundancy(mld, channel.id, 'the failover', (r) => r.active === 'backup', LOSS_MS + GOP_MS + 3_000);
        await until(downAt + 2000);
        const stays = k === cycles - 1;
        mainTx = await mainFrom(backupTx.stats().generated * 7 * 188, stays ? undefined : 2000);
        upAt = Date.now();
        const up = await waitRedundancy(mld, channel.id, `the main healthy again (cycle ${k + 1})`, (r) => r.main.healthy && r.main.healthy_since !== null, 2_000);
        assert.equal(up.active, 'backup');
        if (stays) await until(upAt + 2000);
        else await mainTx.done;
        const late = (await redundancyOf(mld, channel.id))!;
        assert.deepEqual([late.active, late.switches], ['backup', 1], `cycle ${k + 1}: switched back to a main up for only 2 s`);
        upPhases.push(`healthy after ${Date.parse(up.main.healthy_since!) - upAt} ms`);
      }
      const flapped = (await redundancyOf(mld, channel.id))!;
      assert.deepEqual(flapped.recent_switches.map((s) => `${s.from}→${s.to}:${s.cause}`), ['main→backup:failover']);

      const back = await waitRedundancy(mld, channel.id, 'the main back on air', (r) => r.active === 'main', RESTORE_MS + GOP_MS + 5_000);
      const restoreMs = Date.parse(back.recent_switches[0]!.at) - upAt;
      assert.deepEqual([back.switches, back.recent_switches[0]!.cause, back.recent_switches[0]!.at_random_access], [2, 'restored', true]);
      assert.ok(restoreMs >= RESTORE_MS - 50 && restoreMs <= RESTORE_MS + GOP_MS + 1000, `returned ${restoreMs} ms after the main came back to stay`);
      await udpRx.waitForBytes(udpRx.bytes() + main.bitrate / 8, 10_000);
      await Promise.all(senders.map((s) => s.stop()));
      await waitForQuiet(() => udpRx.bytes(), 500, 10_000);
      assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);

      const report = analyseRecording(udpRx.received(), { main, backup });
      assertContinuous('UDP', report, main, 2);
      const pictures = await decodeRecording(workDir, 'flapping', udpRx.received(), main.pids.video);
      assert.deepEqual(pictures.runs.filter((r) => r.picture !== 'other').map((r) => r.picture), ['blue', 'yellow', 'blue'], `pictures: ${describeRuns(pictures.runs)}`);
      t.diagnostic(`${cycles} flaps (${upPhases.join(', ')} in the up phases), 1 switch during them; back on the main ${restoreMs} ms after it came back to stay (restore_ms ${RESTORE_MS})`);
      t.diagnostic(`${describeRecording('UDP', report)}; pictures ${describeRuns(pictures.runs)}`);
    } finally {
      await Promise.all(senders.map((s) => s.stop()));
      await udpRx.stop();
    }
  });

  it('an SRT main dies: the RTP backup takes over; the UDP output goes on with the main’s PIDs and no CC error', async (t) => {
    const srtPort = await freeUdpPort();
    const { channel, backupPort, udpRx } = await pairChannel('srt main, rtp backup', { type: 'srt', mode: 'listener', bind_ip: '127.0.0.1', port: srtPort, latency: SRT_LATENCY_MS }, 3000);
    let backupTx: TsSender | undefined;
    const encoder = await startSrtCallerFeed({ ts: main.ts, target: { host: '127.0.0.1', port: srtPort, latencyMs: SRT_LATENCY_MS }, maxLifetimeMs: 90_000 });
    try {
      await waitRedundancy(mld, channel.id, 'the SRT main on air', (r) => r.active === 'main' && r.main.healthy, 10_000);
      backupTx = await startTsSender({ ts: backup.ts, host: '127.0.0.1', port: backupPort, mode: 'rtp', maxDurationMs: 60_000 });
      const standby = await waitRedundancy(mld, channel.id, 'the RTP backup healthy on standby', (r) => r.backup.healthy, 10_000);
      assert.match(standby.main.peer ?? '', /^127\.0\.0\.1:\d+$/, 'the SRT encoder shows as the main’s peer');
      await udpRx.waitForBytes(udpRx.bytes() + 2 * (main.bitrate / 8), 15_000);

      // The encoder dies (SIGKILL: no SRT shutdown reaches the listener), its feed with it.
      process.kill(encoder.relay.pid, 'SIGKILL');
      const killedAt = Date.now();
      await encoder.sender.stop();
      const onBackup = await waitRedundancy(mld, channel.id, 'the backup on air', (r) => r.active === 'backup', LOSS_MS + GOP_MS + SRT_LATENCY_MS + 5_000);
      const failover = onBackup.recent_switches[0]!;
      const switchMs = Date.parse(failover.at) - killedAt;
      assert.deepEqual([failover.from, failover.to, failover.cause], ['main', 'backup', 'failover']);
      // The listener still delivers what it buffered (up to the SRT latency) after the encoder died.
      assert.ok(switchMs >= LOSS_MS - 50 && switchMs <= LOSS_MS + SRT_LATENCY_MS + GOP_MS, `switched ${switchMs} ms after the SRT encoder died`);
      assert.equal(onBackup.main.healthy, false);
      await udpRx.waitForBytes(udpRx.bytes() + 2 * (main.bitrate / 8), 15_000);
      await backupTx.stop();
      await waitForQuiet(() => udpRx.bytes(), 500, 10_000);
      const udpOut = (await mld.channel(channel.id)).outputs[0]!.runtime!;
      assert.equal(udpOut.restarts, 0, 'the UDP output restarted');
      assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);

      assert.equal(new Set(udpRx.datagrams().map((d) => d.from)).size, 1, 'UDP datagrams from more than one socket');
      const report = analyseRecording(udpRx.received(), { main, backup });
      assertContinuous('UDP', report, main, 1);
      const pictures = await decodeRecording(workDir, 'srt-main', udpRx.received(), main.pids.video);
      assert.deepEqual(pictures.runs.filter((r) => r.picture !== 'other').map((r) => r.picture), ['blue', 'yellow'], `pictures: ${describeRuns(pictures.runs)}`);
      t.diagnostic(`SRT main → RTP backup ${switchMs} ms after the encoder died (gap_ms ${failover.gap_ms}, reason "${failover.reason}")`);
      t.diagnostic(`${describeRecording('UDP', report)}; pictures ${describeRuns(pictures.runs)}`);
    } finally {
      await encoder.stop();
      await backupTx?.stop();
      await udpRx.stop();
    }
  });
});
