import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkQueue } from './chunk-queue.js';
import { FanOut, type TsSink } from './fan-out.js';

const chunk = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('ChunkQueue', () => {
  it('keeps order, coalesces on take and counts what it drops when full', () => {
    const q = new ChunkQueue(1316 * 3);
    assert.ok(q.push(chunk(1316, 1)));
    assert.ok(q.push(chunk(1316, 2)));
    assert.ok(q.push(chunk(1316, 3)));
    assert.equal(q.push(chunk(1316, 4)), false);
    assert.equal(q.droppedBytes, 1316);
    const taken = q.take(1316 * 2)!;
    assert.equal(taken.length, 2632);
    assert.equal(taken[0], 1);
    assert.equal(taken[2631], 2);
    q.unshift(taken.subarray(1316));
    assert.equal(q.bytes, 2632);
    assert.equal(q.take(10_000)![0], 2);
    assert.equal(q.take(10), undefined);
  });

  it('always returns at least one chunk, even bigger than asked', () => {
    const q = new ChunkQueue(10_000);
    q.push(chunk(5000, 9));
    assert.equal(q.take(100)!.length, 5000);
  });
});

describe('FanOut', () => {
  it('gives each sink every chunk, even when one sink throws, and removes by id', () => {
    const got: Record<string, number> = { a: 0, c: 0 };
    const sinks: TsSink[] = [
      { id: 'a', accept: (ts) => void (got['a']! += ts.length) },
      { id: 'b', accept: () => { throw new Error('broken output'); } },
      { id: 'c', accept: (ts) => void (got['c']! += ts.length) },
    ];
    const fan = new FanOut();
    sinks.forEach((s) => fan.add(s));
    fan.push(chunk(188, 0x47));
    fan.remove('a');
    fan.push(chunk(188, 0x47));
    assert.deepEqual(got, { a: 188, c: 376 });
    assert.equal(fan.size, 2);
  });
});
