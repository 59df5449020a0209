// Runs INSIDE a network namespace prepared by multicast.e2e-spec.ts (loopback with MULTICAST on and a
// 224.0.0.0/4 route), because this host's own loopback cannot do multicast. Not a test file by itself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Distributor } from './support/distributor.js';
import { findOverlap, freeUdpPort, makeTestFeed, startTsSender, startUdpReceiver, stopAllTracked, tsReport, waitForQuiet, type TestFeed } from './support/media/index.js';
import { killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const PASSWORD = 'multicast-admin-password';

describe('multicast ingest and egress (inside a network namespace)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-mc-'));
  let service: ServiceProcess;
  let mld: Distributor;
  let feed: TestFeed;

  before(async () => {
    feed = await makeTestFeed({ seconds: 6, cueIntervalSeconds: 2 });
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: PASSWORD, DASHBOARD_DIR: join(dataDir, 'none') });
    mld = new Distributor(service.url, await login(service.url, 'admin', PASSWORD));
  });

  after(async () => {
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const ssm of [false, true]) {
    it(`joins a multicast group${ssm ? ' source-specifically' : ''} and re-sends byte-exact to a multicast group with a TTL`, async () => {
      const inGroup = ssm ? '232.1.1.1' : '239.1.1.1';
      const outGroup = ssm ? '239.2.2.2' : '239.3.3.3';
      const [inPort, outPort] = [await freeUdpPort(), await freeUdpPort()];
      const rx = await startUdpReceiver({ mode: 'udp', port: outPort, host: '127.0.0.1', multicastGroup: outGroup });
      try {
        const channel = await mld.createChannel({ name: `mc-${ssm}`, input_type: 'rtp', bind_ip: inGroup, port: inPort, interface_ip: '127.0.0.1', ...(ssm ? { source_ip: '127.0.0.1' } : {}) });
        await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://${outGroup}:${outPort}?ttl=2&localaddr=127.0.0.1` });
        await mld.post(`/api/channels/${channel.id}/start`);
        await waitFor('ingest joined', async () => (await mld.channel(channel.id)).runtime?.state === 'no_signal', 10_000);
        const sender = await startTsSender({ ts: feed.ts, host: inGroup, port: inPort, mode: 'rtp', ttl: 1, bindAddress: '127.0.0.1' });
        await sender.done;
        await waitForQuiet(() => rx.bytes(), 500, 10_000);
        const overlap = findOverlap(sender.stats().deliveredTs, rx.received());
        const runtime = (await mld.channel(channel.id)).runtime;
        assert.ok(overlap.found && overlap.identical, `multicast output differs from the multicast input: ${rx.bytes()} bytes received, input ${JSON.stringify(runtime)}`);
        assert.ok(overlap.sentCoverage > 0.99, `coverage ${overlap.sentCoverage}`);
        assert.equal(tsReport(rx.received()).ccErrors, 0);
        assert.equal((await mld.channel(channel.id)).runtime?.rtp.lost, 0);
        await mld.post(`/api/channels/${channel.id}/stop`);
      } finally {
        await rx.stop();
      }
    });
  }
});
