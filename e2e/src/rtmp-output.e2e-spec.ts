import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, createServer as createTcpServer } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputRuntime } from '@mld/contracts';
import { Distributor } from './support/distributor.js';
import { freeUdpPort, makeTestFeed, startRtmpServer, startTsSender, stopAllTracked, type RtmpServer, type TestFeed } from './support/media/index.js';
import { killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'rtmp-output-admin-password';

/** A TCP port nobody listens on. */
async function closedTcpPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Samples an output's state for `ms`; returns every runtime seen. */
async function watch(mld: Distributor, channelId: string, outputId: string, ms: number): Promise<OutputRuntime[]> {
  const seen: OutputRuntime[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = await mld.outputRuntime(channelId, outputId);
    if (r) seen.push(r);
    await new Promise((res) => setTimeout(res, 150));
  }
  return seen;
}

/**
 * RTMP outputs through the service's own publisher (ADR 0007) against a real nginx-rtmp: the
 * recording plays, refused destinations are never `running` and say why, and no child process
 * has the stream key on its command line.
 */
describe('RTMP outputs published by the service (nginx-rtmp)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-rtmp-'));
  const certDir = mkdtempSync(join(tmpdir(), 'mld-e2e-rtmps-'));
  let service: ServiceProcess;
  let mld: Distributor;
  let feed: TestFeed;
  let rtmp: RtmpServer;
  let tlsProxy: TlsServer | undefined;

  before(async () => {
    feed = await makeTestFeed({ seconds: 12, cueIntervalSeconds: 2 });
    // A self-signed certificate for 127.0.0.1 that the service trusts through NODE_EXTRA_CA_CERTS (RTMPS test).
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore', timeout: 30_000 });
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, DASHBOARD_DIR: join(dataDir, 'none'), NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') });
    mld = new Distributor(service.url, await login(service.url, 'admin', ADMIN_PASSWORD));
    rtmp = await startRtmpServer({ record: 'unique' });
  });

  after(async () => {
    tlsProxy?.close();
    await rtmp?.stop().catch(() => undefined);
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(certDir, { recursive: true, force: true });
  });

  it('publishes a real feed: the recording is H.264 + AAC, bytes counted at the socket, and the key is on no command line', async () => {
    const inPort = await freeUdpPort();
    const key = `e2e-secret-key-${Date.now()}`;
    const channel = await mld.createChannel({ name: 'rtmp ok', rtp_ip: '127.0.0.1', rtp_port: inPort });
    const out = await mld.addOutput(channel.id, { protocol: 'rtmp', url: rtmp.url('live', key), name: 'rtmp' });
    assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
    const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp' });
    let late: OutputRuntime | undefined;
    try {
      const running = await mld.waitOutput(channel.id, out.id, 'running', (r) => r.state === 'running' && r.bytes_out > 100_000, 20_000);
      assert.equal(running.connected, true, 'a running RTMP output has its publish session up');
      assert.ok(running.pid, 'FFmpeg child pid');
      // The stream key must be in no process's argv: not FFmpeg's, not any other (the service's own neither).
      assert.deepEqual(processesMentioning(key), [], 'a process has the stream key on its command line');
      const cmdline = readFileSync(`/proc/${running.pid}/cmdline`, 'utf8').split('\0');
      assert.ok(cmdline.includes('pipe:1') && !cmdline.some((a) => a.includes('rtmp')), `FFmpeg argv: ${cmdline.join(' ')}`);
      await rtmp.waitForPublish(key, 15_000);
      await sender.done;
      // Once the feed is over and the pipeline has drained, bytes_out stops moving.
      let previous = -1;
      late = await waitFor('bytes_out to settle', async () => {
        const r = await mld.outputRuntime(channel.id, out.id);
        const settled = r && r.bytes_out === previous ? r : undefined;
        previous = r?.bytes_out ?? -1;
        return settled;
      }, 15_000, 1000);
      assert.ok((late.ffmpeg?.out_time_seconds ?? 0) > 5, `media time sent: ${JSON.stringify(late.ffmpeg)}`);
      assert.equal(late.state, 'running', 'no input is not a stall');
    } finally {
      await sender.stop();
      assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);
    }
    const recording = await waitFor('the RTMP recording', () => rtmp.recordings().find((f) => f.includes(key)), 10_000);
    const probe = await rtmp.probe(recording);
    assert.deepEqual(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort(), ['audio:aac', 'video:h264']);
    assert.ok(Number(probe.format.duration) > 5, `recording of ${probe.format.duration} s`);
    // What left for the destination is what nginx recorded, give or take FLV framing and RTMP chunk headers.
    const recorded = Number(probe.format.size);
    assert.ok(late && late.bytes_out >= recorded * 0.95 && late.bytes_out <= recorded * 1.1, `bytes_out ${late?.bytes_out} vs recorded ${recorded}`);
  });

  for (const refusal of [
    { what: 'a closed port', url: async () => `rtmp://127.0.0.1:${await closedTcpPort()}/live/k1`, error: /^connection refused by 127\.0\.0\.1:\d+$/ },
    { what: 'a denied publish (deny publish all)', url: async () => rtmp.url('closed', 'k2'), error: /closed the connection just after publish started: stream key rejected or publishing not allowed/ },
    { what: 'an application that does not exist', url: async () => rtmp.url('nosuchapp', 'k3'), error: /closed the connection in answer to connect: application "nosuchapp" refused or unknown/ },
  ]) {
    it(`an output to ${refusal.what} is never running, backs off and says why`, async () => {
      const inPort = await freeUdpPort();
      const channel = await mld.createChannel({ name: `refused ${refusal.what}`.slice(0, 60), rtp_ip: '127.0.0.1', rtp_port: inPort });
      const out = await mld.addOutput(channel.id, { protocol: 'rtmp', url: await refusal.url(), name: 'refused' });
      assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
      // Feed it: the old failure mode was "running at ~3 Mbit/s" from bytes handed to FFmpeg.
      const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp', loop: true, durationMs: 12_000 });
      try {
        const seen = await watch(mld, channel.id, out.id, 9_000);
        assert.deepEqual([...new Set(seen.map((r) => r.state))].filter((s) => s === 'running'), [], 'shown as running');
        assert.ok(seen.every((r) => r.bitrate_bps === 0 || r.state !== 'running'));
        assert.ok(seen.some((r) => r.state === 'backoff' && r.next_retry_at !== null), 'backoff with a visible next retry');
        const errors = [...new Set(seen.map((r) => r.last_error).filter(Boolean))];
        assert.ok(errors.length > 0 && errors.every((e) => refusal.error.test(e!)), `last_error: ${JSON.stringify(errors)}`);
        assert.ok(seen.every((r) => r.connected !== true));
      } finally {
        await sender.stop();
        assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);
      }
    });
  }

  it('publishes over RTMPS (TLS in front of nginx-rtmp, certificate verified)', async () => {
    const cert = readFileSync(join(certDir, 'cert.pem'));
    const key = readFileSync(join(certDir, 'key.pem'));
    // TLS terminates here, bytes go on to nginx-rtmp: the service's TLS client is what is under test.
    tlsProxy = createTlsServer({ key, cert }, (tls) => {
      const upstream = netConnect({ host: '127.0.0.1', port: rtmp.port });
      tls.pipe(upstream).pipe(tls);
      const end = () => {
        tls.destroy();
        upstream.destroy();
      };
      tls.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((r) => tlsProxy!.listen(0, '127.0.0.1', r));
    const tlsPort = (tlsProxy.address() as { port: number }).port;
    const inPort = await freeUdpPort();
    const streamKey = `e2e-rtmps-${Date.now()}`;
    const channel = await mld.createChannel({ name: 'rtmps ok', rtp_ip: '127.0.0.1', rtp_port: inPort });
    const out = await mld.addOutput(channel.id, { protocol: 'rtmps', url: `rtmps://127.0.0.1:${tlsPort}/live/${streamKey}`, name: 'rtmps' });
    assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
    const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp' });
    try {
      await mld.waitOutput(channel.id, out.id, 'running over TLS', (r) => r.state === 'running' && r.bytes_out > 100_000, 20_000);
      await rtmp.waitForPublish(streamKey, 15_000);
      await sender.done;
    } finally {
      await sender.stop();
      assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);
    }
    const recording = await waitFor('the RTMPS recording', () => rtmp.recordings().find((f) => f.includes(streamKey)), 10_000);
    const probe = await rtmp.probe(recording);
    assert.deepEqual(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort(), ['audio:aac', 'video:h264']);
    assert.ok(existsSync(recording));
  });
});
