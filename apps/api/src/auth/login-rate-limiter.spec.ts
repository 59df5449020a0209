import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADDRESS_FACTOR, ATTACK_WINDOW_MS, LoginRateLimiter } from './login-rate-limiter.js';

/** A limiter on a fake clock; every attempt below is a wrong password unless `succeeded` follows. */
function fixture(limit: number) {
  let now = 1_000_000;
  const limiter = new LoginRateLimiter(limit, () => now);
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('LoginRateLimiter', () => {
  it('gives one client `limit` failures a minute for a username, then the seconds until its window ends', () => {
    const { limiter, advance } = fixture(3);
    assert.deepEqual([1, 2, 3].map(() => limiter.attempt('1.2.3.4', 'admin')), [0, 0, 0]);
    advance(20_000);
    assert.equal(limiter.attempt('1.2.3.4', 'admin'), 40);
    advance(40_000);
    assert.equal(limiter.attempt('1.2.3.4', 'admin'), 0);
  });

  it('does not lock a user out: failures from other addresses never block a correct login from a new one', () => {
    const { limiter } = fixture(10);
    for (let i = 0; i < 10; i += 1) limiter.attempt('203.0.113.66', 'Admin');
    assert.ok(limiter.attempt('203.0.113.66', 'admin') > 0, 'the guessing address waits');
    assert.equal(limiter.attempt('198.51.100.7', 'admin'), 0, "the real admin's address is not blocked");
  });

  it('limits one address across usernames at a higher budget (NAT offices share addresses)', () => {
    const { limiter } = fixture(2);
    let allowed = 0;
    for (let i = 0; i < 50; i += 1) if (limiter.attempt('10.0.0.1', `user-${i}`) === 0) allowed += 1;
    assert.equal(allowed, 2 * ADDRESS_FACTOR);
  });

  it('slows a username under attack from many addresses, yet lets a new address in', () => {
    const { limiter, advance } = fixture(5);
    // A botnet: every address fails twice, then comes back a minute later (per-pair budget refreshed).
    const bots = Array.from({ length: 10 }, (_, i) => `192.0.2.${i + 1}`);
    for (const bot of bots) [0, 1].forEach(() => assert.equal(limiter.attempt(bot, 'admin'), 0));
    advance(61_000);
    const waits = bots.map((bot) => limiter.attempt(bot, 'admin'));
    assert.ok(waits.every((w) => w > 60), `an address that failed twice should wait for the attack window: ${waits.join(',')}`);
    assert.ok(waits.every((w) => w <= ATTACK_WINDOW_MS / 1000));
    // The real user, from an address that never failed: checked, and a correct password gets in.
    assert.equal(limiter.attempt('198.51.100.7', 'admin'), 0);
    limiter.succeeded('198.51.100.7', 'admin');
    assert.equal(limiter.attempt('198.51.100.7', 'admin'), 0, 'still allowed after logging in');
    // Other usernames are not affected.
    assert.equal(limiter.attempt(bots[0]!, 'operator'), 0);
    advance(ATTACK_WINDOW_MS);
    assert.equal(limiter.attempt(bots[0]!, 'admin'), 0, 'the backoff ends with its window');
  });

  it('forgives a client its typos once it logs in', () => {
    const { limiter } = fixture(3);
    [0, 1].forEach(() => limiter.attempt('1.2.3.4', 'alice'));
    limiter.attempt('1.2.3.4', 'alice');
    limiter.succeeded('1.2.3.4', 'alice');
    assert.deepEqual([1, 2, 3].map(() => limiter.attempt('1.2.3.4', 'alice')), [0, 0, 0]);
  });

  it('counts an attempt before its password is checked, so parallel guesses cannot slip through', () => {
    const { limiter } = fixture(3);
    // Ten requests arrive together; none has finished verifying (no succeeded/failed yet).
    const waits = Array.from({ length: 10 }, () => limiter.attempt('1.2.3.4', 'admin'));
    assert.equal(waits.filter((w) => w === 0).length, 3);
  });
});
