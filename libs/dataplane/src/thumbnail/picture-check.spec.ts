// Synthetic 64×36 luma samples through the check: black (full and limited range, with noise),
// a dark but moving picture that is not black, frozen pictures, hysteresis and resets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LUMA_SAMPLE_HEIGHT, LUMA_SAMPLE_WIDTH, PictureCheck, type LumaSample } from './picture-check.js';

const N = LUMA_SAMPLE_WIDTH * LUMA_SAMPLE_HEIGHT;

/** A small seeded PRNG, so the noise is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const flat = (level: number, noise = 0, seed = 1): Uint8Array => {
  const r = prng(seed);
  return Uint8Array.from({ length: N }, () => Math.max(0, Math.min(255, Math.round(level + (r() * 2 - 1) * noise))));
};
/** A bar pattern shifted by `phase` columns: content that moves between samples. */
const bars = (low: number, high: number, phase: number): Uint8Array =>
  Uint8Array.from({ length: N }, (_, i) => (Math.floor(((i % LUMA_SAMPLE_WIDTH) + phase) / 8) % 2 === 0 ? low : high));

const at = (s: number, luma: Uint8Array): LumaSample => ({ at: s * 1000, luma });

describe('PictureCheck', () => {
  it('raises black after two samples 2 s apart, full-range black', () => {
    const check = new PictureCheck();
    assert.deepEqual(check.push(at(0, flat(0))), []);
    assert.deepEqual(check.push(at(1, flat(0))), [], 'one second is not enough');
    const t = check.push(at(2, flat(0)));
    assert.equal(t.length, 1);
    assert.equal(t[0]!.condition, 'black');
    assert.equal(t[0]!.raised, true);
    assert.equal(t[0]!.since, 0);
    assert.equal(check.snapshot.black, true);
    assert.equal(check.snapshot.frozen, false, 'black is not also called frozen');
  });

  it('raises black on limited-range black (16) with encoder noise', () => {
    const check = new PictureCheck();
    check.push(at(0, flat(16, 3, 1)));
    const t = check.push(at(5, flat(16, 3, 2)));
    assert.deepEqual(t.map((x) => [x.condition, x.raised]), [['black', true]]);
  });

  it('does not call a dark but moving picture black (nor frozen)', () => {
    const check = new PictureCheck();
    for (let s = 0; s < 10; s++) assert.deepEqual(check.push(at(s * 2, bars(8, 40, s * 3))), []);
    assert.equal(check.snapshot.black, false);
    assert.equal(check.snapshot.frozen, false);
    assert.ok(check.snapshot.last!.mean < 32, 'as dark as black on average');
  });

  it('raises frozen when distinct key frames show the same picture, with noise', () => {
    const check = new PictureCheck();
    assert.deepEqual(check.push(at(0, bars(30, 200, 0))), []);
    const t = check.push(at(10, Uint8Array.from(bars(30, 200, 0), (v, i) => v + (i % 3 === 0 ? 1 : 0))));
    assert.deepEqual(t.map((x) => [x.condition, x.raised, x.since]), [['frozen', true, 0]]);
    assert.equal(check.snapshot.frozen, true);
  });

  it('ignores the same key frame fed twice', () => {
    const check = new PictureCheck();
    check.push(at(0, bars(30, 200, 0)));
    assert.deepEqual(check.push(at(0, bars(30, 200, 0))), []);
    assert.equal(check.snapshot.samples, 1);
  });

  it('never calls a moving picture frozen', () => {
    const check = new PictureCheck();
    for (let s = 0; s < 10; s++) assert.deepEqual(check.push(at(s * 10, bars(30, 200, s))), []);
  });

  it('keeps black through a flicker just above the threshold, clears when the picture is good', () => {
    const check = new PictureCheck();
    check.push(at(0, flat(0)));
    check.push(at(2, flat(0)));
    assert.equal(check.snapshot.black, true);
    assert.deepEqual(check.push(at(4, flat(36))), [], 'mean 36: above the raise threshold, below the clear one');
    assert.equal(check.snapshot.black, true);
    const t = check.push(at(6, bars(30, 200, 0)));
    assert.deepEqual(t.map((x) => [x.condition, x.raised, x.since]), [['black', false, 0]]);
    assert.equal(check.snapshot.black, false);
  });

  it('clears frozen once successive pictures differ clearly', () => {
    const check = new PictureCheck();
    check.push(at(0, bars(30, 200, 0)));
    check.push(at(10, bars(30, 200, 0)));
    assert.equal(check.snapshot.frozen, true);
    assert.deepEqual(check.push(at(20, Uint8Array.from(bars(30, 200, 0), (v, i) => (i % 2 ? v + 3 : v)))), [], 'MAD 1.5: not clearly moving');
    const t = check.push(at(30, bars(30, 200, 4)));
    assert.deepEqual(t.map((x) => [x.condition, x.raised]), [['frozen', false]]);
  });

  it('a frozen picture turning black is black, not frozen', () => {
    const check = new PictureCheck();
    check.push(at(0, bars(30, 200, 0)));
    check.push(at(10, bars(30, 200, 0)));
    assert.deepEqual(check.push(at(20, flat(0))).map((x) => [x.condition, x.raised]), [['frozen', false]]);
    assert.deepEqual(check.push(at(30, flat(0))).map((x) => [x.condition, x.raised]), [['black', true]]);
    assert.equal(check.snapshot.frozen, false);
  });

  it('starts from nothing after reset', () => {
    const check = new PictureCheck();
    check.push(at(0, flat(0)));
    check.reset();
    assert.deepEqual(check.push(at(2, flat(0))), [], 'the sample before the reset does not count');
    assert.equal(check.snapshot.samples, 1);
  });
});
