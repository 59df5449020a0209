import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMediaLiveGateway } from './medialive.module.js';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  it('shares one call among concurrent callers, reuses it for the TTL, and does not keep failures', async () => {
    let now = 0;
    let calls = 0;
    const cache = new TtlCache<number>(1000, () => now);
    const load = async () => ++calls;
    assert.deepEqual(await Promise.all([cache.get('k', load), cache.get('k', load)]), [1, 1]);
    now = 999;
    assert.equal(await cache.get('k', load), 1);
    now = 1000;
    assert.equal(await cache.get('k', load), 2);
    await assert.rejects(cache.get('bad', () => Promise.reject(new Error('throttled'))));
    assert.equal(await cache.get('bad', load), 3);
  });
});

describe('createMediaLiveGateway', () => {
  it('builds no SDK client at all without a region (so no credential chain, no instance metadata)', async () => {
    assert.equal(await createMediaLiveGateway({ region: undefined, endpoint: 'http://127.0.0.1:9', cacheMs: 0, pollIntervalMs: 100, transitionTimeoutMs: 1000 }), null);
  });
});
