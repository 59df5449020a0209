import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CC_DUPLICATE, CC_GAP, CC_OK, CC_REPEATED, ContinuityTracker, isContinuityError } from './continuity.js';

/** One TS packet header: payload and/or adaptation field, with the discontinuity_indicator. */
function packet(pid: number, cc: number, opts: { payload?: boolean; adaptation?: boolean; discontinuity?: boolean } = {}): Buffer {
  const p = Buffer.alloc(188, 0xff);
  const payload = opts.payload ?? true;
  const adaptation = opts.adaptation ?? opts.discontinuity ?? false;
  p[0] = 0x47;
  p[1] = (pid >> 8) & 0x1f;
  p[2] = pid & 0xff;
  p[3] = ((adaptation ? 2 : 0) | (payload ? 1 : 0)) << 4 | (cc & 0x0f);
  if (adaptation) {
    p[4] = payload ? 1 : 183;
    p[5] = opts.discontinuity ? 0x80 : 0;
  }
  return p;
}

describe('ContinuityTracker (ISO/IEC 13818-1 §2.4.3.3)', () => {
  it('accepts counters that follow, wrapping from 15 to 0', () => {
    const t = new ContinuityTracker();
    for (let i = 0; i < 40; i++) assert.equal(t.check(0x100, i & 0x0f, false), CC_OK);
  });

  it('one repeat is a legal duplicate, a second repeat is an error, a gap is an error', () => {
    const t = new ContinuityTracker();
    assert.deepEqual([5, 6, 6, 7, 7, 7, 9].map((cc) => t.check(0x100, cc, false)), [CC_OK, CC_OK, CC_DUPLICATE, CC_OK, CC_DUPLICATE, CC_REPEATED, CC_GAP]);
    assert.deepEqual(([CC_OK, CC_DUPLICATE, CC_GAP, CC_REPEATED] as const).map((r) => isContinuityError(r)), [false, false, true, true]);
  });

  it('a discontinuity_indicator lets the counter jump; forget() and forgetAll() restart the comparison', () => {
    const t = new ContinuityTracker();
    t.check(0x100, 3, false);
    assert.equal(t.check(0x100, 11, true), CC_OK);
    t.forget(0x100);
    assert.equal(t.check(0x100, 2, false), CC_OK);
    t.check(0x101, 1, false);
    t.forgetAll();
    assert.equal(t.check(0x100, 9, false), CC_OK);
    assert.equal(t.check(0x101, 9, false), CC_OK);
  });

  it('keeps PIDs apart', () => {
    const t = new ContinuityTracker();
    t.check(0x100, 0, false);
    t.check(0x101, 7, false);
    assert.equal(t.check(0x100, 1, false), CC_OK);
    assert.equal(t.check(0x101, 8, false), CC_OK);
  });

  it('observe(): adaptation-only packets do not advance the counter; one with a discontinuity resets it', () => {
    const t = new ContinuityTracker();
    assert.equal(t.observe(packet(0x100, 4), 0, 0x100, false), CC_OK);
    assert.equal(t.observe(packet(0x100, 4, { payload: false, adaptation: true }), 0, 0x100, false), CC_OK);
    assert.equal(t.observe(packet(0x100, 5), 0, 0x100, false), CC_OK);
    assert.equal(t.observe(packet(0x100, 0, { payload: false, discontinuity: true }), 0, 0x100, true), CC_OK);
    assert.equal(t.observe(packet(0x100, 12), 0, 0x100, false), CC_OK, 'compared across a reset');
    assert.equal(t.observe(packet(0x100, 14), 0, 0x100, false), CC_GAP);
  });
});
