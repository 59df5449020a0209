// The input state machine of a two-path merged RTP input on a fake clock: both paths opened and
// retried on their own, state from the merged stream, per-path health, bad input never fatal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtpPacket } from '@mld/mpegts';
import { ScriptedDatagrams } from '../../testing/fakes.js';
import { NO_SIGNAL_AFTER_MS, RETRY_BIND_MS } from '../datagram-ts-source.js';
import { MergedRtpSource } from './merged-rtp-source.js';
import { mergeHarness, PATH_A, PATH_B } from './testing/merge-harness.js';

function chunk(n: number): Buffer {
  const b = Buffer.alloc(1316, n & 0xff);
  for (let p = 0; p < 7; p++) b[p * 188] = 0x47;
  return b;
}

function rtp(seq: number, ssrc = 7): Buffer {
  return buildRtpPacket({ payloadType: 33, sequence: seq, timestamp: seq * 900, ssrc }, chunk(seq));
}

const TAKEN = 'cannot receive on 127.0.0.2:5000: the port is already used by another program';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('MergedRtpSource', () => {
  it('no_signal once both paths are bound, receiving with datagrams on either, no_signal after 2 s of silence on both', async () => {
    const h = mergeHarness();
    await h.source.start();
    assert.equal(h.source.snapshot().state, 'no_signal');
    h.sockets[1]![0]!.deliver(rtp(1));
    h.clock.advance(10);
    assert.equal(h.source.snapshot().state, 'receiving');
    assert.deepEqual(h.source.snapshot().merge?.paths.map((p) => p.state), ['no_signal', 'receiving']);
    h.clock.advance(NO_SIGNAL_AFTER_MS + 10);
    assert.equal(h.source.snapshot().state, 'no_signal');
    assert.deepEqual(h.states, ['stopped>starting', 'starting>no_signal', 'no_signal>receiving', 'receiving>no_signal (no packet on either path for 2 s)']);
  });

  it('one path that cannot be opened: the other carries the channel, the reason is shown per path and the path is retried', async () => {
    const h = mergeHarness({ sockets: [[new ScriptedDatagrams()], [new ScriptedDatagrams(TAKEN), new ScriptedDatagrams()]] });
    await h.source.start();
    let snap = h.source.snapshot();
    assert.equal(snap.state, 'no_signal');
    assert.equal(snap.error, `path 2: ${TAKEN} (retrying every 5 s)`);
    assert.equal(snap.merge?.paths[1]?.state, 'error');
    h.sockets[0]![0]!.deliver(rtp(1));
    h.clock.advance(RETRY_BIND_MS);
    await settle();
    h.sockets[1]![1]!.deliver(rtp(2));
    h.clock.advance(10);
    snap = h.source.snapshot();
    assert.equal(snap.error, null);
    assert.deepEqual(snap.merge?.paths.map((p) => [p.state, p.received]), [['no_signal', 1], ['receiving', 1]]);
    assert.equal(snap.tsBytes, 2 * 1316);
  });

  it('neither path can be opened: error with both reasons, then no_signal once one opens', async () => {
    const h = mergeHarness({ sockets: [[new ScriptedDatagrams('no such address'), new ScriptedDatagrams()], [new ScriptedDatagrams(TAKEN)]] });
    await h.source.start();
    assert.equal(h.source.snapshot().state, 'error');
    assert.match(h.states.at(-1)!, /starting>error \(path 1: no such address \(retrying every 5 s\); path 2: cannot receive/);
    h.clock.advance(RETRY_BIND_MS);
    await settle();
    assert.equal(h.source.snapshot().state, 'no_signal');
    assert.match(h.source.snapshot().error ?? '', /^path 2: cannot receive/);
  });

  it('stop() closes both sockets, cancels pending retries and leaves no timer', async () => {
    const h = mergeHarness({ sockets: [[new ScriptedDatagrams()], [new ScriptedDatagrams(TAKEN)]] });
    await h.source.start();
    await h.source.stop();
    assert.equal(h.sockets[0]![0]!.stops, 1);
    assert.equal(h.clock.pendingTimers, 0);
    assert.equal(h.source.snapshot().state, 'stopped');
    assert.deepEqual(h.source.snapshot().merge?.paths.map((p) => p.state), ['stopped', 'stopped']);
  });

  it('a path that falls silent and comes back is an event each time (the other path carried the stream)', async () => {
    const h = mergeHarness();
    await h.source.start();
    let seq = 0;
    const send = (paths: number[], ms: number) => {
      for (let t = 0; t < ms; t += 10) {
        for (const p of paths) h.sockets[p]![0]!.deliver(rtp(seq));
        seq++;
        h.clock.advance(10);
      }
    };
    send([0, 1], 500);
    send([0], NO_SIGNAL_AFTER_MS + 100);
    send([0, 1], 100);
    assert.deepEqual(
      h.events.map((e) => `${e.kind} ${e.level} ${e.peer}: ${e.message}`),
      [
        'peer_disconnected warn 127.0.0.2:5000: path 2 (127.0.0.2:5000): no packet for 2 s; path 1 carries the stream alone',
        'peer_connected info 127.0.0.2:5000: path 2 (127.0.0.2:5000) receiving again: both paths protect the stream',
      ],
    );
    assert.equal(h.source.lostPackets(), 0);
  });

  it('bad datagrams on a path are counted and never forwarded; raw TS instead of RTP gets a hint', async () => {
    const h = mergeHarness();
    await h.source.start();
    h.sockets[0]![0]!.deliver(Buffer.from([1, 2, 3]));
    h.sockets[0]![0]!.deliver(chunk(1)); // raw TS
    h.sockets[1]![0]!.deliver(buildRtpPacket({ payloadType: 33, sequence: 1, timestamp: 0, ssrc: 7 }, Buffer.alloc(100, 0x47)));
    h.sockets[1]![0]!.deliver(rtp(5));
    h.clock.advance(10);
    const snap = h.source.snapshot();
    assert.equal(snap.malformed, 3);
    assert.deepEqual(snap.malformedReasons, { rtp_too_short: 1, ts_on_rtp_input: 1, rtp_payload_not_mpeg_ts: 1 });
    assert.match(snap.error ?? '', /raw MPEG-TS, not RTP/);
    assert.deepEqual(h.output(), chunk(5));
  });

  it('two paths carrying different streams (two encoders): said in the snapshot, and the merge keeps to one of them', async () => {
    const h = mergeHarness();
    await h.source.start();
    for (let i = 0; i < 100; i++) {
      h.sockets[0]![0]!.deliver(rtp(1000 + i, 0xaaaa));
      h.sockets[1]![0]!.deliver(rtp(50 + i, 0xbbbb));
      h.clock.advance(10);
    }
    const snap = h.source.snapshot();
    assert.match(snap.error ?? '', /different RTP streams \(SSRC 0x0000aaaa and 0x0000bbbb\): merge needs the same stream on both; two encoders need failover/);
    assert.equal(snap.rtp.ssrcChanges, 1, 'switched back and forth');
    // A's first datagram, then B's stream: A's copies are "the previous stream" while B's flows.
    assert.deepEqual(h.output(), Buffer.concat([chunk(1000), ...Array.from({ length: 100 }, (_, i) => chunk(50 + i))]));
  });

  it('refuses raw UDP paths and one address given twice, with the reason', () => {
    const sink = { ts: () => undefined, rejected: () => undefined, stateChanged: () => undefined };
    const datagrams = () => new ScriptedDatagrams();
    assert.throws(() => new MergedRtpSource({ inputs: [PATH_A, { ...PATH_B, type: 'udp' }], sink, datagrams }), /merge needs RTP on both paths \(sequence numbers\); 127\.0\.0\.2:5000 is raw UDP/);
    assert.throws(() => new MergedRtpSource({ inputs: [PATH_A, { ...PATH_A }], sink, datagrams }), /two different paths; both are 127\.0\.0\.1:5000/);
  });
});
