// The input state machine of RTP/UDP sources on a fake clock: starting → no_signal ⇄ receiving,
// error retried, and RTP loss counted by the source itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtpPacket } from '@mld/mpegts';
import { FakeClock } from '@mld/supervisor/testing';
import { ScriptedDatagrams } from '../testing/fakes.js';
import type { DatagramInputConfig, IngestState } from '../types.js';
import { DatagramTsSource, NO_SIGNAL_AFTER_MS, RETRY_BIND_MS } from './datagram-ts-source.js';

const INPUT: DatagramInputConfig = { type: 'rtp', bindIp: '127.0.0.1', port: 5000, sourceIp: null, interfaceIp: null };

function chunk(n: number): Buffer {
  const b = Buffer.alloc(1316, n & 0xff);
  for (let p = 0; p < 7; p++) b[p * 188] = 0x47;
  return b;
}

function rtp(seq: number): Buffer {
  return buildRtpPacket({ payloadType: 33, sequence: seq, timestamp: seq * 900, ssrc: 7 }, chunk(seq));
}

function harness(sockets: ScriptedDatagrams[]) {
  const clock = new FakeClock();
  const states: string[] = [];
  const ts: Buffer[] = [];
  let opened = 0;
  const source = new DatagramTsSource({
    input: INPUT,
    clock,
    datagrams: () => sockets[Math.min(opened++, sockets.length - 1)]!,
    sink: {
      ts: (b) => ts.push(Buffer.from(b)),
      rejected: () => undefined,
      stateChanged: (from: IngestState, to: IngestState, detail) => states.push(`${from}>${to}${detail ? ` (${detail})` : ''}`),
    },
  });
  return { clock, source, states, ts, opened: () => opened };
}

describe('DatagramTsSource', () => {
  it('no_signal once bound, receiving with datagrams, no_signal after 2 s of silence, receiving again', async () => {
    const socket = new ScriptedDatagrams();
    const h = harness([socket]);
    await h.source.start();
    assert.equal(h.source.snapshot().state, 'no_signal');
    socket.deliver(rtp(1));
    h.clock.advance(20);
    assert.equal(h.source.snapshot().state, 'receiving');
    h.clock.advance(NO_SIGNAL_AFTER_MS + 20);
    assert.equal(h.source.snapshot().state, 'no_signal');
    socket.deliver(rtp(2));
    h.clock.advance(20);
    assert.deepEqual(h.states, ['stopped>starting', 'starting>no_signal', 'no_signal>receiving', 'receiving>no_signal (no packet for 2 s)', 'no_signal>receiving']);
  });

  it('hands the sink the TS without the RTP headers, and counts RTP loss itself', async () => {
    const socket = new ScriptedDatagrams();
    const h = harness([socket]);
    await h.source.start();
    for (const seq of [1, 2, 3, 7, 8]) socket.deliver(rtp(seq));
    h.clock.advance(200); // the reorder window gives up on 4..6
    assert.equal(h.source.lostPackets(), 3);
    assert.equal(h.source.snapshot().rtp.lost, 3);
    assert.deepEqual(Buffer.concat(h.ts), Buffer.concat([1, 2, 3, 7, 8].map(chunk)));
  });

  it('a socket that cannot be opened is an error with the reason, retried every 5 s until it opens', async () => {
    const h = harness([new ScriptedDatagrams('cannot receive on 127.0.0.1:5000: the port is already used by another program'), new ScriptedDatagrams()]);
    await h.source.start();
    const snap = h.source.snapshot();
    assert.equal(snap.state, 'error');
    assert.match(snap.error ?? '', /already used by another program \(retrying every 5 s\)/);
    h.clock.advance(RETRY_BIND_MS - 1);
    assert.equal(h.opened(), 1);
    h.clock.advance(1);
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(h.opened(), 2);
    assert.equal(h.source.snapshot().state, 'no_signal');
  });

  it('stop() closes the socket, cancels a pending retry and leaves no timer', async () => {
    const socket = new ScriptedDatagrams();
    const h = harness([socket]);
    await h.source.start();
    await h.source.stop();
    assert.equal(socket.stops, 1);
    assert.equal(h.source.snapshot().state, 'stopped');
    assert.equal(h.clock.pendingTimers, 0);

    const failing = harness([new ScriptedDatagrams('no such address')]);
    await failing.source.start();
    await failing.source.stop();
    assert.equal(failing.clock.pendingTimers, 0);
    failing.clock.advance(RETRY_BIND_MS * 3);
    assert.equal(failing.opened(), 1, 'a stopped source was reopened');
  });
});
