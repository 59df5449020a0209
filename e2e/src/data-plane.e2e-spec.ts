import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Distributor } from './support/distributor.js';
import {
  cuesWithin,
  findOverlap,
  freeUdpPort,
  missingCues,
  pidAlive,
  rtpSequenceReport,
  sendGarbage,
  startRtmpServer,
  startSrtReceiver,
  startTsSender,
  startUdpReceiver,
  stopAllTracked,
  tsReport,
  waitForQuiet,
  makeTestFeed,
  type TestFeed,
} from './support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'data-plane-admin-password';
const SCTE35_PID = 0x1f6;

/** The stream as the receiver got it must be, byte for byte, a contiguous part of what was sent. */
function assertByteExact(label: string, sent: Buffer, received: Buffer, minCoverage: number, feed: TestFeed, minCues = 2): void {
  const overlap = findOverlap(sent, received);
  assert.ok(overlap.found, `${label}: received data not found in the sent stream (${received.length} bytes)`);
  assert.ok(overlap.identical, `${label}: differs from the sent stream at byte ${overlap.firstMismatchAt}`);
  assert.ok(overlap.sentCoverage >= minCoverage, `${label}: only ${(overlap.sentCoverage * 100).toFixed(1)} % of the stream arrived`);
  const report = tsReport(received, { scte35Pids: [SCTE35_PID] });
  assert.equal(report.ccErrors, 0, `${label}: continuity errors ${JSON.stringify(report.ccErrorsByPid)}`);
  const expected = cuesWithin(feed.cues, overlap.offsetInSent, overlap.length);
  assert.ok(expected.length >= minCues, `${label}: the overlap should hold at least ${minCues} cue(s), found ${expected.length}`);
  assert.deepEqual(missingCues(expected, report.cues, SCTE35_PID).map((c) => c.index), [], `${label}: SCTE-35 sections missing or corrupted`);
  assert.ok(report.cues.every((c) => c.crcValid && c.pid === SCTE35_PID), `${label}: a SCTE-35 section arrived damaged or on another PID`);
}

describe('data plane with real peers (srt-live-transmit, UDP/RTP, nginx-rtmp)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-dp-'));
  let service: ServiceProcess;
  let mld: Distributor;
  let feed: TestFeed;

  before(async () => {
    feed = await makeTestFeed({ seconds: 12, cueIntervalSeconds: 2 });
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, DASHBOARD_DIR: join(dataDir, 'none') });
    mld = new Distributor(service.url, await login(service.url, 'admin', ADMIN_PASSWORD));
  });

  after(async () => {
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers byte-exact TS with every SCTE-35 section to SRT (caller and listener), UDP and RTP, and playable FLV to RTMP', async () => {
    const inPort = await freeUdpPort();
    const srtListenerRx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort() });
    const ourListenerPort = await freeUdpPort();
    const udpRx = await startUdpReceiver({ mode: 'udp' });
    const rtpRx = await startUdpReceiver({ mode: 'rtp' });
    const rtmp = await startRtmpServer();
    try {
      const channel = await mld.createChannel({ name: 'exact', rtp_ip: '127.0.0.1', rtp_port: inPort });
      const srtCaller = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${srtListenerRx.port}?latency=120`, name: 'srt caller' });
      const srtListener = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://:${ourListenerPort}?mode=listener&latency=120`, name: 'srt listener' });
      await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://127.0.0.1:${udpRx.port}`, name: 'udp' });
      await mld.addOutput(channel.id, { protocol: 'rtp', url: `rtp://127.0.0.1:${rtpRx.port}`, name: 'rtp' });
      const rtmpOut = await mld.addOutput(channel.id, { protocol: 'rtmp', url: rtmp.url('live', 'e2e-key'), name: 'rtmp' });
      assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);

      await mld.waitOutput(channel.id, srtCaller.id, 'srt caller connected', (r) => r.state === 'running' && r.connected === true);
      const srtCallerRx = await startSrtReceiver({ mode: 'caller', port: ourListenerPort });
      await mld.waitOutput(channel.id, srtListener.id, 'srt listener connected', (r) => r.connected === true);

      const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp' });
      await sender.done;
      for (const rx of [srtListenerRx, srtCallerRx, udpRx, rtpRx]) await waitForQuiet(() => rx.bytes(), 500, 15_000);
      const sent = sender.stats().deliveredTs;

      assertByteExact('SRT caller output', sent, srtListenerRx.received(), 0.95, feed);
      assertByteExact('SRT listener output', sent, srtCallerRx.received(), 0.9, feed);
      assertByteExact('UDP output', sent, udpRx.received(), 0.99, feed);
      assertByteExact('RTP output', sent, rtpRx.received(), 0.99, feed);
      const rtpReport = rtpSequenceReport(rtpRx.datagrams());
      assert.equal(rtpReport.missing, 0, 'RTP output skipped sequence numbers');
      assert.equal(rtpReport.outOfOrder, 0);
      // 7 TS packets per datagram while the stream flows; the tail left when it ended goes out on its
      // own (a whole number of packets) once the input has been silent for 200 ms, not held back.
      const datagrams = rtpRx.datagrams();
      assert.ok(datagrams.every((d) => d.payloadType === 33), 'RTP output: PT 33');
      assert.ok(datagrams.slice(0, -1).every((d) => d.payloadLength === 1316), 'RTP output: 7 TS packets per datagram');
      const tail = datagrams.at(-1)!.payloadLength;
      assert.ok(tail > 0 && tail <= 1316 && tail % 188 === 0, `RTP output: the last datagram carries whole packets (${tail} bytes)`);

      await rtmp.waitForPublish('e2e-key', 15_000);
      const recording = rtmp.recordingPath('e2e-key');
      await waitFor('the RTMP recording', () => existsSync(recording), 10_000);
      const probe = await rtmp.probe(recording);
      const codecs = probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort();
      assert.deepEqual(codecs, ['audio:aac', 'video:h264'], 'RTMP output is FLV with H.264 video and AAC audio only');
      const rtmpRuntime = await mld.outputRuntime(channel.id, rtmpOut.id);
      assert.ok(rtmpRuntime && rtmpRuntime.bytes_out > 0);
      assert.ok((rtmpRuntime.ffmpeg?.out_time_seconds ?? 0) > 5, `FFmpeg progress reported: ${JSON.stringify(rtmpRuntime.ffmpeg)}`);

      const runtime = (await mld.channel(channel.id)).runtime!;
      assert.equal(runtime.malformed, 0);
      assert.equal(runtime.rtp.lost, 0);
      assert.equal(runtime.ts_bytes, sent.length, 'ingest forwarded exactly what was sent');
      assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);
      await srtCallerRx.stop();
    } finally {
      await Promise.all([srtListenerRx.stop(), udpRx.stop(), rtpRx.stop(), rtmp.stop()]);
    }
  });

  it('adds, edits and removes outputs live without a gap or a continuity error on the others', async () => {
    const inPort = await freeUdpPort();
    const watched = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort() });
    const extraUdp = await startUdpReceiver({ mode: 'udp' });
    try {
      const channel = await mld.createChannel({ name: 'hot-reload', rtp_ip: '127.0.0.1', rtp_port: inPort });
      const main = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${watched.port}`, name: 'watched' });
      await mld.post(`/api/channels/${channel.id}/start`);
      await mld.waitOutput(channel.id, main.id, 'connected', (r) => r.connected === true);
      const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp' });
      await new Promise((r) => setTimeout(r, 1500));
      const added = [
        await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://127.0.0.1:${extraUdp.port}`, name: 'extra udp' }),
        await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${await freeUdpPort()}`, name: 'extra srt (nobody listening)' }),
        await mld.addOutput(channel.id, { protocol: 'rtp', url: `rtp://127.0.0.1:${await freeUdpPort()}`, name: 'extra rtp' }),
      ];
      await new Promise((r) => setTimeout(r, 1500));
      const renamed = await api(mld.url, 'PATCH', `/api/channels/${channel.id}/outputs/${main.id}`, mld.token, { name: 'watched (renamed)' });
      assert.equal(renamed.status, 200);
      const before = await mld.outputRuntime(channel.id, main.id);
      for (const output of added) {
        await mld.removeOutput(channel.id, output.id);
        await new Promise((r) => setTimeout(r, 500));
      }
      await sender.done;
      await waitForQuiet(() => watched.bytes(), 500, 15_000);
      const after = await mld.outputRuntime(channel.id, main.id);
      assert.equal(after?.pid, before?.pid, 'renaming restarted the output process');
      assert.equal(after?.restarts, 0);
      assert.equal(watched.connections, 1, 'the watched output reconnected');
      assertByteExact('watched SRT output during hot reload', sender.stats().deliveredTs, watched.received(), 0.95, feed);
      assert.ok(extraUdp.bytes() > 0, 'the added UDP output streamed while it existed');
      await mld.post(`/api/channels/${channel.id}/stop`);
    } finally {
      await Promise.all([watched.stop(), extraUdp.stop()]);
    }
  });

  it('restarts an output killed with SIGKILL and recovers when a destination comes back, without touching the others', async () => {
    const inPort = await freeUdpPort();
    const steadyRx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort() });
    const flakyRx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort() });
    const udpRx = await startUdpReceiver({ mode: 'udp' });
    try {
      const channel = await mld.createChannel({ name: 'faults', rtp_ip: '127.0.0.1', rtp_port: inPort });
      const steady = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${steadyRx.port}`, name: 'steady' });
      const flaky = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${flakyRx.port}`, name: 'flaky' });
      const blackhole = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${await freeUdpPort()}`, name: 'never answers' });
      await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://127.0.0.1:${udpRx.port}`, name: 'udp' });
      await mld.post(`/api/channels/${channel.id}/start`);
      await mld.waitOutput(channel.id, steady.id, 'steady connected', (r) => r.connected === true);
      const flakyUp = await mld.waitOutput(channel.id, flaky.id, 'flaky connected', (r) => r.connected === true);
      const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp', loop: true, durationMs: 26_000 });

      // 1. kill -9 of one output's process: it comes back by itself.
      await new Promise((r) => setTimeout(r, 2000));
      process.kill(flakyUp.pid!, 'SIGKILL');
      const restarted = await mld.waitOutput(channel.id, flaky.id, 'restarted after SIGKILL', (r) => r.restarts >= 1 && r.connected === true && r.pid !== flakyUp.pid, 15_000);
      assert.ok(restarted.last_error === null || /killed by SIGKILL|exited/.test(restarted.last_error));

      // 2. its destination down for 10 s, then back: recovers with no operator action.
      await flakyRx.stop();
      await mld.waitOutput(channel.id, flaky.id, 'failing while its destination is down', (r) => r.state === 'backoff' || r.state === 'starting', 15_000);
      const during = await mld.outputRuntime(channel.id, flaky.id);
      assert.ok(during && (during.next_retry_at !== null || during.state === 'starting'), 'the next retry time is visible');
      await new Promise((r) => setTimeout(r, 10_000 - 2000));
      const bytesBefore = flakyRx.bytes();
      await flakyRx.restart();
      await mld.waitOutput(channel.id, flaky.id, 'recovered', (r) => r.state === 'running' && r.connected === true, 20_000);
      await waitFor('data at the restarted destination', () => flakyRx.bytes() > bytesBefore + 100_000, 10_000);

      // The destination that never answers keeps retrying without harming anyone.
      const bh = await mld.outputRuntime(channel.id, blackhole.id);
      assert.ok(bh && bh.state !== 'running' && bh.connected === false, `the unreachable destination must not look connected: ${JSON.stringify(bh)}`);

      await sender.done;
      await waitForQuiet(() => steadyRx.bytes(), 500, 15_000);
      const steadyRuntime = await mld.outputRuntime(channel.id, steady.id);
      assert.equal(steadyRuntime?.restarts, 0, 'the steady output was restarted');
      assert.equal(steadyRuntime?.dropped_bytes, 0);
      assert.equal(steadyRx.connections, 1);
      const steadyReport = tsReport(steadyRx.received(), { scte35Pids: [SCTE35_PID] });
      assert.equal(steadyReport.ccErrors, 0, `steady output saw CC errors ${JSON.stringify(steadyReport.ccErrorsByPid)}`);
      assert.ok(steadyReport.cues.length >= 10 && steadyReport.cues.every((c) => c.crcValid));
      assert.equal(tsReport(udpRx.received()).ccErrors, 0, 'UDP output saw CC errors');

      const events = await api<{ events: Array<{ type: string; output_id: string | null }> }>(mld.url, 'GET', `/api/events?channel_id=${channel.id}&output_id=${flaky.id}&limit=100`, mld.token);
      const types = events.body.events.map((e) => e.type).reverse();
      assert.ok(types.indexOf('output.failed') >= 0 && types.indexOf('output.recovered') > types.indexOf('output.failed'), `failure then recovery in the event log: ${types.join(', ')}`);
      await mld.post(`/api/channels/${channel.id}/stop`);
    } finally {
      await Promise.all([steadyRx.stop(), flakyRx.stop(), udpRx.stop()]);
    }
  });

  it('counts garbage and malformed RTP on the ingest port and keeps streaming', async () => {
    const inPort = await freeUdpPort();
    const udpRx = await startUdpReceiver({ mode: 'udp' });
    try {
      const channel = await mld.createChannel({ name: 'garbage', rtp_ip: '127.0.0.1', rtp_port: inPort });
      await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://127.0.0.1:${udpRx.port}` });
      await mld.post(`/api/channels/${channel.id}/start`);
      await waitFor('ingest listening', async () => (await mld.channel(channel.id)).runtime?.state === 'no_signal', 10_000);
      const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp', durationMs: 4000 });
      const garbage = await sendGarbage({ host: '127.0.0.1', port: inPort, count: 500 });
      await sender.done;
      await waitForQuiet(() => udpRx.bytes(), 500, 10_000);
      const runtime = (await mld.channel(channel.id)).runtime!;
      assert.equal(runtime.malformed, garbage.sent, `malformed ${runtime.malformed} of ${garbage.sent} garbage datagrams (${JSON.stringify(runtime.malformed_reasons)})`);
      assertByteExact('UDP output next to garbage', sender.stats().deliveredTs, udpRx.received(), 0.99, feed, 1);
      assert.equal((await api(mld.url, 'GET', '/api/health')).status, 200);
      await mld.post(`/api/channels/${channel.id}/stop`);
    } finally {
      await udpRx.stop();
    }
  });

  it('serves a closed-loop HLS preview of a running channel on demand, without transcoding', async () => {
    const inPort = await freeUdpPort();
    const channel = await mld.createChannel({ name: 'preview', rtp_ip: '127.0.0.1', rtp_port: inPort });
    const notRunning = await fetch(`${mld.url}/api/channels/${channel.id}/preview/index.m3u8`, { headers: { authorization: `Bearer ${mld.token}` } });
    assert.equal(notRunning.status, 409);
    await mld.post(`/api/channels/${channel.id}/start`);
    const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp', loop: true, durationMs: 15_000 });
    try {
      const auth = { authorization: `Bearer ${mld.token}` };
      assert.equal((await fetch(`${mld.url}/api/channels/${channel.id}/preview/index.m3u8`)).status, 401);
      const playlist = await waitFor('a playlist with segments', async () => {
        const r = await fetch(`${mld.url}/api/channels/${channel.id}/preview/index.m3u8`, { headers: auth });
        const text = r.status === 200 ? await r.text() : '';
        return /seg\d{5}\.ts/.test(text) ? text : undefined;
      }, 20_000, 500);
      assert.match(playlist, /#EXTM3U/);
      const segment = /(seg\d{5}\.ts)/.exec(playlist)![1]!;
      const seg = await fetch(`${mld.url}/api/channels/${channel.id}/preview/${segment}`, { headers: auth });
      assert.equal(seg.status, 200);
      const bytes = Buffer.from(await seg.arrayBuffer());
      assert.ok(bytes.length > 100_000 && bytes[0] === 0x47, 'a TS segment');
      const report = tsReport(bytes);
      assert.equal(report.ccErrors, 0);
      assert.equal((await fetch(`${mld.url}/api/channels/${channel.id}/preview/..%2F..%2Fetc%2Fpasswd`, { headers: auth })).status, 404);
    } finally {
      await sender.stop();
      await mld.post(`/api/channels/${channel.id}/stop`);
    }
  });

  it('stops every process with its channel, resumes within 10 s after a restart, and leaves no child after SIGKILL', async () => {
    const inPort = await freeUdpPort();
    const rx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort() });
    try {
      const channel = await mld.createChannel({ name: 'lifecycle', rtp_ip: '127.0.0.1', rtp_port: inPort });
      const out = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${rx.port}` });
      await mld.post(`/api/channels/${channel.id}/start`);
      const up = await mld.waitOutput(channel.id, out.id, 'connected', (r) => r.connected === true);
      await mld.post(`/api/channels/${channel.id}/stop`);
      await waitFor('the output process to end with its channel', () => !pidAlive(up.pid!), 10_000);
      assert.equal((await mld.channel(channel.id)).outputs[0]!.runtime, null);
      await mld.post(`/api/channels/${channel.id}/start`);
      await mld.waitOutput(channel.id, out.id, 'connected again', (r) => r.connected === true);

      // Restart of the service: what should run runs again within 10 s.
      assert.equal(await service.stop('SIGTERM'), 0);
      const restartedAt = Date.now();
      service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, DASHBOARD_DIR: join(dataDir, 'none') });
      mld = new Distributor(service.url, await login(service.url, 'admin', ADMIN_PASSWORD));
      const resumed = await mld.waitOutput(channel.id, out.id, 'resumed after restart', (r) => r.connected === true, 10_000);
      assert.ok(Date.now() - restartedAt <= 10_000 + 1000, `resumed after ${Date.now() - restartedAt} ms`);

      // SIGKILL of the service: no child survives it.
      const children = [resumed.pid!];
      await service.stop('SIGKILL');
      await waitFor('children to die with the service', () => children.every((pid) => !pidAlive(pid)), 5_000);
      await waitFor('postgres to exit', () => processesMentioning(join(dataDir, 'postgres')).length === 0, 15_000);
    } finally {
      await rx.stop();
    }
  });
});
