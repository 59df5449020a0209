import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelRuntime, ChannelWithOutputsResponse, EventRecord } from '@mld/contracts';
import { inspectTs } from '@mld/mpegts';
import { Distributor } from './support/distributor.js';
import {
  alignTs,
  ccErrorPositions,
  decodeVideoFrames,
  findOverlap,
  freeTcpPort,
  freeUdpPort,
  makeAvClip,
  pcrsOf,
  pcrStepsMs,
  publishRtmp,
  publishRtmpOnce,
  startSrtReceiver,
  startUdpReceiver,
  stopAllTracked,
  tsReport,
  upToLastPesStart,
  waitForQuiet,
  type SrtReceiver,
  type UdpReceiver,
} from './support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'rtmp-input-admin-password';
/** What FFmpeg's remux of a publish always carries (ADR 0009): PAT, SDT, video, audio, PMT. */
const REMUX_PIDS = [0x0000, 0x0011, 0x0100, 0x0101, 0x1000];
/** Mean luma of the two clips: dark blue (~57) and yellow (~194). */
const isBlue = (yavg: number) => yavg < 110;
const isYellow = (yavg: number) => yavg > 150;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** PIDs present in a part of a TS, sorted. */
const pidsOf = (ts: Buffer) => inspectTs(ts).pids.map((p) => p.pid).sort((a, b) => a - b);

/**
 * RTMP push input (ADR 0009) with FFmpeg publishing FLV the way OBS does, into a channel whose
 * SRT output records at a real srt-live-transmit listener and whose UDP output at a socket.
 */
describe('RTMP push input, published by FFmpeg like OBS', { timeout: 150_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-rtmp-in-'));
  const workDir = mkdtempSync(join(tmpdir(), 'mld-e2e-rtmp-in-work-'));
  const refusedKeys: string[] = [];
  let service: ServiceProcess;
  let mld: Distributor;
  let blueClip = '';
  let yellowClip = '';
  let srtRx: SrtReceiver;
  let udpRx: UdpReceiver;
  let channel: ChannelWithOutputsResponse;
  let srtOutputId = '';

  const runtime = async (): Promise<ChannelRuntime | null> => (await mld.channel(channel.id)).runtime;
  const waitInput = (what: string, predicate: (r: ChannelRuntime) => boolean, timeoutMs = 15_000) =>
    waitFor(`input ${what}`, async () => {
      const r = await runtime();
      return r && predicate(r) ? r : undefined;
    }, timeoutMs, 100);
  const channelEvents = (types: string) => mld.events({ channel_id: channel.id, type: types, limit: '100' });

  before(async () => {
    // Same encoder settings, different pictures and tones: the two sessions of one encoder, told apart by colour.
    [blueClip, yellowClip] = await Promise.all([
      makeAvClip({ dir: workDir, name: 'blue', seconds: 4, extension: '.mp4', colour: '0x103080', toneHz: 440 }),
      makeAvClip({ dir: workDir, name: 'yellow', seconds: 4, extension: '.mp4', colour: '0xf0e020', toneHz: 880 }),
    ]);
    const rtmpPort = await freeTcpPort();
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, DASHBOARD_DIR: join(dataDir, 'none'), RTMP_INGEST_PORT: String(rtmpPort), RTMP_INGEST_BIND: '127.0.0.1', PUBLIC_HOST: '127.0.0.1' });
    mld = new Distributor(service.url, await login(service.url, 'admin', ADMIN_PASSWORD));
    srtRx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort(), latencyMs: 120 });
    udpRx = await startUdpReceiver({ mode: 'udp' });
    channel = await mld.createChannel({ name: 'rtmp push', input: { type: 'rtmp' } });
    assert.equal(channel.input.type, 'rtmp');
    assert.match(channel.input.publish_url ?? '', new RegExp(`^rtmp://127\\.0\\.0\\.1:${rtmpPort}/live/[^/]+$`), 'publish URL on PUBLIC_HOST and RTMP_INGEST_PORT');
    srtOutputId = (await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${srtRx.port}?latency=120`, name: 'srt recording' })).id;
    await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://127.0.0.1:${udpRx.port}`, name: 'udp' });
    assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
    await mld.waitOutput(channel.id, srtOutputId, 'SRT connected', (r) => r.state === 'running' && r.connected === true);
    await waitInput('waiting for a publisher', (r) => r.state === 'no_signal');
  });

  after(async () => {
    await Promise.all([srtRx?.stop(), udpRx?.stop()].map((p) => p?.catch(() => undefined)));
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it('refuses a wrong key: FFmpeg fails with the server\'s words, input.rejected names the client address and never the key', async () => {
    const wrongKey = `wrong-key-${Date.now()}`;
    refusedKeys.push(wrongKey);
    const url = channel.input.publish_url!.replace(/[^/]+$/, wrongKey);
    const refused = await publishRtmpOnce({ clip: blueClip, url, timeoutMs: 20_000 });
    assert.notEqual(refused.code, 0, 'FFmpeg published with a wrong key');
    assert.match(refused.stderr, /Stream key not accepted/);
    const event = await waitFor('input.rejected', async () => (await mld.events({ type: 'input.rejected', limit: '10' }))[0], 5000);
    assert.equal(event.details?.['kind'], 'stream_key');
    assert.match(String(event.details?.['peer']), /^127\.0\.0\.1:\d+$/);
    assert.match(event.message, /^RTMP publisher 127\.0\.0\.1:\d+ refused: publish refused: unknown stream key$/);
    assert.ok(!JSON.stringify(event).includes(wrongKey), 'the refused key is in the event');
    const r = await runtime();
    assert.equal(r?.state, 'no_signal');
    assert.equal(r?.ts_bytes, 0, 'a refused publisher fed the channel');
    assert.equal(srtRx.bytes(), 0);
  });

  it('a publisher stopped for 5 s and started again: one SRT connection, same PIDs, 0 CC errors, frames of both sessions decode', async (t) => {
    const url = channel.input.publish_url!;
    const start = srtRx.bytes();
    const outputBefore = (await mld.outputRuntime(channel.id, srtOutputId))!;

    const blue = publishRtmp({ clip: blueClip, url, maxLifetimeMs: 20_000 });
    const publishing = await waitInput('receiving with the encoder known', (r) => r.state === 'receiving' && r.rtmp?.width === 640);
    assert.match(publishing.peer ?? '', /^127\.0\.0\.1:\d+$/);
    const health = publishing.rtmp!;
    assert.equal(health.client_address, publishing.peer);
    assert.match(health.encoder ?? '', /^Lavf/, 'encoder from onMetaData');
    assert.deepEqual([health.video_codec, health.audio_codec, health.width, health.height, health.frame_rate], ['h264', 'aac', 640, 360, 25]);
    assert.equal((await blue.exited).code, 0, blue.stderr());
    const blueEndedAt = Date.now();
    await waitInput('no_signal after the publisher left', (r) => r.state === 'no_signal' && r.rtmp === null && r.peer === null);
    const split = srtRx.bytes();
    await sleep(blueEndedAt + 5000 - Date.now());

    const yellow = await publishRtmpOnce({ clip: yellowClip, url, timeoutMs: 20_000 });
    assert.equal(yellow.code, 0, yellow.stderr);
    await waitInput('no_signal again', (r) => r.state === 'no_signal');
    await waitForQuiet(() => srtRx.bytes(), 700, 10_000);
    await waitForQuiet(() => udpRx.bytes(), 300, 5000);

    const outputAfter = (await mld.outputRuntime(channel.id, srtOutputId))!;
    assert.equal(outputAfter.pid, outputBefore.pid, 'the SRT output process was replaced');
    assert.equal(outputAfter.restarts, 0);
    assert.equal(srtRx.connections, 1, 'the SRT destination saw a second connection');

    const recording = alignTs(srtRx.received().subarray(start));
    const report = tsReport(recording);
    const discontinuities = inspectTs(recording).pids.reduce((n, p) => n + p.discontinuityIndicators, 0);
    assert.equal(report.ccErrors, 0, `CC errors ${JSON.stringify(report.ccErrorsByPid)} (discontinuity indicators: ${discontinuities})`);
    assert.deepEqual(pidsOf(srtRx.received().subarray(start, split)), REMUX_PIDS, 'PIDs of the first session');
    assert.deepEqual(pidsOf(srtRx.received().subarray(split)), REMUX_PIDS, 'PIDs of the second session');
    assert.deepEqual((await channelEvents('input.restarted')).map((e) => e.message), [], 'the remux restarted');

    // The UDP output carries the same bytes (one fan-out).
    const udp = udpRx.received();
    assert.equal(tsReport(udp).ccErrors, 0, 'UDP output CC errors');
    const overlap = findOverlap(recording, udp);
    assert.ok(overlap.found && overlap.identical && overlap.receivedCoverage > 0.99, `UDP vs SRT: ${JSON.stringify(overlap)}`);

    const file = join(workDir, 'reconnect.ts');
    writeFileSync(file, upToLastPesStart(recording, 0x100));
    const decoded = await decodeVideoFrames(file);
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.equal(decoded.stderr, '', 'the decoder found errors');
    const blueFrames = decoded.frames.filter((f) => isBlue(f.yavg));
    const yellowFrames = decoded.frames.filter((f) => isYellow(f.yavg));
    // 4 s at 25 fps each; the second session's last frames may still wait in FFmpeg's interleaving queue (ADR 0009)
    // or the receiver's stdout buffer, and the last PES is left out above.
    assert.ok(blueFrames.length >= 95 && blueFrames.length <= 100, `${blueFrames.length} blue frames of 100`);
    assert.ok(yellowFrames.length >= 85 && yellowFrames.length <= 100, `${yellowFrames.length} yellow frames of 100`);
    assert.equal(blueFrames.length + yellowFrames.length, decoded.frames.length, 'frames of neither clip');
    // The pause shows as one forward PCR step of about its length (the timeline continues after the gap), none backwards.
    const pcrJumps = pcrStepsMs(pcrsOf(recording)).filter((p) => p.ms <= 0 || p.ms > 100);
    assert.equal(pcrJumps.length, 1, `PCR steps out of (0, 100] ms: ${JSON.stringify(pcrJumps)}`);
    assert.ok(pcrJumps[0]!.ms > 4900 && pcrJumps[0]!.ms < 8000, `PCR step over the pause: ${pcrJumps[0]!.ms} ms`);
    const lastBlue = Math.max(...blueFrames.map((f) => f.pts));
    const firstYellow = Math.min(...yellowFrames.map((f) => f.pts));
    const gap = firstYellow - lastBlue;
    assert.ok(gap >= 4.9 && gap < 8, `the pause in the timeline is ${gap.toFixed(2)} s`);
    t.diagnostic(
      `recording ${recording.length} bytes over 1 SRT connection, PIDs ${REMUX_PIDS.map((p) => `0x${p.toString(16)}`).join(' ')}, ${report.ccErrors} CC errors, ${discontinuities} discontinuity indicators; ` +
        `PCR step over the pause ${pcrJumps[0]!.ms.toFixed(0)} ms; decoded ${blueFrames.length} blue + ${yellowFrames.length} yellow frames, video PTS gap ${gap.toFixed(2)} s`,
    );

    const peers = await channelEvents('input.connected,input.disconnected');
    assert.deepEqual(peers.map((e) => e.type).reverse(), ['input.connected', 'input.disconnected', 'input.connected', 'input.disconnected']);
    assert.ok(peers.every((e) => /^127\.0\.0\.1:\d+$/.test(String(e.details?.['peer']))), JSON.stringify(peers.map((e) => e.details)));
  });

  it('rotate-key: the old key\'s publisher is disconnected and refused from then on, the new publish_url works, outputs keep their connection', async (t) => {
    const oldUrl = channel.input.publish_url!;
    const oldKey = channel.input.type === 'rtmp' ? channel.input.stream_key : '';
    const outputBefore = (await mld.outputRuntime(channel.id, srtOutputId))!;
    const start = srtRx.bytes();

    const old = publishRtmp({ clip: blueClip, url: oldUrl, loop: true, maxLifetimeMs: 30_000 });
    await waitInput('receiving on the old key', (r) => r.state === 'receiving');
    const rotated = await mld.post(`/api/channels/${channel.id}/input/rotate-key`);
    const rotatedAt = Date.now();
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const input = (rotated.body as ChannelWithOutputsResponse).input;
    assert.ok(input.type === 'rtmp' && input.stream_key !== oldKey && input.stream_key.length >= 16, 'a new key');
    assert.equal(input.publish_url, oldUrl.replace(/[^/]+$/, input.stream_key));

    const ended = await Promise.race([old.exited, sleep(10_000).then(() => null)]);
    assert.ok(ended, 'the publisher on the old key was not disconnected');
    t.diagnostic(`old-key publisher ended ${Date.now() - rotatedAt} ms after the rotation (exit ${ended.code ?? ended.signal}): ${old.stderr().trim().split('\n').at(-1) ?? ''}`);
    refusedKeys.push(oldKey);
    const again = await publishRtmpOnce({ clip: blueClip, url: oldUrl, timeoutMs: 20_000 });
    assert.notEqual(again.code, 0, 'the old key still publishes');
    assert.match(again.stderr, /Stream key not accepted/);

    const fresh = publishRtmp({ clip: yellowClip, url: input.publish_url!, maxLifetimeMs: 20_000 });
    const receiving = await waitInput('receiving on the new key', (r) => r.state === 'receiving' && r.rtmp !== null);
    assert.equal(receiving.rtmp?.video_codec, 'h264');
    assert.equal((await fresh.exited).code, 0, fresh.stderr());
    await waitForQuiet(() => srtRx.bytes(), 700, 10_000);

    const outputAfter = (await mld.outputRuntime(channel.id, srtOutputId))!;
    assert.equal(outputAfter.pid, outputBefore.pid, 'rotating the key restarted the SRT output');
    assert.equal(outputAfter.restarts, 0);
    assert.equal(srtRx.connections, 1);
    // A new key is a new input value: the pipeline replaces the source (a new remux), the outputs stay.
    const recording = alignTs(srtRx.received().subarray(start));
    assert.deepEqual(pidsOf(recording), REMUX_PIDS);
    const errors = ccErrorPositions(recording);
    const join = errors[0]?.packet ?? -1;
    const pcrSteps = pcrStepsMs(pcrsOf(recording));
    const badPcrSteps = pcrSteps.filter((p) => p.ms <= 0 || p.ms > 100);
    const flagged = pcrsOf(recording).filter((p) => p.discontinuity).length;
    t.diagnostic(
      `across the rotation: ${recording.length} bytes; CC errors ${errors.map((e) => `0x${e.pid.toString(16)}@${e.packet}`).join(' ')}; ` +
        `PCR steps out of (0, 100] ms: ${badPcrSteps.map((p) => `${p.ms.toFixed(1)} ms@${p.packet}`).join(' ')}; discontinuity indicators ${flagged}`,
    );
    // Known gap (see the report): the new source's counters and clock start afresh, unsignalled.
    // Pinned so it can only get better: at most one jump per PID, each on the PID's first packet
    // after the switch, and one PCR jump there; the rest of the stream is clean.
    assert.equal(new Set(errors.map((e) => e.pid)).size, errors.length, 'more than one CC error on a PID');
    for (const e of errors) {
      const earlier = recording.subarray(join * 188, e.packet * 188);
      assert.ok(!inspectTs(earlier).pids.some((p) => p.pid === e.pid), `CC error on 0x${e.pid.toString(16)} at ${e.packet}, not on its first packet after the switch (${join})`);
    }
    // Forward steps are the pauses between publishers (ADR 0009: the timeline continues after the wall-clock gap).
    const backwards = badPcrSteps.filter((p) => p.ms <= 0);
    assert.ok(backwards.length <= 1 && backwards.every((p) => Math.abs(p.packet - join) < 400), `PCR steps: ${JSON.stringify(badPcrSteps)}`);

    const events = await channelEvents('input.disconnected,config.changed');
    assert.ok(events.some((e) => e.type === 'config.changed' && /RTMP stream key rotated by admin/.test(e.message)), events.map((e) => e.message).join('\n'));
  });

  it('no stream key on a command line, in the service log or in the event log', async () => {
    const current = await mld.channel(channel.id);
    const keys = [...refusedKeys, current.input.type === 'rtmp' ? current.input.stream_key : ''];
    assert.equal(keys.length, 3);
    const everything: EventRecord[] = (await api<{ events: EventRecord[] }>(mld.url, 'GET', '/api/events?limit=500', mld.token)).body.events;
    for (const key of keys) {
      assert.ok(key.length >= 10);
      assert.ok(!service.output().includes(key), 'a stream key is in the service log');
      assert.ok(!JSON.stringify(everything).includes(key), 'a stream key is in the event log');
      assert.deepEqual(processesMentioning(key), [], 'a process has a stream key on its command line');
    }
  });
});
