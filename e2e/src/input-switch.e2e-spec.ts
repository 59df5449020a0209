// Switching a running channel's input (PATCH /api/channels/{id} {"input": …}) RTP → SRT listener →
// media file, each source fed in turn by a real peer, while an SRT output records at an
// srt-live-transmit listener: the output keeps its process and its one SRT connection, and what it
// records is each source's bytes, exactly, one after the other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Distributor } from './support/distributor.js';
import { assertByteExact, channelEvents, describeExact, patchChannel, sliceFeed, uploadMedia, waitRuntime } from './support/input-checks.js';
import { freeUdpPort, makeTestFeed, startSrtCallerFeed, startSrtReceiver, startTsSender, stopAllTracked, waitForQuiet, type TestFeed } from './support/media/index.js';
import { killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'input-switch-admin-password';
const flowing = (state: string) => state === 'receiving' || state === 'degraded';

describe('switching a running channel’s input (RTP → SRT listener → file)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-switch-'));
  let service: ServiceProcess;
  let mld: Distributor;
  let feed: TestFeed;
  let slate: TestFeed;

  before(async () => {
    feed = await makeTestFeed({ seconds: 6, bitrate: 4_000_000, cueIntervalSeconds: 1, width: 640, height: 360 });
    // The file input's media: another stream, so its bytes cannot be mistaken for the live feed's.
    slate = await makeTestFeed({ seconds: 3, bitrate: 2_000_000, cueIntervalSeconds: 1, width: 320, height: 240 });
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

  it('keeps the SRT output’s process and connection through every switch; each source’s bytes arrive exactly; the log says who changed what', async (t) => {
    const media = await uploadMedia(mld, slate.path, 'switch slate');
    const rtpPort = await freeUdpPort();
    const srtInPort = await freeUdpPort();
    const rx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort(), maxLifetimeMs: 90_000 });
    const partA = sliceFeed(feed, 0, feed.ts.length / 3);
    const partB = sliceFeed(feed, feed.ts.length / 3, (2 * feed.ts.length) / 3);
    const timings: string[] = [];
    try {
      const channel = await mld.createChannel({ name: 'switching', input: { type: 'rtp', bind_ip: '127.0.0.1', port: rtpPort } });
      const out = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${rx.port}?latency=120`, name: 'recorder' });
      assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
      const up = await mld.waitOutput(channel.id, out.id, 'connected', (r) => r.state === 'running' && r.connected === true);
      await waitRuntime(mld, channel.id, 'listening for RTP', (r) => r.state === 'no_signal');
      const sameOutput = async (after: string) => {
        const now = await mld.outputRuntime(channel.id, out.id);
        assert.equal(now?.pid, up.pid, `the output process was replaced ${after}`);
        assert.equal(now?.restarts, 0, `the output restarted ${after}`);
        assert.equal(rx.connections, 1, `the SRT destination saw a new connection ${after}`);
      };

      // 1. RTP.
      const rtp = await startTsSender({ ts: partA.ts, host: '127.0.0.1', port: rtpPort, mode: 'rtp' });
      await waitRuntime(mld, channel.id, 'receiving RTP', (r) => r.state === 'receiving');
      await rtp.done;
      await waitForQuiet(() => rx.bytes(), 500, 10_000);
      const sentA = rtp.stats().deliveredTs;

      // 2. → SRT listener, fed by an srt-live-transmit caller.
      let at = performance.now();
      const toSrt = await patchChannel(mld, channel.id, { input: { type: 'srt', mode: 'listener', bind_ip: '127.0.0.1', port: srtInPort, latency: 200 } });
      assert.equal(toSrt.input.type, 'srt');
      await waitRuntime(mld, channel.id, 'listening for SRT', (r) => r.state === 'no_signal', 10_000);
      timings.push(`SRT listener up ${(performance.now() - at).toFixed(0)} ms after the PATCH`);
      await sameOutput('by the switch to SRT');
      const bytesBeforeB = rx.bytes();
      const encoder = await startSrtCallerFeed({ ts: partB.ts, target: { host: '127.0.0.1', port: srtInPort, latencyMs: 200 } });
      at = performance.now();
      await waitRuntime(mld, channel.id, 'receiving SRT', (r) => flowing(r.state));
      timings.push(`receiving ${(performance.now() - at).toFixed(0)} ms after the encoder connected`);
      await encoder.sender.done;
      await waitForQuiet(() => rx.bytes(), 500, 10_000);
      await encoder.stop();
      assert.ok(rx.bytes() > bytesBeforeB + 0.9 * partB.ts.length, `data after the switch to SRT (${rx.bytes() - bytesBeforeB} B)`);
      const sentB = encoder.sent();

      // 3. → the media file, looped.
      at = performance.now();
      await patchChannel(mld, channel.id, { input: { type: 'file', media_id: media.id, loop: true } });
      const bytesBeforeC = rx.bytes();
      await waitRuntime(mld, channel.id, 'playing the file', (r) => flowing(r.state) && r.file !== null, 10_000);
      timings.push(`file playing ${(performance.now() - at).toFixed(0)} ms after the PATCH`);
      // One whole pass and a bit of the next.
      await waitFor('a loop of the file', async () => ((await mld.channel(channel.id)).runtime?.file?.loops ?? 0) >= 1, 15_000, 200);
      await waitFor('the first pass at the destination', () => rx.bytes() >= bytesBeforeC + slate.ts.length, 10_000, 50);
      await sameOutput('by the switch to the file');

      // What the destination recorded: A, then B, then the file from its start.
      const received = rx.received();
      const a = assertByteExact('RTP part', sentA, received.subarray(0, sentA.length), { minCoverage: 1, cues: partA.cues, scte35Pid: feed.scte35Pid, minCues: 1 });
      const b = assertByteExact('SRT part', sentB, received.subarray(sentA.length, sentA.length + sentB.length), { minCoverage: 1, cues: partB.cues, scte35Pid: feed.scte35Pid, minCues: 1 });
      const filePart = received.subarray(sentA.length + sentB.length, sentA.length + sentB.length + slate.ts.length);
      const c = assertByteExact('file part (first pass)', slate.ts, filePart, { minCoverage: 0.99, cues: slate.cues, scte35Pid: slate.scte35Pid, minCues: 1 });

      const changes = (await channelEvents(mld, channel.id, ['config.changed'])).filter((e) => e.details?.['change'] === 'input_changed');
      assert.equal(changes.length, 2, changes.map((e) => e.message).join(' | '));
      assert.match(changes[0]!.message, new RegExp(`input changed \\(rtp 127\\.0\\.0\\.1:${rtpPort} → srt listener 127\\.0\\.0\\.1:${srtInPort}, latency 200 ms\\) by admin`));
      assert.match(changes[1]!.message, new RegExp(`input changed \\(srt listener 127\\.0\\.0\\.1:${srtInPort}, latency 200 ms → file ${media.id}, looped\\) by admin`));
      assert.ok(changes.every((e) => e.actor === 'admin'), 'the actor is recorded');
      t.diagnostic(`${timings.join('; ')}; RTP: ${describeExact(a)}; SRT: ${describeExact(b)}; file: ${describeExact(c)}; output pid ${up.pid} throughout, 1 SRT connection`);
      t.diagnostic(changes.map((e) => e.message).join(' | '));
      assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);
    } finally {
      await rx.stop();
    }
  });
});
