import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AnonymousAuditLimiter } from './anonymous-audit-limiter.js';

const limits = { perSourceBurst: 3, perSourcePerMinute: 6, globalBurst: 5, globalPerMinute: 60, maxSources: 2 };

describe('AnonymousAuditLimiter', () => {
  it('admits a burst per address, then refills at its rate, and counts what it refused', () => {
    let now = 0;
    const limiter = new AnonymousAuditLimiter(limits, () => now);
    const admitted = Array.from({ length: 5 }, () => limiter.admit('10.0.0.1'));
    assert.deepEqual(admitted, [true, true, true, false, false]);
    now += 10_000; // 6 per minute: one more after 10 s
    assert.equal(limiter.admit('10.0.0.1'), true);
    assert.equal(limiter.admit('10.0.0.1'), false);
    const summary = limiter.takeSuppressed();
    assert.equal(summary?.count, 3);
    assert.deepEqual(summary?.topSources, [{ source: '10.0.0.1', count: 3 }]);
    assert.equal(limiter.takeSuppressed(), null);
  });

  it('caps all addresses together, so many sources cannot fill the log either', () => {
    const limiter = new AnonymousAuditLimiter(limits, () => 0);
    const admitted = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((s) => limiter.admit(s));
    assert.deepEqual(admitted, [true, true, true, true, true, false, false]);
    assert.equal(limiter.takeSuppressed()?.count, 2);
  });

  it('remembers a bounded number of addresses', () => {
    const limiter = new AnonymousAuditLimiter({ ...limits, globalBurst: 1000 }, () => 0);
    for (let i = 0; i < 100; i++) limiter.admit(`10.0.${i}.1`);
    assert.ok((limiter as unknown as { sources: Map<string, unknown> }).sources.size <= 2);
  });
});
