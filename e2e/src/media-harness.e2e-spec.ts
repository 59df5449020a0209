import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readRtpHeader, emptyRtpHeader, TS_PACKET_SIZE } from '@mld/mpegts';
import {
  cuesWithin,
  findOverlap,
  freeUdpPort,
  GARBAGE_KINDS,
  makeGarbage,
  makeTestFeed,
  missingCues,
  pidAlive,
  rtpSequenceReport,
  sendGarbage,
  spawnTracked,
  srtUrl,
  startRtmpServer,
  startSrtLiveTransmit,
  startSrtReceiver,
  startTsSender,
  startUdpReceiver,
  stopAllTracked,
  trackedPids,
  TsLooper,
  tsReport,
  udpUrl,
  waitForQuiet,
  type TestFeed,
} from './support/media/index.js';

const SCTE35_PID = 0x1f6;
/** About 2.07 s of the feed: enough for one cue, short enough to loop a few times quickly. */
const SLICE_PACKETS = 11_000;

/**
 * Proves the media harness against the bare reference path (no product code): real
 * srt-live-transmit relays, an RTP sender and receiver, and nginx-rtmp fed by FFmpeg.
 */
describe('media harness against bare reference peers', () => {
  let feed: TestFeed;
  const pids: number[] = [];
  const started = Date.now();

  before(async () => {
    feed = await makeTestFeed({ seconds: 6 });
  });
  after(async () => {
    await stopAllTracked();
  });

  it('builds a 6 s CBR feed with SCTE-35 on 0x1F6, cached per options', async (t) => {
    assert.equal(await makeTestFeed({ seconds: 6 }), feed, 'second call must reuse the first build');
    const report = tsReport(feed.ts);
    assert.equal(report.ccErrors, 0);
    assert.ok(report.nullPackets > 0, 'CBR padding (null packets) expected');
    assert.deepEqual(report.scte35Pids, [SCTE35_PID]);
    assert.ok(feed.cues.length >= 2);
    assert.deepEqual(missingCues(feed.cues, report.cues, SCTE35_PID), []);
    t.diagnostic(`feed: ${feed.ts.length} bytes, ${report.packets} packets (${report.nullPackets} null), ${feed.cues.length} cues`);
  });

  it('a looped feed stays continuous: 0 CC errors across seams, re-signed cues', () => {
    const slice = feed.ts.subarray(0, SLICE_PACKETS * TS_PACKET_SIZE);
    const looper = new TsLooper(slice, 8_000_000);
    const report = tsReport(Buffer.concat([looper.pass(0), looper.pass(1), looper.pass(2)]));
    assert.deepEqual(report.ccErrorsByPid, {});
    assert.equal(report.cues.length, 3);
    assert.ok(report.cues.every((c) => c.crcValid && c.pid === SCTE35_PID));
    const adjustments = report.cues.map((c) => (c.decoded.ok ? c.decoded.value.ptsAdjustment : -1));
    assert.deepEqual(adjustments, [0, looper.passTicks90k, 2 * looper.passTicks90k]);
  });

  it('findOverlap locates a late, truncated, unaligned receive and pinpoints a corrupted byte', () => {
    const sent = feed.ts;
    const start = 5_000 * TS_PACKET_SIZE + 100; // joined mid-packet
    const received = Buffer.from(sent.subarray(start, start + 2_000_000));
    const clean = findOverlap(sent, received);
    assert.equal(clean.found && clean.identical, true);
    assert.equal(clean.offsetInReceived, TS_PACKET_SIZE - 100);
    assert.equal(clean.offsetInSent, 5_001 * TS_PACKET_SIZE);
    received[1_500_000] = received[1_500_000]! ^ 0x01;
    const corrupt = findOverlap(sent, received);
    assert.equal(corrupt.identical, false);
    assert.equal(corrupt.firstMismatchAt, 1_500_000 - corrupt.offsetInReceived);
    assert.equal(findOverlap(sent, Buffer.alloc(10_000, 0x55)).found, false);
  });

  it('UDP sender → bare srt-live-transmit relay → SRT listener receiver: byte-identical, 0 CC errors, every cue', async (t) => {
    const udpIn = await freeUdpPort();
    const receiver = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort(), latencyMs: 120, statsEveryPackets: 1000 });
    const relay = startSrtLiveTransmit({
      input: udpUrl('127.0.0.1', udpIn),
      output: srtUrl(receiver.peer),
      statsEveryPackets: 1000,
      maxLifetimeMs: 30_000,
    });
    pids.push(receiver.pid, relay.pid);
    await relay.waitConnected(5_000);
    await receiver.waitConnected(5_000);

    const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: udpIn, mode: 'udp', pacing: 'realtime' });
    const t0 = performance.now();
    await sender.done;
    const sendMs = performance.now() - t0;
    await waitForQuiet(() => receiver.bytes(), 400, 5_000);
    await relay.stop();
    await receiver.stop();

    const sent = sender.stats().sentTs;
    const received = receiver.received();
    const overlap = findOverlap(sent, received);
    assert.ok(overlap.found, 'received stream not found in what was sent');
    assert.equal(overlap.identical, true, `first difference at ${overlap.firstMismatchAt}`);
    assert.ok(overlap.sentCoverage > 0.8, `only ${(overlap.sentCoverage * 100).toFixed(1)} % of the sent bytes arrived`);

    const report = tsReport(received);
    assert.equal(report.ccErrors, 0, JSON.stringify(report.ccErrorsByPid));
    const expected = cuesWithin(feed.cues, overlap.offsetInSent, overlap.length);
    assert.ok(expected.length >= 2, `only ${expected.length} cues inside the overlap`);
    assert.deepEqual(missingCues(expected, report.cues, SCTE35_PID), []);

    const relayStats = relay.stats();
    const receiverStats = receiver.stats();
    assert.ok(relayStats.length > 0 && receiverStats.length > 0, 'JSON stats expected from both ends');
    t.diagnostic(
      `sent ${sent.length} B in ${sendMs.toFixed(0)} ms (${((sent.length * 8) / sendMs / 1000).toFixed(2)} Mbit/s), ` +
        `received ${received.length} B; compared ${overlap.length} B (${(overlap.sentCoverage * 100).toFixed(2)} %), ` +
        `${expected.length} cues in overlap, ${report.cues.length} received, ${report.nullPackets} null packets kept`,
    );
    t.diagnostic(`relay stats sample: ${JSON.stringify(relayStats.at(-1))}`);
    t.diagnostic(`receiver stats sample: ${JSON.stringify(receiverStats.at(-1))}`);
  });

  it('SRT receiver restart(): back on the same port, the relay reconnects, each run is an exact piece of the stream', async (t) => {
    const udpIn = await freeUdpPort();
    const receiver = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort() });
    const relay = startSrtLiveTransmit({ input: udpUrl('127.0.0.1', udpIn), output: srtUrl(receiver.peer), maxLifetimeMs: 30_000 });
    pids.push(receiver.pid, relay.pid);
    await relay.waitConnected(5_000);
    const sender = await startTsSender({
      ts: feed.ts.subarray(0, SLICE_PACKETS * TS_PACKET_SIZE),
      host: '127.0.0.1',
      port: udpIn,
      mode: 'udp',
      loop: true,
      durationMs: 15_000,
    });
    await receiver.waitForBytes(500_000, 5_000);
    await receiver.restart();
    pids.push(receiver.pid);
    const down = performance.now();
    await receiver.waitConnected(10_000);
    const reconnectMs = performance.now() - down;
    const before = receiver.bytes();
    await receiver.waitForBytes(before + 500_000, 5_000);
    await sender.stop();
    await waitForQuiet(() => receiver.bytes(), 400, 5_000);
    await relay.stop();
    await receiver.stop();

    const sent = sender.stats().sentTs;
    const runs = receiver.runs();
    assert.equal(runs.length, 2);
    assert.equal(receiver.connections, 2);
    for (const [i, run] of runs.entries()) {
      const overlap = findOverlap(sent, run);
      assert.ok(overlap.found && overlap.identical, `run ${i}: ${JSON.stringify({ ...overlap })}`);
      assert.equal(tsReport(run).ccErrors, 0, `run ${i} has CC errors`);
    }
    t.diagnostic(`relay reconnected ${reconnectMs.toFixed(0)} ms after the receiver came back; runs: ${runs.map((r) => r.length).join(' + ')} B`);
  });

  it('SRT caller receiver ← bare relay in listener mode (passphrase): connects and receives exact bytes', async () => {
    const udpIn = await freeUdpPort();
    const srtPort = await freeUdpPort();
    const passphrase = 'harness-secret-1';
    const relay = startSrtLiveTransmit({
      input: udpUrl('127.0.0.1', udpIn),
      output: srtUrl({ mode: 'listener', port: srtPort, passphrase }),
      maxLifetimeMs: 30_000,
    });
    const receiver = await startSrtReceiver({ mode: 'caller', port: srtPort, passphrase });
    pids.push(receiver.pid, relay.pid);
    await relay.waitConnected(5_000);
    // A caller *source* reports "SRT source connected" only once the first data arrives.
    assert.equal(receiver.connected, false);
    const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: udpIn, mode: 'udp', durationMs: 1_500 });
    await receiver.waitConnected(5_000);
    await sender.done;
    await waitForQuiet(() => receiver.bytes(), 400, 5_000);
    await relay.stop();
    await receiver.stop();
    const overlap = findOverlap(sender.stats().sentTs, receiver.received());
    assert.ok(overlap.found && overlap.identical && overlap.sentCoverage > 0.8, JSON.stringify({ ...overlap }));
  });

  it('RTP sender (looping) → UDP receiver in rtp mode: sequential numbers, rising stamps, exact payload', async (t) => {
    const receiver = await startUdpReceiver({ mode: 'rtp' });
    const sender = await startTsSender({
      ts: feed.ts.subarray(0, SLICE_PACKETS * TS_PACKET_SIZE),
      host: '127.0.0.1',
      port: receiver.port,
      mode: 'rtp',
      loop: true,
      durationMs: 4_500,
    });
    await sender.done;
    await waitForQuiet(() => receiver.bytes(), 200, 3_000);
    await receiver.stop();
    const stats = sender.stats();
    const seq = rtpSequenceReport(receiver.datagrams());
    assert.equal(seq.packets, stats.datagrams);
    assert.equal(seq.first, stats.firstSequence);
    assert.equal(seq.discontinuities, 0);
    assert.equal(seq.timestampRegressions, 0);
    assert.deepEqual(seq.payloadTypes, [33]);
    assert.deepEqual(seq.ssrcs, [stats.ssrc]);
    assert.ok(receiver.received().equals(stats.sentTs), 'payload differs from what was sent');
    assert.ok(stats.passes >= 3, `expected at least 3 passes, got ${stats.passes}`);
    const report = tsReport(stats.sentTs);
    assert.equal(report.ccErrors, 0, 'the loop seams must not break continuity');
    assert.ok(report.cues.length >= 2 && report.cues.every((c) => c.crcValid));
    t.diagnostic(`${stats.datagrams} RTP datagrams, seq ${seq.first}…${seq.last}, ${stats.passes} passes, ${report.cues.length} cues`);
  });

  it('drops, reorders and duplicates on purpose and records it', async () => {
    const receiver = await startUdpReceiver({ mode: 'rtp' });
    const sender = await startTsSender({
      ts: feed.ts,
      host: '127.0.0.1',
      port: receiver.port,
      mode: 'rtp',
      durationMs: 1_000,
      dropEvery: 50,
      dropSequences: new Set([3]),
      reorderEvery: 30,
      duplicateEvery: 70,
    });
    await sender.done;
    await waitForQuiet(() => receiver.bytes(), 200, 3_000);
    await receiver.stop();
    const stats = sender.stats();
    assert.ok(stats.dropped.some((d) => d.index === 3) && stats.dropped.some((d) => d.index === 49));
    assert.ok(stats.reordered.length > 0 && stats.duplicated.length > 0);
    assert.equal(stats.datagrams, stats.generated - stats.dropped.length + stats.duplicated.length);
    assert.ok(receiver.received().equals(stats.sentTs), 'wire record differs from what arrived');
    assert.equal(stats.deliveredTs.length, stats.generatedTs.length - stats.dropped.length * 7 * TS_PACKET_SIZE);
    const seq = rtpSequenceReport(receiver.datagrams());
    // A drop of the very last datagram is invisible to the receiver (nothing follows it).
    const lastDropped = stats.dropped.at(-1)?.index === stats.generated - 1 ? 1 : 0;
    assert.equal(seq.missing, stats.dropped.length - lastDropped);
    assert.equal(seq.outOfOrder, stats.reordered.length);
    assert.equal(seq.duplicates, stats.duplicated.length);
  });

  it('sends garbage that no RTP reader accepts', async () => {
    const header = emptyRtpHeader();
    for (const kind of GARBAGE_KINDS) {
      for (let i = 0; i < 20; i++) assert.notEqual(readRtpHeader(makeGarbage(kind), header), null, `${kind} parsed as RTP`);
    }
    const receiver = await startUdpReceiver({ mode: 'rtp' });
    const result = await sendGarbage({ host: '127.0.0.1', port: receiver.port, count: 60 });
    await waitForQuiet(() => receiver.datagrams().length, 100, 2_000);
    await receiver.stop();
    assert.equal(receiver.datagrams().length, result.sent);
    assert.ok(receiver.datagrams().every((d) => d.rtpError !== undefined));
    assert.equal(receiver.bytes(), 0);
  });

  it('FFmpeg → nginx-rtmp: the recording has H.264 video and AAC audio', async (t) => {
    const rtmp = await startRtmpServer();
    pids.push(rtmp.pid);
    try {
      const url = rtmp.url('live', 'harness');
      const ffmpeg = spawnTracked(
        'ffmpeg',
        ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-i', feed.path, '-map', '0:v', '-map', '0:a', '-c', 'copy', '-f', 'flv', url],
        { name: 'ffmpeg → rtmp', maxLifetimeMs: 20_000 },
      );
      pids.push(ffmpeg.pid);
      await rtmp.waitForPublish('harness', 5_000);
      const exit = await ffmpeg.exited;
      assert.equal(exit.code, 0, `ffmpeg: ${ffmpeg.stderr()}`);
      assert.deepEqual(rtmp.recordings(), [rtmp.recordingPath('harness')]);
      const probe = await rtmp.probe(rtmp.recordingPath('harness'));
      const codecs = probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort();
      assert.deepEqual(codecs, ['audio:aac', 'video:h264']);
      t.diagnostic(`recording ${probe.format.size} B, ${probe.format.duration} s, format ${probe.format.format_name}`);
    } finally {
      await rtmp.stop();
    }
  });

  it('leaves no process behind', async (t) => {
    await stopAllTracked();
    assert.deepEqual(trackedPids(), []);
    assert.deepEqual(
      pids.filter((pid) => pidAlive(pid)),
      [],
    );
    t.diagnostic(`${pids.length} peer processes started and gone; whole suite ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
