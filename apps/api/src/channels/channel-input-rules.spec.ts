import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collisionReason, inputsCollide, resolveInputSettings } from './channel-input-rules.js';

describe('resolveInputSettings', () => {
  it('accepts the seed aliases rtp_ip/rtp_port', () => {
    const r = resolveInputSettings({ rtp_ip: '0.0.0.0', rtp_port: 5000 }, undefined);
    assert.deepEqual(r, { ok: true, value: { inputType: 'rtp', bindIp: '0.0.0.0', port: 5000, sourceIp: null, interfaceIp: null } });
  });

  it('refuses an alias that disagrees with the canonical field', () => {
    const r = resolveInputSettings({ bind_ip: '1.1.1.1', rtp_ip: '2.2.2.2', port: 1 }, undefined);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.problems[0]!.field, 'rtp_ip');
  });

  it('requires an address and a port on create, keeps current ones on update', () => {
    const r = resolveInputSettings({}, undefined);
    assert.deepEqual(!r.ok && r.problems.map((p) => p.field), ['bind_ip', 'port']);
    const u = resolveInputSettings({ port: 6000 }, { inputType: 'udp', bindIp: '239.1.1.1', port: 5000, sourceIp: '10.0.0.1', interfaceIp: null });
    assert.deepEqual(u.ok && u.value, { inputType: 'udp', bindIp: '239.1.1.1', port: 6000, sourceIp: '10.0.0.1', interfaceIp: null });
  });

  it('allows source_ip and interface_ip only for multicast groups', () => {
    const r = resolveInputSettings({ bind_ip: '10.0.0.1', port: 5000, source_ip: '10.0.0.2' }, undefined);
    assert.match(!r.ok ? r.problems[0]!.message : '', /only when bind_ip is a multicast group/);
    assert.equal(resolveInputSettings({ bind_ip: '239.0.0.1', port: 5000, source_ip: '10.0.0.2' }, undefined).ok, true);
  });
});

describe('inputsCollide', () => {
  it('collides on the same address and port, or a wildcard on the same port', () => {
    assert.equal(inputsCollide({ bindIp: '10.0.0.1', port: 5000 }, { bindIp: '10.0.0.1', port: 5000 }), true);
    assert.equal(inputsCollide({ bindIp: '0.0.0.0', port: 5000 }, { bindIp: '10.0.0.1', port: 5000 }), true);
    assert.equal(inputsCollide({ bindIp: '10.0.0.1', port: 5000 }, { bindIp: '10.0.0.2', port: 5000 }), false);
    assert.equal(inputsCollide({ bindIp: '0.0.0.0', port: 5000 }, { bindIp: '0.0.0.0', port: 5001 }), false);

  });

  it('a multicast channel takes every datagram of its port: it collides with unicast and with other groups there', () => {
    const collide = (a: string, pa: number, b: string, pb: number) => [inputsCollide({ bindIp: a, port: pa }, { bindIp: b, port: pb }), inputsCollide({ bindIp: b, port: pb }, { bindIp: a, port: pa })];
    assert.deepEqual(collide('239.1.1.1', 5000, '10.0.0.1', 5000), [true, true], 'multicast vs unicast address');
    assert.deepEqual(collide('239.1.1.1', 5000, '0.0.0.0', 5000), [true, true], 'multicast vs wildcard');
    assert.deepEqual(collide('239.1.1.1', 5000, '239.1.1.2', 5000), [true, true], 'two groups on one port');
    assert.deepEqual(collide('239.1.1.1', 5000, '239.1.1.1', 5000), [true, true], 'the same group');
    assert.deepEqual(collide('239.1.1.1', 5000, '239.1.1.2', 5001), [false, false], 'different ports');
    assert.deepEqual(collide('239.1.1.1', 5000, '10.0.0.1', 5001), [false, false], 'different ports, unicast');
    assert.match(collisionReason({ bindIp: '10.0.0.1', port: 5000 }, { bindIp: '239.1.1.1', port: 5000, name: 'News' }), /channel "News" \(239\.1\.1\.1:5000\): a multicast channel receives every datagram/);
  });
});
