// Real UDP sockets on 127.0.0.1: two senders of the same RTP stream, each dropping a different
// 5 % of the datagrams, the second 20 ms behind. The merged input must deliver the TS byte for byte.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { buildSyntheticTs } from '@mld/mpegts/fixtures';
import { udpDatagramSourceFactory } from '../datagram-source.js';
import type { IngestSnapshot, IngestState } from '../../types.js';
import { MergedRtpSource } from './merged-rtp-source.js';
import { rtpStream, type SentDatagram } from './testing/two-path-feed.js';

const TS = buildSyntheticTs({ seconds: 4, seed: 11, frameBytes: 12_000 }).ts;
const STREAM = rtpStream(TS);
const COUNT = STREAM.length;

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Sends the stream paced (5 datagrams every 5 ms ≈ 8 Mbit/s), skipping the ones `lose` names, starting after `delayMs`. */
function sendPaced(socket: Socket, port: number, stream: readonly SentDatagram[], lose: (i: number) => boolean, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    setTimeout(() => {
      const timer = setInterval(() => {
        for (let k = 0; k < 5 && next < stream.length; k++, next++) if (!lose(next)) socket.send(stream[next]!.datagram, port, '127.0.0.1');
        if (next >= stream.length) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    }, delayMs);
  });
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

interface RealRun {
  received: Buffer;
  snapshot: IngestSnapshot;
  states: IngestState[];
}

/** A MergedRtpSource on two real sockets, fed by two paced senders; stopped before it returns. */
async function runReal(loseA: (i: number) => boolean, loseB: (i: number) => boolean, delayB: number): Promise<RealRun> {
  const [portA, portB] = [await freePort(), await freePort()];
  const received: Buffer[] = [];
  const states: IngestState[] = [];
  const source = new MergedRtpSource({
    inputs: [
      { type: 'rtp', bindIp: '127.0.0.1', port: portA, sourceIp: null, interfaceIp: null },
      { type: 'rtp', bindIp: '127.0.0.1', port: portB, sourceIp: null, interfaceIp: null },
    ],
    datagrams: udpDatagramSourceFactory,
    sink: { ts: (b) => received.push(b), rejected: () => undefined, stateChanged: (_from, to) => states.push(to) },
  });
  const [senderA, senderB] = [createSocket('udp4'), createSocket('udp4')];
  try {
    await source.start();
    assert.equal(source.snapshot().state, 'no_signal');
    await Promise.all([sendPaced(senderA, portA, STREAM, loseA, 0), sendPaced(senderB, portB, STREAM, loseB, delayB)]);
    await until(() => source.snapshot().tsBytes >= TS.length, 5000);
    return { received: Buffer.concat(received), snapshot: source.snapshot(), states };
  } finally {
    senderA.close();
    senderB.close();
    await source.stop();
  }
}

describe('MergedRtpSource on real sockets', { timeout: 20_000 }, () => {
  it('two lossy senders on 127.0.0.1 (different 5 % each, one 20 ms behind): zero merged loss, the TS byte for byte', async () => {
    // Never the first or the last datagram: a path cannot see a loss at its end.
    const loseA = (i: number) => i > 0 && i < COUNT - 1 && i % 20 === 7;
    const loseB = (i: number) => i > 0 && i < COUNT - 1 && i % 20 === 13;
    const run = await runReal(loseA, loseB, 20);
    const snap = run.snapshot;
    assert.equal(snap.tsBytes, TS.length);
    assert.ok(run.received.equals(TS), 'the merged TS differs from the one sent');
    assert.equal(snap.merge?.mergedLost, 0);
    assert.equal(snap.state, 'receiving');
    const expectLost = (lose: (i: number) => boolean) => STREAM.filter((d) => lose(d.index)).length;
    // Loopback may drop a datagram under load; each path counts at least its own script's loss.
    assert.ok(snap.merge!.paths[0]!.lost >= expectLost(loseA) && snap.merge!.paths[1]!.lost >= expectLost(loseB), JSON.stringify(snap.merge));
    assert.ok(snap.merge!.paths[1]!.behindMs > 5, `path 2 measured ${snap.merge!.paths[1]!.behindMs} ms behind`);
    assert.deepEqual(run.states, ['starting', 'no_signal', 'receiving', 'stopped']);
  });

  it('the leading sender stops half way: the one 20 ms behind (itself lossy before) carries on, nothing lost', async () => {
    const half = Math.floor(COUNT / 2);
    const run = await runReal(
      (i) => i >= half,
      (i) => i > 0 && i < half && i % 20 === 13,
      20,
    );
    assert.equal(run.snapshot.tsBytes, TS.length);
    assert.ok(run.received.equals(TS));
    assert.equal(run.snapshot.merge?.mergedLost, 0);
  });
});
