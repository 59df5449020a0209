// When a node may keep its channels without renewing their leases: only while it has never seen
// another node (a single node on its own database); once it has, never again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config/app-config.js';
import type { ChannelLeases, LeaseRow } from './channel-leases.js';
import { ChannelOwnership, leaseTimings } from './channel-ownership.js';
import { LeaseValidity } from './lease-validity.js';

function ownership(others: () => number): { o: ChannelOwnership; validity: LeaseValidity } {
  const config = loadConfig({ NODE_ID: 'solo', LEASE_TTL_MS: '2000' });
  const t = leaseTimings(config.node);
  const validity = new LeaseValidity(t.ttlMs, t.marginMs);
  const held = new Set<string>();
  const leases = {
    claim: async (channelId: string): Promise<LeaseRow> => (held.add(channelId), { channelId, nodeId: 'solo', token: 1 }),
    renewAll: async (): Promise<LeaseRow[]> => [...held].map((channelId) => ({ channelId, nodeId: 'solo', token: 1 })),
    othersUp: async () => others(),
    lastHolder: async () => null,
    cluster: async () => ({ nodes: [] }),
  } as unknown as ChannelLeases;
  return { o: new ChannelOwnership(leases, validity, config), validity };
}

const rtp = { type: 'rtp' as const, bindIp: '0.0.0.0', port: 5000, sourceIp: null, interfaceIp: null };

describe('ChannelOwnership: alone or in a cluster', () => {
  it('alone, its channels stay valid when the leases cannot be renewed', async () => {
    const { o, validity } = ownership(() => 0);
    assert.equal(await o.acquire('c1', rtp), true);
    await o.renewAll();
    assert.equal(o.alone(), true);
    const later = performance.now() + 10_000;
    assert.deepEqual(o.keepWhileAlone(later), ['c1']);
    assert.equal(validity.mayEmit('c1', later + 1), true, 'still sending: nobody could take it over');
  });

  it('once it has seen another node it is never alone again, and fencing applies', async () => {
    let others = 1;
    const { o } = ownership(() => others);
    assert.equal(await o.acquire('c1', rtp), true);
    await o.renewAll();
    others = 0;
    await o.renewAll();
    assert.equal(o.alone(), false, 'sticky: a frozen member of a cluster must not count itself alone');
    assert.deepEqual(o.fenced(performance.now() + 10_000), ['c1']);
  });
});
