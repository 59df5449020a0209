import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RtpReorderBuffer, type RtpReorderOptions } from './rtp-reorder.js';

function harness(opts: Partial<RtpReorderOptions> = {}) {
  const out: number[] = [];
  const payloads: Buffer[] = [];
  const rb = new RtpReorderBuffer({
    windowPackets: 8,
    ...opts,
    onPayload: (p, seq) => {
      out.push(seq);
      payloads.push(p);
    },
  });
  const push = (seqs: number[], ssrc = 1, now?: number) => {
    for (const s of seqs) rb.push(s & 0xffff, ssrc, Buffer.from([s & 0xff]), now);
  };
  return { rb, out, payloads, push };
}

describe('RtpReorderBuffer', () => {
  it('passes in-order packets straight through, same Buffer, no delay', () => {
    const { rb, out, payloads } = harness();
    for (let s = 100; s < 120; s++) {
      const p = Buffer.from([s]);
      rb.push(s, 7, p);
      assert.equal(out.at(-1), s, 'emitted synchronously');
      assert.equal(payloads.at(-1), p, 'not copied');
    }
    assert.equal(rb.held, 0);
    assert.deepEqual({ ...rb.stats }, { received: 20, emitted: 20, lost: 0, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrcChanges: 0 });
  });

  it('restores order of swapped packets', () => {
    const { rb, out, push } = harness();
    push([1, 3, 2, 4, 6, 5]);
    assert.deepEqual(out, [1, 2, 3, 4, 5, 6]);
    assert.equal(rb.stats.reordered, 2);
    assert.equal(rb.stats.lost, 0);
  });

  it('counts duplicates, whether already emitted or still held', () => {
    const { rb, out, push } = harness();
    push([1, 2, 2, 4, 4, 3]);
    assert.deepEqual(out, [1, 2, 3, 4]);
    assert.equal(rb.stats.duplicates, 2);
  });

  it('gives up a gap when the window overflows and counts it lost', () => {
    const { rb, out, push } = harness();
    push([1, 3, 4, 5, 6, 7, 8, 9, 10]); // 2 never comes; 10 is 8 ahead of 2
    assert.deepEqual(out, [1, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(rb.stats.lost, 1);
    push([2]);
    assert.equal(rb.stats.late, 1, 'arrives after its gap was given up');
    assert.deepEqual(out.length, 9);
  });

  it('gives up a gap after maxDelayMs, on push or on tick', () => {
    const { rb, out, push } = harness({ maxDelayMs: 20 });
    push([1], 1, 0);
    push([3], 1, 5);
    push([4], 1, 10);
    assert.deepEqual(out, [1]);
    rb.tick(24);
    assert.deepEqual(out, [1]);
    rb.tick(25);
    assert.deepEqual(out, [1, 3, 4]);
    push([6], 1, 30);
    push([7], 1, 51);
    assert.deepEqual(out, [1, 3, 4, 6, 7]);
    assert.equal(rb.stats.lost, 2);
  });

  it('handles wrap-around at 65535', () => {
    const { rb, out, push } = harness();
    push([65533, 65534, 0, 65535, 1, 2]);
    assert.deepEqual(out, [65533, 65534, 65535, 0, 1, 2]);
    assert.equal(rb.stats.lost, 0);
    assert.equal(rb.expectedSequence, 3);
  });

  it('counts loss across the wrap', () => {
    const { rb, out, push } = harness();
    push([65534, 65535, 2, 3]);
    rb.flush();
    assert.deepEqual(out, [65534, 65535, 2, 3]);
    push([4]);
    assert.equal(rb.stats.lost, 2);
  });

  it('resyncs on an SSRC change, flushing what the old stream left', () => {
    const { rb, out, push } = harness();
    push([10, 12], 1);
    push([5000, 5001], 2);
    assert.deepEqual(out, [10, 12, 5000, 5001]);
    assert.equal(rb.stats.ssrcChanges, 1);
    assert.equal(rb.stats.resyncs, 1);
    assert.equal(rb.stats.lost, 1);
  });

  it('resyncs on a large jump instead of counting thousands lost', () => {
    const { rb, out, push } = harness({ resyncThreshold: 100 });
    push([1, 2, 40000, 40001]);
    assert.deepEqual(out, [1, 2, 40000, 40001]);
    assert.equal(rb.stats.resyncs, 1);
    assert.equal(rb.stats.lost, 0);
  });

  it('resyncs when a sender restarts a little behind, instead of dropping it forever', () => {
    const { rb, out, push } = harness();
    push([500, 501, 502]);
    push([480, 481, 482, 483, 484, 485, 486, 487, 488, 489]);
    assert.deepEqual(out.slice(0, 3), [500, 501, 502]);
    assert.equal(rb.stats.resyncs, 1);
    assert.deepEqual(out.slice(3), [488, 489]);
  });

  it('flush emits held packets and counts holes', () => {
    const { rb, out, push } = harness();
    push([1, 3, 6]);
    rb.flush();
    assert.deepEqual(out, [1, 3, 6]);
    assert.equal(rb.stats.lost, 3);
    assert.equal(rb.held, 0);
  });
});
