import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatagramInputConfig, InputConfig } from '@mld/dataplane';
import { eligible, inputBindAddresses, placeChannel, type PlacementNode } from './placement.js';

const rtp = (bindIp: string): DatagramInputConfig => ({ type: 'rtp', bindIp, port: 5000, sourceIp: null, interfaceIp: null });

describe('placement', () => {
  it('an input binds its address unless it is the wildcard, a multicast group or an outgoing/shared transport', () => {
    assert.deepEqual(inputBindAddresses(rtp('127.0.0.2')), ['127.0.0.2']);
    assert.deepEqual(inputBindAddresses(rtp('0.0.0.0')), []);
    assert.deepEqual(inputBindAddresses(rtp('239.1.1.1')), []);
    assert.deepEqual(inputBindAddresses({ type: 'srt', mode: 'caller', bindIp: '10.0.0.5', host: '10.0.0.9', port: 9000, latencyMs: 200, passphrase: null, pbkeylen: null, streamId: null } as unknown as InputConfig), []);
    assert.deepEqual(inputBindAddresses({ type: 'redundant', main: rtp('127.0.0.2'), backup: rtp('127.0.0.3'), failover: { mode: 'failover', prefer: 'main', lossMs: 500, restoreMs: 3000 }, selection: 'auto' }), ['127.0.0.2', '127.0.0.3']);
  });

  it('the least-loaded eligible node takes it, ties by id; a node without the address never does', () => {
    const nodes: PlacementNode[] = [
      { id: 'c', addresses: ['127.0.0.4'], channels: 0 },
      { id: 'a', addresses: ['127.0.0.2', '127.0.0.4'], channels: 2 },
      { id: 'b', addresses: ['127.0.0.3', '127.0.0.4'], channels: 0 },
    ];
    assert.equal(placeChannel(nodes, [])?.id, 'b', 'anywhere: the least loaded, b before c');
    assert.equal(placeChannel(nodes, ['127.0.0.2'])?.id, 'a', 'only a has the address, loaded or not');
    assert.equal(placeChannel(nodes, ['127.0.0.4'])?.id, 'b');
    assert.equal(placeChannel(nodes, ['127.0.0.2', '127.0.0.3']), null, 'no node has both');
    assert.equal(eligible({ id: 'self', addresses: [], channels: 0, ownsLocal: (a) => a === '127.0.0.1' }, ['127.0.0.1']), true);
  });
});
