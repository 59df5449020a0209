// SrtSource's state machine on a fake clock with a scripted srt-live-transmit (FakeSpawner):
// starting → no_signal ⇄ receiving, error with backoff, peer events, statistics, secrets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, FakeSpawner, type FakeChild } from '@mld/supervisor/testing';
import { STATS_LINE } from '../../testing/srt-lines.js';
import type { IngestState, SrtInputConfig } from '../../types.js';
import { NO_SIGNAL_AFTER_MS } from '../datagram-ts-source.js';
import type { SourceEvent } from '../source.js';
import { SrtSource } from './srt-source.js';

const SECRET = 'secretsecret1';
const LISTENER: SrtInputConfig = { type: 'srt', mode: 'listener', bindIp: '127.0.0.1', host: null, port: 9000, latencyMs: 200, passphrase: SECRET, pbkeylen: 16, streamId: null };
const CALLER: SrtInputConfig = { ...LISTENER, mode: 'caller', bindIp: '0.0.0.0', host: '127.0.0.1', port: 9130 };
const lib = (text: string) => `06:50:02.901849/SRT:RcvQ:w1.N:SRT.cn: ${text}\n`;
const ACCEPT = [
  lib('PASSING request from: 127.0.0.5:54155 to agent:1'),
  lib('PASSING request from: 127.0.0.5:54155 to agent:1'),
  lib('listen ret: -1 - conclusion'),
  'Accepted SRT source connection\n',
].join('');
const REFUSE = lib('PASSING request from: 127.0.0.5:41234 to agent:1') + lib('processConnectRequest: rsp(REJECT): 1010 - Incorrect passphrase');

/** `n` TS packets whose bytes say where they are (and hide stray 0x47s in the payload). */
function packets(n: number, seed = 0): Buffer {
  const b = Buffer.alloc(n * 188);
  for (let i = 0; i < n; i++) {
    b[i * 188] = 0x47;
    for (let j = 1; j < 188; j++) b[i * 188 + j] = (seed + i * 7 + j) % 251 === 3 ? 0x47 : (seed + i + j) & 0xff;
  }
  return b;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function harness(input: SrtInputConfig = LISTENER) {
  const clock = new FakeClock();
  const spawner = new FakeSpawner();
  const states: string[] = [];
  const events: SourceEvent[] = [];
  const ts: Buffer[] = [];
  const pipe = { onLine: (_line: string) => undefined as void, closed: 0 };
  const source = new SrtSource({
    input,
    clock,
    spawner,
    random: () => 0.5,
    statsPipe: async (onLine) => {
      pipe.onLine = onLine;
      return { path: '/tmp/fake/stats', close: async () => void pipe.closed++ };
    },
    sink: {
      ts: (b) => ts.push(Buffer.from(b)),
      rejected: () => undefined,
      stateChanged: (from: IngestState, to: IngestState, detail) => states.push(`${from}>${to}${detail ? ` (${detail})` : ''}`),
      event: (e) => events.push(e),
    },
  });
  const child = (): FakeChild => spawner.last;
  const say = async (text: string) => {
    child().printStderr(text);
    await flush();
  };
  const send = async (bytes: Buffer) => {
    child().stdout!.write(bytes);
    await flush();
  };
  return { clock, spawner, source, states, events, ts, child, say, send, pipe, stats: (line: string) => pipe.onLine(line) };
}

describe('SrtSource', () => {
  it('no_signal once listening, receiving with TS, no_signal after silence, receiving again', async () => {
    const h = harness();
    await h.source.start();
    assert.equal(h.spawner.children.length, 1);
    assert.equal(h.child().request.command, 'stdbuf');
    assert.deepEqual(h.child().request.args.slice(0, 2), ['-o0', 'srt-live-transmit']);
    assert.equal(h.child().request.stdout, 'pipe');
    assert.equal(h.source.snapshot().state, 'starting');
    h.clock.advance(500);
    assert.equal(h.source.snapshot().state, 'no_signal');
    await h.send(packets(7));
    h.clock.advance(100);
    assert.equal(h.source.snapshot().state, 'receiving');
    h.clock.advance(NO_SIGNAL_AFTER_MS);
    assert.equal(h.source.snapshot().state, 'no_signal');
    await h.send(packets(7));
    h.clock.advance(100);
    assert.deepEqual(h.states, [
      'stopped>starting',
      'starting>no_signal (listening on 127.0.0.1:9000)',
      'no_signal>receiving',
      'receiving>no_signal (no packet for 2 s (listening on 127.0.0.1:9000))',
      'no_signal>receiving',
    ]);
  });

  it('hands the sink whole packets, byte for byte, however the pipe cuts them', async () => {
    const h = harness();
    await h.source.start();
    const stream = packets(100, 3);
    for (const [from, to] of [[0, 1], [1, 4096], [4096, 4097], [4097, 9000], [9000, 18800]] as const) await h.send(stream.subarray(from, to));
    assert.deepEqual(Buffer.concat(h.ts), stream);
    assert.ok(h.ts.every((b) => b.length % 188 === 0 && b[0] === 0x47));
    assert.ok(h.ts.length <= 8, `runs, not one call per packet (${h.ts.length})`);
    const s = h.source.snapshot();
    assert.equal(s.bytes, stream.length);
    assert.equal(s.tsBytes, stream.length);
    assert.equal(s.malformed, 0);
  });

  it('a packet split across two reads keeps its bytes after later reads (the fan-out queues chunks by reference)', async () => {
    const kept: Buffer[] = [];
    const spawner = new FakeSpawner();
    const source = new SrtSource({
      input: LISTENER,
      clock: new FakeClock(),
      spawner,
      statsPipe: async () => ({ path: '/tmp/fake/stats', close: async () => undefined }),
      // Like FanOut/ChunkQueue: the buffer itself is kept, not a copy.
      sink: { ts: (b) => void kept.push(b), rejected: () => undefined, stateChanged: () => undefined },
    });
    await source.start();
    // 1000-byte reads: most packets straddle two reads (an encoder or relay whose messages are not 188-aligned).
    const stream = packets(200, 11);
    for (let at = 0; at < stream.length; at += 1000) {
      spawner.last.stdout!.write(stream.subarray(at, at + 1000));
      await flush();
    }
    const got = Buffer.concat(kept);
    assert.equal(got.length, stream.length);
    assert.equal(got.findIndex((byte, i) => byte !== stream[i]), -1, 'a kept packet was overwritten');
    const stopped = source.stop();
    await spawner.last.exit(0);
    await stopped;
  });

  it('garbage on stdout never reaches the outputs; sync loss is counted', async () => {
    const h = harness();
    await h.source.start();
    await h.send(Buffer.concat([packets(3), Buffer.from('not a transport stream at all, just text'), packets(4, 9)]));
    assert.deepEqual(Buffer.concat(h.ts), Buffer.concat([packets(3), packets(4, 9)]));
    assert.equal(h.source.snapshot().malformed, 1);
  });

  it('a taken port is an error with the reason and a growing retry delay, until the port is free', async () => {
    const h = harness();
    await h.source.start();
    await h.say('ERROR #1003.98: Connection setup failure: unable to create/configure SRT socket\n');
    await h.say('ERROR: error: srt_bind: Connection setup failure: unable to create/configure SRT socket\n');
    await h.child().exit(255);
    let s = h.source.snapshot();
    assert.equal(s.state, 'error');
    assert.equal(s.error, 'cannot listen on 127.0.0.1:9000: the port is already used by another program (retrying in 1 s)');
    h.clock.advance(1000);
    assert.equal(h.spawner.children.length, 2);
    assert.equal(h.source.snapshot().state, 'starting');
    await h.say('ERROR #1003.98: Connection setup failure: unable to create/configure SRT socket\n');
    await h.child().exit(255);
    s = h.source.snapshot();
    assert.match(s.error ?? '', /already used by another program \(retrying in 2 s\)/);
    h.clock.advance(2000);
    h.clock.advance(500);
    assert.equal(h.source.snapshot().state, 'no_signal');
    assert.equal(h.source.snapshot().error, null);
  });

  it('a caller connecting, leaving and coming back: events, peer, and the same child throughout', async () => {
    const h = harness();
    await h.source.start();
    h.clock.advance(500);
    await h.say(ACCEPT);
    await h.send(packets(7));
    h.clock.advance(100);
    assert.equal(h.source.snapshot().peer, '127.0.0.5:54155');
    await h.say('SRT source disconnected\n');
    assert.equal(h.source.snapshot().peer, null);
    h.clock.advance(NO_SIGNAL_AFTER_MS);
    assert.equal(h.source.snapshot().state, 'no_signal');
    await h.say(ACCEPT.replaceAll('54155', '54999'));
    await h.send(packets(7));
    h.clock.advance(100);
    assert.equal(h.source.snapshot().state, 'receiving');
    assert.equal(h.spawner.children.length, 1, 'srt-live-transmit keeps listening: no restart, no backoff');
    assert.deepEqual(
      h.events.map((e) => `${e.kind} ${e.message}`),
      ['peer_connected caller 127.0.0.5:54155 connected', 'peer_disconnected caller 127.0.0.5:54155 left', 'peer_connected caller 127.0.0.5:54999 connected'],
    );
  });

  it('a caller with a wrong passphrase: one peer_rejected event per window, nothing on the outputs, no state change', async () => {
    const h = harness();
    await h.source.start();
    h.clock.advance(500);
    for (let i = 0; i < 20; i++) await h.say(REFUSE);
    assert.deepEqual(h.events, [{ kind: 'peer_rejected', level: 'warn', message: 'caller 127.0.0.5:41234 rejected: bad passphrase', peer: '127.0.0.5:41234' }]);
    assert.equal(h.ts.length, 0);
    assert.equal(h.source.snapshot().state, 'no_signal');
    assert.equal(h.source.snapshot().peer, null);
  });

  it('statistics: per connection in snapshot().srt, unrecoverable drops over the source’s life in lostPackets()', async () => {
    const h = harness();
    await h.source.start();
    h.clock.advance(500);
    await h.say(ACCEPT);
    h.stats(STATS_LINE);
    let s = h.source.snapshot();
    assert.deepEqual({ ...s.srt, at: 0 }, { at: 0, rttMs: 0.048, recvRateMbps: 8.36132, latencyMs: 200, packetsReceived: 1200, packetsLost: 12, packetsRetransmitted: 9, packetsDropped: 3 });
    assert.equal(h.source.lostPackets(), 3);
    assert.deepEqual(s.rtp, { lost: 0, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrcChanges: 0, ssrc: null });
    h.stats(STATS_LINE.replace('"packetsDropped":3', '"packetsDropped":5'));
    assert.equal(h.source.lostPackets(), 5, 'totals (-f), not increments');
    await h.say('SRT source disconnected\n');
    assert.equal(h.source.snapshot().srt, null);
    await h.say(ACCEPT);
    h.stats(STATS_LINE.replace('219619862', '777').replace('"packets":1200', '"packets":10'));
    s = h.source.snapshot();
    assert.equal(s.srt?.packetsDropped, 3);
    assert.equal(h.source.lostPackets(), 8);
    assert.equal(s.datagrams, 1210);
  });

  it('caller: calling, connected; refused by the listener → killed, error, retried with backoff', async () => {
    const h = harness(CALLER);
    await h.source.start();
    h.clock.advance(500);
    assert.equal(h.states.at(-1), 'starting>no_signal (calling 127.0.0.1:9130)');
    await h.say(lib('@308272865:Connection established to: 127.0.0.1:9130'));
    assert.equal(h.source.snapshot().peer, '127.0.0.1:9130');
    await h.say('SRT source disconnected\n');
    const refused = lib('processAsyncConnectRequest: REJECT reported from HS processing: Incorrect passphrase - not processing further');
    await h.say(refused + refused);
    assert.deepEqual(h.child().signals, ['SIGKILL']);
    await h.child().exit(null, 'SIGKILL');
    const s = h.source.snapshot();
    assert.equal(s.state, 'error');
    assert.equal(s.error, 'listener 127.0.0.1:9130 refused the call: bad passphrase (retrying in 1 s)');
    assert.deepEqual(
      h.events.map((e) => `${e.kind} ${e.message}`),
      ['peer_connected connected to listener 127.0.0.1:9130', 'peer_disconnected listener 127.0.0.1:9130 closed the connection', 'peer_rejected listener 127.0.0.1:9130 refused the call: bad passphrase'],
    );
    h.clock.advance(1000);
    assert.equal(h.spawner.children.length, 2);
  });

  it('a child that dies while a caller is connected: peer_disconnected, error, restarted', async () => {
    const h = harness();
    await h.source.start();
    h.clock.advance(500);
    await h.say(ACCEPT);
    await h.child().exit(null, 'SIGSEGV');
    assert.equal(h.source.snapshot().state, 'error');
    assert.match(h.source.snapshot().error ?? '', /killed by SIGSEGV \(retrying in 1 s\)/);
    assert.equal(h.events.at(-1)?.message, 'caller 127.0.0.5:54155 lost: the receiver exited');
    h.clock.advance(1000);
    assert.equal(h.spawner.children.length, 2);
  });

  it('stop: SIGTERM, TS flushed at exit still reaches the sink, then stopped; no secret anywhere', async () => {
    const h = harness();
    await h.source.start();
    h.clock.advance(500);
    await h.say(`Media path: 'srt://127.0.0.1:9000?mode=listener&passphrase=${SECRET}' --> 'file://con'\n\tpassphrase = '${SECRET}'\n` + ACCEPT);
    const stopped = h.source.stop();
    assert.deepEqual(h.child().signals, ['SIGTERM']);
    await h.send(packets(2));
    await h.child().exit(0);
    await stopped;
    assert.equal(Buffer.concat(h.ts).length, 2 * 188);
    assert.equal(h.source.snapshot().state, 'stopped');
    assert.equal(h.states.at(-1), 'no_signal>stopped');
    assert.ok(!JSON.stringify([h.source.snapshot(), h.events, h.states]).includes(SECRET));
    assert.ok(!h.child().request.args.join(' ').includes('****'), 'the child itself gets the real passphrase');
    assert.ok(h.child().request.args.includes('-statsout:/tmp/fake/stats'));
    assert.equal(h.pipe.closed, 1);
  });

  it('a config srt-live-transmit cannot take: error with the reason, no child, nothing retried', async () => {
    const h = harness({ ...LISTENER, passphrase: 'short' });
    await h.source.start();
    assert.equal(h.spawner.children.length, 0);
    assert.deepEqual(h.states, ['stopped>starting', 'starting>error (SRT input: passphrase must be 10-79 characters, got 5)']);
    h.clock.advance(60_000);
    assert.equal(h.spawner.children.length, 0);
    await h.source.stop();
    assert.equal(h.source.snapshot().state, 'stopped');
  });

  it('without a statistics pipe the input still runs, with no statistics', async () => {
    const clock = new FakeClock();
    const spawner = new FakeSpawner();
    const sink = { ts: () => undefined, rejected: () => undefined, stateChanged: () => undefined };
    const source = new SrtSource({ input: LISTENER, clock, spawner, sink, statsPipe: () => Promise.reject(new Error('mkfifo failed')) });
    await source.start();
    clock.advance(500);
    assert.equal(source.snapshot().state, 'no_signal');
    assert.ok(!spawner.last.request.args.some((a) => a.startsWith('-s')));
    await spawner.last.exit(0);
    await source.stop();
  });
});
