// Properties of the seamless merge over generated loss, delay, reorder and duplicate patterns
// (fast-check, fixed seed so CI is reproducible; FC_SEED / FC_RUNS to explore further).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildSyntheticTs } from '@mld/mpegts/fixtures';
import { mergeHarness } from './testing/merge-harness.js';
import { arrivals, rtpStream, TS_PER_DATAGRAM, type PathPlan } from './testing/two-path-feed.js';

const PARAMS = { seed: Number(process.env['FC_SEED'] ?? 20220007), numRuns: Number(process.env['FC_RUNS'] ?? 150) };
const DATAGRAM = 188 * TS_PER_DATAGRAM;
const SOURCE = buildSyntheticTs({ seconds: 4, seed: 3, frameBytes: 12_000 }).ts;
const MAX_DATAGRAMS = 400;
const INTERVAL_MS = 1.3;
const WINDOW_MS = 200;

/** Who delivers each datagram: both paths, only A, only B, or (for the loss property) neither. */
type Delivery = 'both' | 'a' | 'b' | 'none';

const pathArb = fc.record({
  delayMs: fc.integer({ min: 0, max: 80 }),
  /** Extra delay of some datagrams (reorder within the path), at most 20 ms. */
  jitter: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: MAX_DATAGRAMS, maxLength: MAX_DATAGRAMS }),
  jitterEvery: fc.integer({ min: 2, max: 50 }),
  /** 1 copy mostly, 2-3 for some datagrams (duplicates). */
  copies: fc.array(fc.constantFrom(1, 1, 1, 1, 2, 3), { minLength: MAX_DATAGRAMS, maxLength: MAX_DATAGRAMS }),
});

function scenario(deliveries: fc.Arbitrary<Delivery>) {
  return fc.record({
    count: fc.integer({ min: 2, max: MAX_DATAGRAMS }),
    firstSequence: fc.integer({ min: 0, max: 0xffff }),
    delivery: fc.array(deliveries, { minLength: MAX_DATAGRAMS, maxLength: MAX_DATAGRAMS }),
    paths: fc.tuple(pathArb, pathArb),
  });
}

type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer S> ? S : never;

/**
 * The merge starts at the first datagram it sees, so datagram 0 is delivered by both paths
 * without jitter (it reaches the receiver first). The last one always arrives, or its loss could not be seen.
 */
function run(s: Scenario) {
  const stream = rtpStream(SOURCE.subarray(0, s.count * DATAGRAM), { intervalMs: INTERVAL_MS, firstSequence: s.firstSequence });
  const delivered = (i: number): Delivery => (i === 0 || i === s.count - 1 ? 'both' : s.delivery[i]!);
  const plans: PathPlan[] = s.paths.map((p, path) => ({
    delayMs: p.delayMs,
    jitterMs: (i: number) => (i > 0 && i % p.jitterEvery === 0 ? p.jitter[i]! : 0),
    copies: (i: number) => p.copies[i]!,
    lose: (i: number) => {
      const d = delivered(i);
      return d === 'none' || d === (path === 0 ? 'b' : 'a');
    },
  }));
  const h = mergeHarness({ windowMs: WINDOW_MS });
  void h.source.start();
  h.play(arrivals(stream, plans), 2 * WINDOW_MS);
  const kept = stream.filter((d) => delivered(d.index) !== 'none');
  return { h, expected: Buffer.concat(kept.map((d) => d.payload)), lostOnBoth: stream.length - kept.length };
}

describe('SeamlessRtpMerge (property)', () => {
  it('each datagram arriving on at least one path within the window: the output is the TS sent, byte for byte', () => {
    fc.assert(
      fc.property(scenario(fc.constantFrom<Delivery>('both', 'both', 'both', 'a', 'b')), (s) => {
        const { h, expected } = run(s);
        assert.ok(h.output().equals(expected), `output ${h.output().length} bytes, sent ${expected.length}`);
        const snap = h.source.snapshot();
        assert.equal(snap.merge?.mergedLost, 0);
        assert.deepEqual(snap.merge?.paths.map((p) => p.late), [0, 0]);
        assert.equal(snap.rtp.resyncs, 0);
      }),
      PARAMS,
    );
  });

  it('datagrams lost on both paths: each one merged loss, and the output is the rest in order', () => {
    fc.assert(
      fc.property(scenario(fc.constantFrom<Delivery>('both', 'both', 'a', 'b', 'none')), (s) => {
        const { h, expected, lostOnBoth } = run(s);
        assert.ok(h.output().equals(expected));
        assert.equal(h.source.snapshot().merge?.mergedLost, lostOnBoth);
        assert.equal(h.source.lostPackets(), lostOnBoth);
      }),
      PARAMS,
    );
  });
});
