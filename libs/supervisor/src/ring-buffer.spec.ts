import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps items oldest first until full', () => {
    const ring = new RingBuffer<number>(3);
    assert.deepEqual(ring.toArray(), []);
    assert.equal(ring.last(), undefined);
    ring.push(1);
    ring.push(2);
    assert.deepEqual(ring.toArray(), [1, 2]);
    assert.equal(ring.size, 2);
  });

  it('overwrites the oldest item once full, across many wraps', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 10; i += 1) ring.push(i);
    assert.deepEqual(ring.toArray(), [8, 9, 10]);
    assert.equal(ring.size, 3);
    assert.equal(ring.last(), 10);
  });

  it('clears and rejects a useless capacity', () => {
    const ring = new RingBuffer<string>(1);
    ring.push('a');
    ring.push('b');
    assert.deepEqual(ring.toArray(), ['b']);
    ring.clear();
    assert.deepEqual(ring.toArray(), []);
    assert.throws(() => new RingBuffer(0), RangeError);
    assert.throws(() => new RingBuffer(1.5), RangeError);
  });
});
