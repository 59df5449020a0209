import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LoginRateLimiter } from './login-rate-limiter.js';

describe('LoginRateLimiter', () => {
  it('allows the limit per minute, then asks to wait until the window ends', () => {
    let now = 1_000_000;
    const limiter = new LoginRateLimiter(3, () => now);
    assert.deepEqual([1, 2, 3].map(() => limiter.attempt('1.2.3.4', 'admin')), [0, 0, 0]);
    now += 20_000;
    assert.equal(limiter.attempt('1.2.3.4', 'admin'), 40);
    now += 40_000;
    assert.equal(limiter.attempt('1.2.3.4', 'admin'), 0);
  });

  it('limits one username across many addresses', () => {
    const limiter = new LoginRateLimiter(2, () => 0);
    limiter.attempt('10.0.0.1', 'Admin');
    limiter.attempt('10.0.0.2', 'admin');
    assert.ok(limiter.attempt('10.0.0.3', 'ADMIN') > 0);
    assert.equal(limiter.attempt('10.0.0.4', 'bob'), 0);
  });
});
