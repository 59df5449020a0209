// Merge mode (issue #12, ADR 0014): ONE RTP stream sent on two paths (same SSRC, same sequence
// numbers, same bytes, SMPTE 2022-7 style), each path losing its own 5 % of the datagrams. The
// outputs must get every byte of the stream, exactly; the status counts each path's loss and no
// merged loss.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Distributor } from './support/distributor.js';
import { assertByteExact, describeExact, waitRuntime } from './support/input-checks.js';
import { datagramCount, disjointDropPatterns, freeUdpPort, makeTestFeed, startSrtReceiver, startTsSender, startUdpReceiver, tsReport, waitForQuiet, type TestFeed } from './support/media/index.js';
import { waitMerge } from './support/redundancy-checks.js';
import { startServiceRig, type ServiceRig } from './support/service-rig.js';

const ADMIN_PASSWORD = 'redundancy-merge-admin-password';

describe('merge mode: one RTP stream on two lossy paths', { timeout: 120_000 }, () => {
  let rig: ServiceRig<TestFeed>;
  let mld: Distributor;
  let feed: TestFeed;

  before(async () => {
    rig = await startServiceRig('mld-e2e-merge', ADMIN_PASSWORD, { alongside: () => makeTestFeed({ seconds: 8, bitrate: 3_000_000, cueIntervalSeconds: 1, width: 640, height: 360 }) });
    ({ mld, prepared: feed } = rig);
  });

  after(async () => rig?.close());

  it('each path drops a different 5 %: UDP and SRT outputs get the stream byte for byte; runtime.merge shows per-path loss, merged_lost 0', async (t) => {
    const portA = await freeUdpPort();
    const portB = await freeUdpPort();
    const udpRx = await startUdpReceiver({ mode: 'udp', maxLifetimeMs: 90_000 });
    const srtRx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort(), maxLifetimeMs: 90_000 });
    try {
      const channel = await mld.createChannel({
        name: 'two paths',
        input: { type: 'rtp', bind_ip: '127.0.0.1', port: portA },
        backup_input: { type: 'rtp', bind_ip: '127.0.0.1', port: portB },
        failover: { mode: 'merge' },
      });
      assert.deepEqual([channel.failover?.mode, channel.failover?.merge_window_ms], ['merge', 200]);
      await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://127.0.0.1:${udpRx.port}`, name: 'udp' });
      const srtOut = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${srtRx.port}?latency=120`, name: 'srt' });
      assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
      await mld.waitOutput(channel.id, srtOut.id, 'SRT connected', (r) => r.state === 'running' && r.connected === true);
      await waitRuntime(mld, channel.id, 'listening on both paths', (r) => r.state === 'no_signal' && r.merge !== null);

      // The same RTP stream twice (SSRC, sequence numbers from 65000 so they wrap, timestamps), each path with its own drops.
      const count = datagramCount(feed.ts.length);
      const [dropA, dropB] = disjointDropPatterns(count, 0.05, 2022);
      const rtp = { ssrc: 0x20220007, initialSequence: 65_000 };
      const [pathA, pathB] = await Promise.all([
        startTsSender({ ts: feed.ts, host: '127.0.0.1', port: portA, mode: 'rtp', rtp, dropSequences: dropA }),
        startTsSender({ ts: feed.ts, host: '127.0.0.1', port: portB, mode: 'rtp', rtp, dropSequences: dropB }),
      ]);
      await Promise.all([pathA.done, pathB.done]);
      const source = pathA.stats().generatedTs;
      assert.ok(source.equals(pathB.stats().generatedTs), 'the two paths must carry the same stream');
      await Promise.all([waitForQuiet(() => udpRx.bytes(), 500, 10_000), waitForQuiet(() => srtRx.bytes(), 500, 10_000)]);

      const merge = await waitMerge(mld, channel.id, 'every datagram counted', (m) => m.paths.reduce((n, p) => n + p.received, 0) === 2 * count - dropA.size - dropB.size, 5_000);
      const runtime = (await mld.channel(channel.id)).runtime!;
      assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);
      const [a, b] = (['main', 'backup'] as const).map((role) => merge.paths.find((p) => p.role === role)!);
      assert.ok(a && b, `paths ${JSON.stringify(merge.paths)}`);
      assert.deepEqual([a.lost, b.lost], [dropA.size, dropB.size], 'each path’s own loss, as if it were alone');
      assert.deepEqual([a.received, b.received], [count - dropA.size, count - dropB.size]);
      assert.equal(merge.merged_lost, 0, 'the merge lost what one path still had');
      assert.equal(a.used + b.used, count, 'every datagram went out once');
      assert.deepEqual([a.ssrc, b.ssrc], [rtp.ssrc, rtp.ssrc]);
      assert.equal(runtime.rtp.lost, 0, 'the channel’s own loss is the merged loss');

      // UDP: every byte of the stream, in order, nothing else.
      const udp = udpRx.received();
      assert.equal(udp.length, source.length, `UDP received ${udp.length} of ${source.length} bytes`);
      assert.ok(udp.equals(source), 'UDP output differs from the stream sent');
      const udpReport = tsReport(udp, { scte35Pids: [feed.scte35Pid] });
      assert.equal(udpReport.ccErrors, 0);
      // SRT: srt-live-transmit keeps its last few KiB while it runs, so "all but the tail".
      const srt = assertByteExact('SRT', source, srtRx.received(), { minCoverage: 0.99, cues: feed.cues, scte35Pid: feed.scte35Pid, minCues: 5 });

      t.diagnostic(`${count} datagrams; path main dropped ${dropA.size} (lost ${a.lost}, late ${a.late}, used ${a.used}, behind ${a.behind_ms} ms), path backup dropped ${dropB.size} (lost ${b.lost}, late ${b.late}, used ${b.used}, behind ${b.behind_ms} ms); merged_lost ${merge.merged_lost}`);
      t.diagnostic(`UDP ${udp.length} B identical to the ${source.length} B sent, ${udpReport.ccErrors} CC errors, ${udpReport.cues.length} cues; SRT ${describeExact(srt)}`);
    } finally {
      await Promise.all([udpRx.stop(), srtRx.stop()]);
    }
  });
});
