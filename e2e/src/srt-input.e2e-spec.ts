// SRT inputs against real encoders (srt-live-transmit): a listener with a passphrase fed by a
// caller, a caller with the wrong passphrase, an encoder that leaves and comes back, and a caller
// input pulling from a listener. What the outputs record must be the encoder's bytes, exactly.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { TS_PACKET_SIZE } from '@mld/mpegts';
import { Distributor } from './support/distributor.js';
import { assertByteExact, channelEvents, describeExact, sliceFeed, waitForEvent, waitRuntime } from './support/input-checks.js';
import {
  freeUdpPort,
  makeTestFeed,
  startSrtCallerFeed,
  startSrtListenerFeed,
  startSrtReceiver,
  startUdpReceiver,
  stopAllTracked,
  waitForQuiet,
  type TestFeed,
} from './support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'srt-input-admin-password';
const PASSPHRASE = 'contribution-secret-42';
const WRONG_PASSPHRASE = 'not-the-right-one-17';

describe('SRT inputs with real encoders (srt-live-transmit)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-srt-in-'));
  let service: ServiceProcess;
  let mld: Distributor;
  let viewer: string;
  let feed: TestFeed;
  const exact = (label: string, sent: Buffer, received: Buffer, minCoverage: number, minCues = 2) =>
    assertByteExact(label, sent, received, { minCoverage, cues: feed.cues, scte35Pid: feed.scte35Pid, minCues });

  before(async () => {
    feed = await makeTestFeed({ seconds: 6, bitrate: 4_000_000, cueIntervalSeconds: 1, width: 640, height: 360 });
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, DASHBOARD_DIR: join(dataDir, 'none') });
    mld = new Distributor(service.url, await login(service.url, 'admin', ADMIN_PASSWORD));
    assert.equal((await api(service.url, 'POST', '/api/users', mld.token, { username: 'watcher', password: 'watcher-password', role: 'viewer' })).status, 201);
    viewer = await login(service.url, 'watcher', 'watcher-password');
  });

  after(async () => {
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A running channel with an SRT listener input, an SRT output (to a listener receiver) and a UDP output. */
  async function listenerChannel(name: string, passphrase: string | null) {
    const inPort = await freeUdpPort();
    const srtRx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort(), maxLifetimeMs: 60_000 });
    const udpRx = await startUdpReceiver({ mode: 'udp', maxLifetimeMs: 60_000 });
    const channel = await mld.createChannel({ name, input: { type: 'srt', mode: 'listener', bind_ip: '127.0.0.1', port: inPort, latency: 200, passphrase } });
    const srtOut = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${srtRx.port}?latency=120`, name: 'srt out' });
    await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://127.0.0.1:${udpRx.port}`, name: 'udp out' });
    assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
    const srtUp = await mld.waitOutput(channel.id, srtOut.id, 'srt connected', (r) => r.state === 'running' && r.connected === true);
    await waitRuntime(mld, channel.id, 'listening', (r) => r.state === 'no_signal');
    const stop = async () => {
      await mld.post(`/api/channels/${channel.id}/stop`);
      await Promise.all([srtRx.stop(), udpRx.stop()]);
    };
    return { inPort, srtRx, udpRx, channel, srtOut, srtUp, stop };
  }

  it('listener with a passphrase: the outputs record the encoder’s bytes exactly, every SCTE-35 cue intact', async (t) => {
    const ch = await listenerChannel('srt listener', PASSPHRASE);
    try {
      const encoder = await startSrtCallerFeed({ ts: feed.ts, target: { host: '127.0.0.1', port: ch.inPort, latencyMs: 200, passphrase: PASSPHRASE, params: { adapter: '127.0.0.3' } } });
      const t0 = performance.now();
      const receiving = await waitRuntime(mld, ch.channel.id, 'receiving', (r) => r.state === 'receiving');
      const toReceivingMs = performance.now() - t0;
      assert.match(receiving.peer ?? '', /^127\.0\.0\.3:\d+$/, 'runtime.peer names the encoder');
      await encoder.sender.done;
      await waitForQuiet(() => ch.srtRx.bytes(), 500, 10_000);
      await waitForQuiet(() => ch.udpRx.bytes(), 500, 10_000);
      const sent = encoder.sent();
      const srt = exact('SRT output', sent, ch.srtRx.received(), 0.99, 4);
      const udp = exact('UDP output', sent, ch.udpRx.received(), 0.99, 4);
      const runtime = (await mld.channel(ch.channel.id)).runtime!;
      assert.equal(runtime.ts_bytes, sent.length, 'ingest forwarded exactly what the encoder sent');
      assert.equal(runtime.malformed, 0);
      assert.ok(runtime.srt, 'SRT receive statistics in the runtime');
      assert.equal(runtime.srt.latency_ms, 200);
      assert.equal(runtime.srt.packets_lost, 0);
      const connected = (await channelEvents(mld, ch.channel.id, ['input.connected'])).at(-1);
      assert.match(connected?.message ?? '', /caller 127\.0\.0\.3:\d+ connected/);
      t.diagnostic(`sent ${sent.length} B (${feed.cues.length} cues in the feed); receiving ${toReceivingMs.toFixed(0)} ms after the handshake; SRT: ${describeExact(srt)}; UDP: ${describeExact(udp)}; srt stats ${JSON.stringify(runtime.srt)}`);
      await encoder.stop();
    } finally {
      await ch.stop();
    }
  });

  it('a caller with the wrong passphrase is refused and named; nothing reaches the outputs; the passphrase is shown nowhere', async (t) => {
    const ch = await listenerChannel('srt refused', PASSPHRASE);
    try {
      const intruder = await startSrtCallerFeed({
        ts: feed.ts,
        target: { host: '127.0.0.1', port: ch.inPort, latencyMs: 200, passphrase: WRONG_PASSPHRASE, params: { adapter: '127.0.0.2' } },
        durationMs: 3_000,
        waitConnected: false,
      });
      const rejected = await waitForEvent(mld, ch.channel.id, 'input.rejected', 10_000);
      assert.match(rejected.message, /caller 127\.0\.0\.2:\d+ rejected/, rejected.message);
      assert.match(String(rejected.details?.['peer'] ?? ''), /^127\.0\.0\.2:\d+$/);
      await intruder.sender.done;
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(intruder.relay.connected, false, 'the intruder’s relay never connected');
      assert.equal(ch.srtRx.bytes(), 0, 'bytes reached the SRT output');
      assert.equal(ch.udpRx.bytes(), 0, 'bytes reached the UDP output');
      const runtime = (await mld.channel(ch.channel.id)).runtime!;
      assert.equal(runtime.ts_bytes, 0);
      assert.equal(runtime.state, 'no_signal');
      assert.equal(runtime.peer, null);
      await intruder.stop();

      // Neither the passphrase nor the intruder's attempt shows in the log, to anyone, or to a viewer in the API.
      const allEvents = JSON.stringify((await api(mld.url, 'GET', '/api/events?limit=500', mld.token)).body);
      const viewerChannels = JSON.stringify((await api(mld.url, 'GET', '/api/channels', viewer)).body);
      const viewerChannel = (await api<ChannelWithOutputsResponse>(mld.url, 'GET', `/api/channels/${ch.channel.id}`, viewer)).body;
      for (const secret of [PASSPHRASE, WRONG_PASSPHRASE]) {
        assert.ok(!allEvents.includes(secret), 'a passphrase is in the event log');
        assert.ok(!viewerChannels.includes(secret), 'a viewer sees a passphrase in GET /api/channels');
        assert.ok(!JSON.stringify(viewerChannel).includes(secret), 'a viewer sees a passphrase in GET /api/channels/{id}');
        assert.ok(!service.output().includes(secret), 'a passphrase is in the service log');
      }
      assert.equal(viewerChannel.input.type === 'srt' ? viewerChannel.input.passphrase : undefined, '****');
      t.diagnostic(`refusal event: ${rejected.message}`);
    } finally {
      await ch.stop();
    }
  });

  it('an encoder that disconnects and reconnects: no_signal, then receiving; the SRT output keeps its one connection', async (t) => {
    const ch = await listenerChannel('srt reconnect', PASSPHRASE);
    try {
      const target = { host: '127.0.0.1', port: ch.inPort, latencyMs: 200, passphrase: PASSPHRASE };
      const first = await startSrtCallerFeed({ ts: feed.ts, target, durationMs: 3_000 });
      await waitRuntime(mld, ch.channel.id, 'receiving', (r) => r.state === 'receiving');
      await first.sender.done;
      await waitForQuiet(() => ch.srtRx.bytes(), 500, 10_000);
      await first.stop();
      const left = performance.now();
      await waitRuntime(mld, ch.channel.id, 'no_signal after the encoder left', (r) => r.state === 'no_signal' && r.peer === null, 10_000);
      const toNoSignalMs = performance.now() - left;

      // The second connection sends the feed's second half: its bytes cannot be mistaken for the first's.
      const secondHalf = sliceFeed(feed, feed.ts.length / 2);
      const second = await startSrtCallerFeed({ ts: secondHalf.ts, target });
      const back = performance.now();
      // A new connection restarts the continuity counters mid-stream: the analysis may call it degraded for a while.
      const again = await waitRuntime(mld, ch.channel.id, 'receiving again', (r) => r.state === 'receiving' || r.state === 'degraded');
      const toReceivingMs = performance.now() - back;
      await second.sender.done;
      await waitForQuiet(() => ch.srtRx.bytes(), 500, 10_000);
      await second.stop();

      const out = await mld.outputRuntime(ch.channel.id, ch.srtOut.id);
      assert.equal(out?.pid, ch.srtUp.pid, 'the SRT output process was replaced');
      assert.equal(out?.restarts, 0);
      assert.equal(ch.srtRx.connections, 1, 'the SRT output reconnected to its destination');
      // One output connection: the first encoder's bytes, all of them, then the second's.
      const received = ch.srtRx.received();
      const boundary = first.sent().length;
      const before = exact('SRT output, first connection', first.sent(), received.subarray(0, boundary), 1);
      const afterwards = assertByteExact('SRT output, second connection', second.sent(), received.subarray(boundary), { minCoverage: 0.99, cues: secondHalf.cues, scte35Pid: feed.scte35Pid });
      const types = (await channelEvents(mld, ch.channel.id, ['input.connected', 'input.disconnected', 'input.lost', 'input.restored'])).map((e) => e.type);
      assert.deepEqual(types.filter((x) => x === 'input.connected' || x === 'input.disconnected'), ['input.connected', 'input.disconnected', 'input.connected', 'input.disconnected'], 'left, called again, left');
      t.diagnostic(`no_signal ${toNoSignalMs.toFixed(0)} ms after the encoder left, ${again.state} ${toReceivingMs.toFixed(0)} ms after it called again; events ${types.join(', ')}; before: ${describeExact(before)}; after: ${describeExact(afterwards)}`);
    } finally {
      await ch.stop();
    }
  });

  it('caller input pulling from an srt-live-transmit listener fed on stdin: the output records its bytes exactly', async (t) => {
    const encoder = await startSrtListenerFeed({ port: await freeUdpPort(), latencyMs: 200, passphrase: PASSPHRASE });
    const srtRx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort(), maxLifetimeMs: 60_000 });
    try {
      const channel = await mld.createChannel({ name: 'srt caller', input: { type: 'srt', mode: 'caller', host: '127.0.0.1', port: encoder.port, latency: 200, passphrase: PASSPHRASE } });
      const out = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${srtRx.port}?latency=120`, name: 'srt out' });
      const t0 = performance.now();
      assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
      await encoder.relay.waitConnected(10_000);
      const callMs = performance.now() - t0;
      await mld.waitOutput(channel.id, out.id, 'srt connected', (r) => r.connected === true);
      const playing = encoder.play(feed.ts);
      const t1 = performance.now();
      const runtime = await waitRuntime(mld, channel.id, 'receiving', (r) => r.state === 'receiving');
      const toReceivingMs = performance.now() - t1;
      assert.equal(runtime.peer, `127.0.0.1:${encoder.port}`, 'runtime.peer names the listener we call');
      await playing;
      encoder.endInput();
      await waitForQuiet(() => srtRx.bytes(), 500, 10_000);
      const sent = encoder.sent();
      const srt = exact('SRT output of a caller input', sent, srtRx.received(), 0.99, 4);
      // srt-live-transmit reads stdin in blocks and never sends a last partial one: compare with what arrived.
      const ingest = (await mld.channel(channel.id)).runtime!;
      assert.equal(ingest.ts_bytes, ingest.bytes_in - (ingest.bytes_in % TS_PACKET_SIZE), 'every whole packet received was forwarded');
      t.diagnostic(`our caller connected ${callMs.toFixed(0)} ms after the start request, receiving ${toReceivingMs.toFixed(0)} ms after the first byte; sent ${sent.length} B; ${describeExact(srt)}`);
      await mld.post(`/api/channels/${channel.id}/stop`);
    } finally {
      await Promise.all([encoder.stop(), srtRx.stop()]);
    }
  });
});
