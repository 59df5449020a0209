// Seamless merge of one RTP stream received on two paths, on a fake clock with scripted sockets:
// independent loss, common loss, sequence wrap, a path behind the other, a dead path, duplicate
// storms, reorder, SSRC change. Output compared byte for byte with the TS that was sent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSyntheticTs } from '@mld/mpegts/fixtures';
import { mergeHarness } from './testing/merge-harness.js';
import { arrivals, rtpStream, type SentDatagram } from './testing/two-path-feed.js';

const TS = buildSyntheticTs({ seconds: 6, seed: 7, frameBytes: 25_000 }).ts;
/** ~760 datagrams/s: what an 8 Mbit/s feed sends. */
const INTERVAL_MS = 1.3;

/** Random loss at `rate`, never the first or the last datagram (a path cannot see a loss at its end). */
function lossPattern(seed: number, rate: number, count = 1e9): (index: number) => boolean {
  const lost = new Set<number>();
  let x = seed;
  for (let i = 0; i < 100_000; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    if (x / 2 ** 32 < rate) lost.add(i);
  }
  return (i) => i > 0 && i < count - 1 && lost.has(i);
}

function payloads(stream: readonly SentDatagram[], keep: (index: number) => boolean = () => true): Buffer {
  return Buffer.concat(stream.filter((d) => keep(d.index)).map((d) => d.payload));
}

async function started(options: Parameters<typeof mergeHarness>[0] = {}) {
  const h = mergeHarness(options);
  await h.source.start();
  return h;
}

describe('SeamlessRtpMerge (through MergedRtpSource, fake clock)', () => {
  it('5 % loss on A and 5 % other loss on B: zero merged loss, the TS byte for byte, each path counts its own loss', async () => {
    const stream = rtpStream(TS, { intervalMs: INTERVAL_MS });
    const loseA = lossPattern(1, 0.05, stream.length);
    const loseB0 = lossPattern(2, 0.05, stream.length);
    const loseB = (i: number) => loseB0(i) && !loseA(i);
    const h = await started();
    h.play(arrivals(stream, [{ lose: loseA }, { lose: loseB, delayMs: 3 }]));
    assert.ok(h.output().equals(TS));
    const snap = h.source.snapshot();
    const lostA = stream.filter((d) => loseA(d.index)).length;
    const lostB = stream.filter((d) => loseB(d.index)).length;
    assert.ok(lostA > 20 && lostB > 20, `${lostA} / ${lostB} losses`);
    assert.equal(snap.merge?.mergedLost, 0);
    assert.equal(snap.rtp.lost, 0);
    assert.equal(h.source.lostPackets(), 0);
    assert.deepEqual(
      snap.merge?.paths.map((p) => [p.lost, p.received, p.late]),
      [
        [lostA, stream.length - lostA, 0],
        [lostB, stream.length - lostB, 0],
      ],
    );
    assert.equal(snap.merge?.windowMs, 200);
    assert.equal(snap.tsBytes, TS.length);
  });

  it('a datagram lost on both paths is one merged loss; what follows waits the window, then goes out', async () => {
    const stream = rtpStream(TS, { intervalMs: INTERVAL_MS });
    const lost = (i: number) => i === 100;
    const h = await started();
    h.play(arrivals(stream, [{ lose: lost }, { lose: lost, delayMs: 5 }]));
    assert.ok(h.output().equals(payloads(stream, (i) => !lost(i))));
    const snap = h.source.snapshot();
    assert.equal(snap.merge?.mergedLost, 1);
    assert.equal(snap.rtp.lost, 1);
    assert.deepEqual(snap.merge?.paths.map((p) => p.lost), [1, 1]);
    // Datagram 101 arrived at 101 × 1.3 ms; the gap before it was given up one window later (10 ms ticks).
    const t0 = h.out[0]!.at;
    const after = h.out[100]!.at - t0;
    assert.ok(after >= 101 * INTERVAL_MS + 200 && after <= 101 * INTERVAL_MS + 200 + 10, `released after ${after} ms`);
  });

  it('sequence numbers wrapping through 65535 → 0 with loss on both paths around it', async () => {
    const stream = rtpStream(TS, { intervalMs: INTERVAL_MS, firstSequence: 65_500 });
    const h = await started();
    h.play(arrivals(stream, [{ lose: (i) => i % 7 === 3 || (i >= 30 && i <= 40) }, { lose: (i) => i % 7 === 5 && (i < 30 || i > 40), delayMs: 2 }]));
    assert.ok(h.output().equals(TS));
    assert.equal(h.source.snapshot().merge?.mergedLost, 0);
    assert.equal(h.source.snapshot().rtp.resyncs, 0);
  });

  it('path B 50 ms behind A: A loses 5 %, B fills every gap; B is measured 50 ms behind and never late', async () => {
    const stream = rtpStream(TS, { intervalMs: INTERVAL_MS });
    const h = await started();
    h.play(arrivals(stream, [{ lose: lossPattern(3, 0.05) }, { delayMs: 50 }]));
    assert.ok(h.output().equals(TS));
    const [a, b] = h.source.snapshot().merge!.paths;
    assert.equal(h.source.snapshot().merge?.mergedLost, 0);
    assert.equal(b!.late, 0);
    assert.ok(Math.abs(b!.behindMs - 50) < 1, `behind ${b!.behindMs} ms`);
    assert.equal(a!.behindMs, 0);
    assert.ok(b!.used > 0 && a!.used + b!.used === stream.length);
  });

  it('path B 250 ms behind with a 200 ms window: its copy of A\'s lost datagram is late, and that is merged loss', async () => {
    const stream = rtpStream(TS, { intervalMs: INTERVAL_MS });
    const h = await started();
    h.play(arrivals(stream, [{ lose: (i) => i === 500 }, { delayMs: 250 }]));
    const snap = h.source.snapshot();
    assert.equal(snap.merge?.mergedLost, 1);
    assert.equal(snap.merge?.paths[1]?.late, 1);
    assert.ok(h.output().equals(payloads(stream, (i) => i !== 500)));
  });

  it('B dead from 1 s: A alone carries the stream with no added delay; its own gaps wait only the reorder delay', async () => {
    const stream = rtpStream(TS, { intervalMs: INTERVAL_MS });
    const h = await started();
    const t0 = h.clock.now();
    h.play(arrivals(stream, [{ lose: (i) => i === 2000 }, { deadFrom: 1000 }]));
    assert.ok(h.output().equals(payloads(stream, (i) => i !== 2000)));
    // In-order datagrams leave at their arrival time: no buffering delay.
    const late = h.out.filter((o, k) => k < 1999 && o.at - t0 > stream[k]!.sentAt + 0.001);
    assert.equal(late.length, 0);
    // The gap at 2000 (B long dead): released within 40 ms + one tick, not the 200 ms window.
    const released = h.out[2000]!.at - t0 - stream[2001]!.sentAt;
    assert.ok(released >= 40 && released <= 50, `released after ${released} ms`);
    assert.equal(h.source.snapshot().merge?.mergedLost, 1);
    assert.deepEqual(
      h.events.map((e) => [e.kind, e.message]),
      [['peer_disconnected', 'path 2 (127.0.0.2:5000): no packet for 2 s; path 1 carries the stream alone']],
    );
    assert.deepEqual(h.source.snapshot().merge?.paths.map((p) => p.state), ['receiving', 'no_signal']);
  });

  it('A dead mid-stream while B is 30 ms behind: nothing lost at the switch-over', async () => {
    const stream = rtpStream(TS, { intervalMs: INTERVAL_MS });
    const h = await started();
    h.play(arrivals(stream, [{ deadFrom: 2000 }, { delayMs: 30, lose: (i) => i < 1000 && i % 9 === 0 }]));
    assert.ok(h.output().equals(TS));
    assert.equal(h.source.snapshot().merge?.mergedLost, 0);
  });

  it('a duplicate storm (every datagram 1-4 times on each path) changes nothing but the duplicate counters', async () => {
    const stream = rtpStream(TS, { intervalMs: INTERVAL_MS });
    const h = await started();
    h.play(arrivals(stream, [{ copies: (i) => 1 + (i % 4), lose: (i) => i % 11 === 0 && i > 0 }, { copies: (i) => 1 + ((i * 7) % 3), delayMs: 4 }]));
    assert.ok(h.output().equals(TS));
    const snap = h.source.snapshot();
    const dupA = stream.reduce((n, d) => n + (d.index % 11 === 0 && d.index > 0 ? 0 : d.index % 4), 0);
    const dupB = stream.reduce((n, d) => n + ((d.index * 7) % 3), 0);
    assert.deepEqual(snap.merge?.paths.map((p) => p.duplicates), [dupA, dupB]);
    assert.equal(snap.rtp.duplicates, dupA + dupB);
    assert.equal(snap.merge?.mergedLost, 0);
  });

  it('reorder within each path (neighbours swapped) and loss on both: in order, byte for byte', async () => {
    const stream = rtpStream(TS, { intervalMs: INTERVAL_MS });
    const h = await started();
    const swap = (i: number) => (i % 13 === 4 ? 3 : 0); // datagram 4, 17… arrives after the next two
    h.play(arrivals(stream, [{ jitterMs: swap, lose: (i) => i % 17 === 9 }, { jitterMs: (i) => (i % 5 === 1 ? 15 : 0), delayMs: 10, lose: (i) => i % 19 === 2 && i % 17 !== 9 }]));
    assert.ok(h.output().equals(TS));
    const snap = h.source.snapshot();
    assert.equal(snap.merge?.mergedLost, 0);
    assert.ok(snap.rtp.reordered > 0);
  });

  it('an SSRC change (encoder restart) seen first on A, 30 ms later on B: both streams once, in order, no flip-flop', async () => {
    const first = rtpStream(TS.subarray(0, 188 * 7 * 400), { intervalMs: INTERVAL_MS, ssrc: 0x1111, firstSequence: 100 });
    const second = rtpStream(TS.subarray(188 * 7 * 400), { intervalMs: INTERVAL_MS, ssrc: 0x2222, firstSequence: 40_000, firstTimestamp: 777_777 });
    const shifted = second.map((d) => ({ ...d, index: d.index + first.length, sentAt: d.sentAt + first.length * INTERVAL_MS }));
    const stream = [...first, ...shifted];
    const h = await started();
    // Loss away from the change: gaps still open in the old stream are given up at the change (ADR 0014).
    const away = (i: number) => i < 370 || i > 430;
    h.play(arrivals(stream, [{ lose: (i) => i % 23 === 5 && away(i) }, { delayMs: 30, lose: (i) => i % 29 === 7 && i % 23 !== 5 && away(i) }]));
    assert.ok(h.output().equals(TS));
    const snap = h.source.snapshot();
    assert.equal(snap.rtp.ssrcChanges, 1);
    assert.equal(snap.rtp.resyncs, 1);
    assert.equal(snap.rtp.ssrc, 0x2222);
    assert.equal(snap.merge?.mergedLost, 0);
  });

  it('a sender restart with the same SSRC and a new sequence: the lagging path\'s old copies are dropped, not a second restart', async () => {
    const first = rtpStream(TS.subarray(0, 188 * 7 * 300), { intervalMs: INTERVAL_MS, firstSequence: 9000 });
    const second = rtpStream(TS.subarray(188 * 7 * 300), { intervalMs: INTERVAL_MS, firstSequence: 30_000, firstTimestamp: 5_000_000 });
    const shifted = second.map((d) => ({ ...d, index: d.index + first.length, sentAt: d.sentAt + first.length * INTERVAL_MS }));
    const h = await started();
    h.play(arrivals([...first, ...shifted], [{}, { delayMs: 40 }]));
    assert.ok(h.output().equals(TS));
    assert.equal(h.source.snapshot().rtp.resyncs, 1);
  });
});
