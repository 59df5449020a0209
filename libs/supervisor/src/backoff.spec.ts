import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, backoffDelay, DEFAULT_BACKOFF, resolveBackoffOptions, type BackoffOptions } from './backoff.js';

const opts = (over: Partial<BackoffOptions> = {}): BackoffOptions => resolveBackoffOptions({ baseMs: 1000, factor: 2, capMs: 30_000, minMs: 0, ...over });
const sequence = (backoff: Backoff, n: number) => Array.from({ length: n }, () => backoff.next());

/** Deterministic pseudo-random source (mulberry32), so jitter tests are seeded, not flaky. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap without jitter', () => {
    const b = new Backoff(opts({ jitter: 'none' }));
    assert.deepEqual(sequence(b, 8), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('keeps full jitter within [0, ceiling] and never above the cap', () => {
    const random = seeded(42);
    for (let attempt = 0; attempt < 60; attempt += 1) {
      const ceiling = Math.min(30_000, 1000 * 2 ** attempt);
      for (let i = 0; i < 50; i += 1) {
        const d = backoffDelay(attempt, opts({ jitter: 'full' }), random);
        assert.ok(d >= 0 && d <= ceiling, `attempt ${attempt}: ${d} outside [0, ${ceiling}]`);
      }
    }
  });

  it('maps the random draw linearly for full and equal jitter', () => {
    assert.equal(backoffDelay(2, opts({ jitter: 'full' }), () => 0.25), 1000);
    assert.equal(backoffDelay(2, opts({ jitter: 'equal' }), () => 0), 2000);
    assert.equal(backoffDelay(2, opts({ jitter: 'equal' }), () => 0.5), 3000);
    assert.equal(backoffDelay(10, opts({ jitter: 'full' }), () => 0.5), 15_000);
  });

  it('keeps decorrelated jitter between the base and three times the previous delay, capped', () => {
    const random = seeded(7);
    const b = new Backoff(opts({ jitter: 'decorrelated' }), random);
    let previous = 1000;
    for (let i = 0; i < 200; i += 1) {
      const d = b.next();
      assert.ok(d >= 1000 && d <= Math.min(30_000, previous * 3), `${d} after ${previous}`);
      previous = d;
    }
  });

  it('applies the floor so an unlucky draw never means an instant retry', () => {
    assert.equal(backoffDelay(0, opts({ jitter: 'full', minMs: 100 }), () => 0), 100);
    assert.equal(DEFAULT_BACKOFF.minMs > 0, true);
  });

  it('survives huge attempt numbers and out-of-range random values', () => {
    assert.equal(backoffDelay(10_000, opts({ jitter: 'none' }), Math.random), 30_000);
    assert.ok(backoffDelay(3, opts({ jitter: 'full' }), () => 7) <= 8000);
    assert.equal(backoffDelay(3, opts({ jitter: 'full' }), () => Number.NaN), 0);
  });

  it('rejects nonsense configuration', () => {
    assert.throws(() => resolveBackoffOptions({ baseMs: 0 }), RangeError);
    assert.throws(() => resolveBackoffOptions({ factor: 0.5 }), RangeError);
    assert.throws(() => resolveBackoffOptions({ baseMs: 5000, capMs: 1000 }), RangeError);
  });
});

describe('Backoff', () => {
  it('starts over after reset (the healthy-period reset)', () => {
    const b = new Backoff(opts({ jitter: 'none' }));
    assert.deepEqual(sequence(b, 4), [1000, 2000, 4000, 8000]);
    assert.equal(b.attempts, 4);
    b.reset();
    assert.equal(b.attempts, 0);
    assert.deepEqual(sequence(b, 2), [1000, 2000]);
  });

  it('gives the same sequence for the same seed', () => {
    const a = sequence(new Backoff(opts(), seeded(1)), 10);
    const b = sequence(new Backoff(opts(), seeded(1)), 10);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, sequence(new Backoff(opts(), seeded(2)), 10));
  });
});
