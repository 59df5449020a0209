import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeaseValidity } from './lease-validity.js';

describe('LeaseValidity', () => {
  it('a grant is usable until its statement’s start + TTL − margin, never longer', () => {
    const v = new LeaseValidity(5000, 1000);
    assert.equal(v.mayEmit('c', 0), false, 'nothing granted: nothing sent');
    v.granted('c', 100);
    assert.equal(v.mayEmit('c', 4099), true);
    assert.equal(v.mayEmit('c', 4100), false, 'stops a margin before the database could let another node take it');
    assert.deepEqual(v.expired(4100), ['c']);
  });

  it('a renewal extends it; a late answer to an older statement does not shorten it', () => {
    const v = new LeaseValidity(5000, 1000);
    v.granted('c', 0);
    v.granted('c', 2000);
    v.granted('c', 1000);
    assert.equal(v.mayEmit('c', 5999), true);
    assert.equal(v.mayEmit('c', 6000), false);
  });

  it('a revoked lease stops at once, and a bad margin is refused', () => {
    const v = new LeaseValidity(5000, 1000);
    v.granted('c', 0);
    v.granted('d', 0);
    v.revoked('c');
    assert.equal(v.mayEmit('c', 1), false);
    assert.deepEqual(v.held(), ['d']);
    assert.throws(() => new LeaseValidity(1000, 1000), /margin/);
  });
});
