import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, FakeSpawner, type FakeChild } from '@mld/supervisor/testing';
import { encodeAmf0, encodeAmf0EcmaArray } from '../../rtmp/amf0.js';
import { FLV_AUDIO, FLV_SCRIPT, FLV_VIDEO, FlvTagReader } from '../../rtmp/flv-tag-reader.js';
import type { IngestState } from '../../types.js';
import type { SourceEvent, SourceSink } from '../source.js';
import type { RtmpPublisherHandler, RtmpRegistration } from './rtmp-ingest-server.js';
import type { RtmpPublishSession } from './rtmp-server-session.js';
import { RtmpSource } from './rtmp-source.js';
import { tagBodies } from './testing/scripted-rtmp-client.js';

const KEY = 'stream-key-7f3a';

class FakeRegistrar {
  handler: RtmpPublisherHandler | undefined;
  registrations = 0;
  unregistrations = 0;
  refuse: string | undefined;
  listenError: string | null = null;
  register(key: string, handler: RtmpPublisherHandler): RtmpRegistration {
    assert.equal(key, KEY);
    if (this.refuse) throw new Error(this.refuse);
    this.registrations += 1;
    this.handler = handler;
    return { unregister: () => (this.unregistrations += 1) };
  }
}

let nextId = 1;
class FakeSession implements RtmpPublishSession {
  readonly id = nextId++;
  readonly connectedAt = 0;
  bytesReceived = 0;
  paused = false;
  closed: string | undefined;
  constructor(
    readonly clientAddress: string,
    readonly flashVer: string | null = 'FMLE/3.0 (compatible; Lavf59.27.100)',
  ) {}
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  close(reason: string): void {
    this.closed = reason;
  }
}

function harness(stdinHighWaterMark = 1 << 24, sinkCopies = true) {
  const clock = new FakeClock();
  const spawner = new FakeSpawner(stdinHighWaterMark);
  const server = new FakeRegistrar();
  const ts: Buffer[] = [];
  const states: Array<[IngestState, string | null]> = [];
  const events: SourceEvent[] = [];
  const sink: SourceSink = { ts: (c) => ts.push(sinkCopies ? Buffer.from(c) : c), rejected: () => undefined, stateChanged: (_f, to, d) => states.push([to, d]), event: (e) => events.push(e) };
  const source = new RtmpSource({ input: { type: 'rtmp', streamKey: KEY }, sink, server, clock, spawner, ffmpegPath: 'ffmpeg' });
  const send = (session: FakeSession, type: number, timestamp: number, payload: Buffer) => {
    server.handler!.message(session, { csid: 4, streamId: 1, type, timestamp, payload });
  };
  /** A publish as FFmpeg makes it: onMetaData, sequence headers, `frames` frames at 25 fps with audio between them. */
  const publishAv = (session: FakeSession, frames: number, from = 0, audio = true) => {
    server.handler!.publishStarted(session);
    send(session, FLV_SCRIPT, 0, Buffer.concat([encodeAmf0('onMetaData'), encodeAmf0EcmaArray({ width: 1280, height: 720, framerate: 25, videodatarate: 4000, audiodatarate: 128, videocodecid: 7, ...(audio ? { audiocodecid: 10 } : {}), encoder: 'Lavf59.27.100' })]));
    send(session, FLV_VIDEO, 0, tagBodies.avcConfig());
    if (audio) send(session, FLV_AUDIO, 0, tagBodies.aacConfig());
    for (let i = 0; i < frames; i++) {
      send(session, FLV_VIDEO, from + i * 40, i % 50 === 0 ? tagBodies.avcKeyframe() : tagBodies.avcFrame());
      if (audio) send(session, FLV_AUDIO, from + i * 40 + 5, tagBodies.aacFrame());
      clock.advance(40);
    }
  };
  return { clock, spawner, server, ts, states, events, source, send, publishAv };
}

/** What a fake FFmpeg read on stdin, as FLV (it reads everything written so far). */
function stdinFlv(child: FakeChild) {
  for (let n = -1; n !== child.received.length; ) {
    n = child.received.length;
    child.acceptStdin();
  }
  const bytes = Buffer.concat(child.received);
  return { flags: bytes[4], tags: new FlvTagReader().push(bytes) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('RtmpSource', () => {
  it('registers its key: starting → no_signal; a publish makes it receiving with the publisher in the snapshot', () => {
    const h = harness();
    void h.source.start();
    assert.deepEqual(h.states, [['starting', null], ['no_signal', null]]);
    const a = new FakeSession('10.1.2.3:50000');
    h.publishAv(a, 10);
    assert.deepEqual(h.states.at(-1), ['receiving', null]);
    assert.deepEqual(h.events[0], { kind: 'peer_connected', level: 'info', message: 'publisher 10.1.2.3:50000 connected (FMLE/3.0 (compatible; Lavf59.27.100))', peer: '10.1.2.3:50000' });
    const snap = h.source.snapshot();
    assert.equal(snap.peer, '10.1.2.3:50000');
    assert.deepEqual(snap.rtmp, { clientAddress: '10.1.2.3:50000', encoder: 'Lavf59.27.100', videoCodec: 'h264', audioCodec: 'aac', width: 1280, height: 720, frameRate: 25, videoKbps: 4000, audioKbps: 128, connectedAt: 0 });
    assert.ok(snap.bytes > 0 && snap.datagrams > 20);
    assert.ok(!JSON.stringify(snap).includes(KEY));
  });

  it('rebuilds FLV for FFmpeg: header flags, sequence headers, then the tags; PIDs fixed on the command line, no key on it', () => {
    const h = harness();
    void h.source.start();
    h.publishAv(new FakeSession('10.1.2.3:50000'), 10);
    assert.equal(h.spawner.children.length, 1);
    const args = h.spawner.last.request.args.join(' ');
    assert.match(args, /-f flv -i pipe:0 -map 0:v:0 -map 0:a:0 -c copy -streamid 0:256 -streamid 1:257 .*-mpegts_pmt_start_pid 4096 -flush_packets 1 -f mpegts pipe:1/);
    assert.ok(!args.includes(KEY));
    const flv = stdinFlv(h.spawner.last);
    assert.equal(flv.flags, 5, 'audio + video');
    assert.deepEqual(flv.tags.slice(0, 2).map((t) => [t.type, t.data[1]]), [[FLV_VIDEO, 0], [FLV_AUDIO, 0]], 'sequence headers first');
    const media = flv.tags.slice(2);
    assert.equal(media.length, 20);
    assert.deepEqual(media.slice(0, 4).map((t) => [t.type, t.timestamp]), [[FLV_VIDEO, 0], [FLV_AUDIO, 5], [FLV_VIDEO, 40], [FLV_AUDIO, 45]]);
    assert.ok(!flv.tags.some((t) => t.type === FLV_SCRIPT), 'onMetaData is not given to FFmpeg');
  });

  it('hands whole TS packets from FFmpeg to the sink, however its stdout is cut', () => {
    const h = harness();
    void h.source.start();
    h.publishAv(new FakeSession('10.1.2.3:50000'), 3);
    const packets = Buffer.alloc(188 * 10);
    for (let i = 0; i < 10; i++) packets[i * 188] = 0x47;
    h.spawner.last.stdout!.write(packets.subarray(0, 1000));
    h.spawner.last.stdout!.write(packets.subarray(1000));
    return settle().then(() => {
      assert.equal(Buffer.concat(h.ts).length, 1880);
      assert.ok(h.ts.every((c) => c.length % 188 === 0 && c[0] === 0x47));
      assert.equal(h.source.snapshot().tsBytes, 1880);
    });
  });

  it('hands buffers that stay intact after the call: a packet split across reads is not a view of a reused carry', () => {
    // The pipeline's fan-out queues what it is given without copying (FanOut: buffers are immutable once received).
    const h = harness(1 << 24, false);
    void h.source.start();
    h.publishAv(new FakeSession('10.1.2.3:50000'), 3);
    const packets = Buffer.alloc(188 * 10);
    for (let i = 0; i < 10; i++) packets.fill(i + 1, i * 188, (i + 1) * 188)[i * 188] = 0x47;
    // Packets 5 and 7 are each split across two reads: both pass through the aligner's one carry buffer.
    for (const [from, to] of [[0, 1000], [1000, 1500], [1500, 1880]]) h.spawner.last.stdout!.write(Buffer.from(packets.subarray(from, to)));
    return settle().then(() => {
      assert.ok(Buffer.concat(h.ts).equals(packets), 'a packet handed to the sink changed after the call');
    });
  });

  it('a publisher that stops and comes back 5 s later continues the same FFmpeg and timeline (after the gap)', () => {
    const h = harness();
    void h.source.start();
    const a = new FakeSession('10.1.2.3:50000');
    h.publishAv(a, 50);
    h.server.handler!.publishEnded(a, 'the publisher stopped (deleteStream)');
    assert.deepEqual(h.events.at(-1), { kind: 'peer_disconnected', level: 'info', message: 'publisher 10.1.2.3:50000 disconnected: the publisher stopped (deleteStream)', peer: '10.1.2.3:50000' });
    assert.equal(h.states.at(-1)![0], 'no_signal');
    h.clock.advance(5000);
    const b = new FakeSession('10.1.2.3:50002');
    h.publishAv(b, 10);
    assert.equal(h.spawner.children.length, 1, 'no new FFmpeg');
    assert.equal(h.states.at(-1)![0], 'receiving');
    const tags = stdinFlv(h.spawner.last).tags;
    assert.equal(tags.filter((t) => t.type === FLV_VIDEO && t.data[1] === 0).length, 1, 'the same sequence header is not sent again');
    const video = tags.filter((t) => t.type === FLV_VIDEO && t.data[1] === 1).map((t) => t.timestamp);
    const lastOfFirst = video[49]!;
    const firstOfSecond = video[50]!;
    // Session 1 ended at 50 × 40 ms of wall time; its last audio tag was at 49 × 40 + 5.
    assert.equal(lastOfFirst, 1960);
    assert.ok(firstOfSecond - lastOfFirst >= 5000 && firstOfSecond - lastOfFirst <= 5100, `${lastOfFirst} → ${firstOfSecond}`);
    assert.ok(video.every((t, i) => i === 0 || t > video[i - 1]!));
  });

  it('takeover: says which publisher replaced which', () => {
    const h = harness();
    void h.source.start();
    const a = new FakeSession('10.1.2.3:50000');
    const b = new FakeSession('10.1.2.3:50009');
    h.publishAv(a, 5);
    h.server.handler!.publishEnded(a, 'replaced by a new publisher from 10.1.2.3:50009', b);
    h.publishAv(b, 5, 100_000);
    const kinds = h.events.map((e) => `${e.kind}: ${e.message}`);
    assert.ok(kinds.includes('peer_disconnected: publisher 10.1.2.3:50000 replaced by 10.1.2.3:50009'), kinds.join('\n'));
    assert.equal(h.source.snapshot().peer, '10.1.2.3:50009');
  });

  it('a publish with other streams restarts FFmpeg with the new layout: stream_restarted, same PIDs', async () => {
    const h = harness();
    void h.source.start();
    const a = new FakeSession('10.1.2.3:50000');
    h.publishAv(a, 30, 0, false);
    assert.match(h.spawner.last.request.args.join(' '), /-map 0:v:0 -c copy -streamid 0:256 /);
    assert.equal(stdinFlv(h.spawner.last).flags, 1, 'video only');
    h.server.handler!.publishEnded(a, 'gone');
    h.publishAv(new FakeSession('10.1.2.3:50001'), 10);
    const restarted = h.events.find((e) => e.kind === 'stream_restarted');
    assert.equal(restarted?.message, "the publisher's streams changed (H.264 → H.264 + AAC): the remux restarts; PIDs stay, continuity counters continue, the timing discontinuity is signalled");
    const old = h.spawner.last;
    assert.deepEqual(old.signals, ['SIGTERM']);
    await old.exit(255);
    await settle();
    assert.equal(h.spawner.children.length, 2);
    assert.match(h.spawner.last.request.args.join(' '), /-map 0:v:0 -map 0:a:0 -c copy -streamid 0:256 -streamid 1:257 /);
    const flv = stdinFlv(h.spawner.last);
    assert.equal(flv.flags, 5);
    assert.ok(flv.tags.some((t) => t.type === FLV_AUDIO && t.data[1] === 1), 'the frames that waited reach the new FFmpeg');
  });

  it('refuses HEVC over Enhanced RTMP for that session, with the reason in the event log and the snapshot', () => {
    const h = harness();
    void h.source.start();
    const a = new FakeSession('10.1.2.3:50000', 'obs-output module (libobs version 30.2.0)');
    h.server.handler!.publishStarted(a);
    h.send(a, FLV_VIDEO, 0, tagBodies.hevcEnhanced());
    const reason = 'HEVC over Enhanced RTMP is not supported by this release; publish H.264';
    assert.deepEqual(h.events.at(-1), { kind: 'peer_rejected', level: 'warn', message: `publisher 10.1.2.3:50000 refused: ${reason}`, peer: '10.1.2.3:50000' });
    assert.equal(a.closed, reason);
    h.server.handler!.publishEnded(a, reason);
    assert.equal(h.events.filter((e) => e.kind === 'peer_disconnected').length, 0, 'one event for a refusal');
    const snap = h.source.snapshot();
    assert.equal(snap.error, reason);
    assert.equal(snap.malformedReasons['refused_codec'], 1);
    assert.equal(h.spawner.children.length, 0);
  });

  it('FFmpeg dying is a stream_restarted; the new one gets the preamble and video from the next keyframe', async () => {
    const h = harness();
    void h.source.start();
    const a = new FakeSession('10.1.2.3:50000');
    h.publishAv(a, 10);
    await h.spawner.last.exit(1);
    h.clock.advance(2000); // backoff
    for (let i = 10; i < 60; i++) h.send(a, FLV_VIDEO, i * 40, i === 50 ? tagBodies.avcKeyframe() : tagBodies.avcFrame());
    assert.equal(h.spawner.children.length, 2);
    assert.match(h.events.find((e) => e.kind === 'stream_restarted')!.message, /^the remux \(FFmpeg\) restarted after: exited with code 1/);
    const tags = stdinFlv(h.spawner.last).tags;
    assert.deepEqual(tags.slice(0, 2).map((t) => t.data[1]), [0, 0], 'sequence headers first');
    const firstVideo = tags.find((t) => t.type === FLV_VIDEO && t.data[1] === 1)!;
    assert.equal(firstVideo.data[0], 0x17, 'a keyframe');
  });

  it('FFmpeg not keeping up pauses the publisher; it resumes once FFmpeg has read the backlog', async () => {
    const h = harness(64 * 1024);
    void h.source.start();
    const a = new FakeSession('10.1.2.3:50000');
    h.publishAv(a, 1);
    for (let i = 1; i < 200 && !a.paused; i++) h.send(a, FLV_VIDEO, i * 40, tagBodies.avcFrame(20_000));
    assert.equal(a.paused, true);
    for (let i = 0; i < 100 && a.paused; i++) {
      h.spawner.last.acceptStdin();
      await settle();
    }
    assert.equal(a.paused, false);
  });

  it('no media for 2 s: no_signal, though the encoder is still connected', () => {
    const h = harness();
    void h.source.start();
    h.publishAv(new FakeSession('10.1.2.3:50000'), 5);
    h.clock.advance(1800);
    assert.equal(h.states.at(-1)![0], 'receiving');
    h.clock.advance(250); // the next tick
    assert.deepEqual(h.states.at(-1), ['no_signal', 'no media from the publisher for 2 s']);
  });

  it('a key another input holds: error, tried again every 5 s', () => {
    const h = harness();
    h.server.refuse = 'this stream key is already used by another RTMP input';
    void h.source.start();
    assert.deepEqual(h.states.at(-1), ['error', 'this stream key is already used by another RTMP input (retrying every 5 s)']);
    h.server.refuse = undefined;
    h.clock.advance(5000);
    assert.equal(h.states.at(-1)![0], 'no_signal');
  });

  it('a server that cannot listen: error with its reason while nobody publishes; back to no_signal when it listens', () => {
    const h = harness();
    void h.source.start();
    h.server.listenError = 'cannot listen for RTMP on 0.0.0.0:1935: EADDRINUSE';
    h.clock.advance(250);
    assert.deepEqual(h.states.at(-1), ['error', 'cannot listen for RTMP on 0.0.0.0:1935: EADDRINUSE']);
    assert.equal(h.source.snapshot().error, 'cannot listen for RTMP on 0.0.0.0:1935: EADDRINUSE');
    h.server.listenError = null;
    h.clock.advance(250);
    assert.equal(h.states.at(-1)![0], 'no_signal');
    assert.equal(h.source.snapshot().error, null);
  });

  it('stop: unregisters, stops FFmpeg, stopped', async () => {
    const h = harness();
    void h.source.start();
    h.publishAv(new FakeSession('10.1.2.3:50000'), 3);
    const stopping = h.source.stop();
    assert.equal(h.server.unregistrations, 1);
    await h.spawner.last.exit(255);
    await stopping;
    assert.equal(h.states.at(-1)![0], 'stopped');
  });
});
