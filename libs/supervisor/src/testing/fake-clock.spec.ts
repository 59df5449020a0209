import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fake-clock.js';

describe('FakeClock', () => {
  it('fires timeouts when due, in the order they were set', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    clock.setTimeout(() => fired.push('a2'), 10);
    clock.advance(15);
    assert.deepEqual(fired, ['a', 'a2']);
    clock.advance(5);
    assert.deepEqual(fired, ['a', 'a2', 'b']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('fires an interval every period until cleared, even from inside its own callback', () => {
    const clock = new FakeClock(0);
    const at: number[] = [];
    const handle = clock.setInterval(() => {
      at.push(clock.now());
      if (at.length === 3) clock.clearInterval(handle);
    }, 100);
    clock.advance(1000);
    assert.deepEqual(at, [100, 200, 300]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('interleaves intervals and timeouts by due time', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    const tick = clock.setInterval(() => fired.push(`tick@${clock.now()}`), 40);
    clock.setTimeout(() => fired.push(`once@${clock.now()}`), 100);
    clock.advance(120);
    clock.clearInterval(tick);
    assert.deepEqual(fired, ['tick@40', 'tick@80', 'once@100', 'tick@120']);
  });
});
