import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TypedEmitter } from './typed-emitter.js';

interface Events {
  tick: number;
  error: { message: string };
}

describe('TypedEmitter', () => {
  it('delivers to listeners until they unsubscribe, once() only once', () => {
    const emitter = new TypedEmitter<Events>();
    const seen: string[] = [];
    const off = emitter.on('tick', (n) => seen.push(`on ${n}`));
    emitter.once('tick', (n) => seen.push(`once ${n}`));
    emitter.emit('tick', 1);
    off();
    emitter.emit('tick', 2);
    assert.deepEqual(seen, ['on 1', 'once 1']);
    assert.equal(emitter.listenerCount('tick'), 0);
  });

  it('does not throw on an error event nobody listens to', () => {
    assert.doesNotThrow(() => new TypedEmitter<Events>().emit('error', { message: 'x' }));
  });

  it('keeps delivering after a listener throws and hands the exception over', () => {
    const caught: unknown[] = [];
    const emitter = new TypedEmitter<Events>((err) => caught.push(err));
    const seen: number[] = [];
    emitter.on('tick', () => {
      throw new Error('listener bug');
    });
    emitter.on('tick', (n) => seen.push(n));
    emitter.emit('tick', 7);
    assert.deepEqual(seen, [7]);
    assert.equal((caught[0] as Error).message, 'listener bug');
  });
});
