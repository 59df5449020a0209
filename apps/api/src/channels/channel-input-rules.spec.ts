import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boundUdpPort, collisionReason, describeInput, inputsCollide, resolveChannelInput } from './channel-input-rules.js';

const KEY = () => 'live_test';

describe('resolveChannelInput', () => {
  it('accepts the seed aliases rtp_ip/rtp_port as an RTP input', () => {
    const r = resolveChannelInput({ rtp_ip: '0.0.0.0', rtp_port: 5000 }, undefined);
    assert.deepEqual(r, { ok: true, value: { type: 'rtp', bind_ip: '0.0.0.0', port: 5000, source_ip: null, interface_ip: null } });
  });

  it('refuses an alias that disagrees with the canonical field', () => {
    const r = resolveChannelInput({ bind_ip: '1.1.1.1', rtp_ip: '2.2.2.2', port: 1 }, undefined);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.problems[0]!.field, 'rtp_ip');
  });

  it('requires an address and a port on create, keeps current ones on update', () => {
    const r = resolveChannelInput({}, undefined);
    assert.deepEqual(!r.ok && r.problems.map((p) => p.field), ['bind_ip', 'port']);
    const u = resolveChannelInput({ port: 6000 }, { type: 'udp', bind_ip: '239.1.1.1', port: 5000, source_ip: '10.0.0.1', interface_ip: null });
    assert.deepEqual(u.ok && u.value, { type: 'udp', bind_ip: '239.1.1.1', port: 6000, source_ip: '10.0.0.1', interface_ip: null });
  });

  it('allows source_ip and interface_ip only for multicast groups', () => {
    const r = resolveChannelInput({ bind_ip: '10.0.0.1', port: 5000, source_ip: '10.0.0.2' }, undefined);
    assert.match(!r.ok ? r.problems[0]!.message : '', /only when bind_ip is a multicast group/);
    assert.equal(resolveChannelInput({ bind_ip: '239.0.0.1', port: 5000, source_ip: '10.0.0.2' }, undefined).ok, true);
  });

  it('takes "input" of any kind, but not together with flat fields', () => {
    const srt = resolveChannelInput({ input: { type: 'srt', port: 9000, passphrase: 'correct-horse-77' } }, undefined, KEY);
    assert.deepEqual(srt.ok && srt.value, { type: 'srt', mode: 'listener', bind_ip: '0.0.0.0', host: null, port: 9000, latency: 200, passphrase: 'correct-horse-77', pbkeylen: null, streamid: null });
    const both = resolveChannelInput({ input: { type: 'rtmp' }, port: 5000 }, undefined, KEY);
    assert.deepEqual(!both.ok && both.problems.map((p) => p.field), ['port']);
  });

  it('an unchanged request keeps the current input of any kind; flat fields on an SRT channel describe a new RTP input', () => {
    const current = { type: 'rtmp', stream_key: 'live_old' } as const;
    assert.deepEqual(resolveChannelInput({}, current, KEY), { ok: true, value: current });
    const r = resolveChannelInput({ bind_ip: '0.0.0.0', port: 5000 }, current, KEY);
    assert.equal(r.ok && r.value.type, 'rtp');
  });
});

describe('boundUdpPort and describeInput', () => {
  it('RTP/UDP and SRT listeners bind a UDP port; callers, RTMP and files do not', () => {
    assert.deepEqual(boundUdpPort({ type: 'srt', mode: 'listener', bind_ip: '0.0.0.0', host: null, port: 9000, latency: 200, passphrase: null, pbkeylen: null, streamid: null }), { bindIp: '0.0.0.0', port: 9000 });
    assert.equal(boundUdpPort({ type: 'srt', mode: 'caller', bind_ip: '0.0.0.0', host: 'enc', port: 9000, latency: 200, passphrase: null, pbkeylen: null, streamid: null }), null);
    assert.equal(boundUdpPort({ type: 'rtmp', stream_key: 'k' }), null);
  });

  it('describes an input without its secrets', () => {
    const d = describeInput({ type: 'srt', mode: 'caller', bind_ip: '0.0.0.0', host: '127.0.0.9', port: 9000, latency: 300, passphrase: 'correct-horse-77', pbkeylen: 16, streamid: 'secret-id' });
    assert.equal(d, 'srt caller 127.0.0.9:9000, latency 300 ms, encrypted');
    assert.equal(describeInput({ type: 'rtmp', stream_key: 'live_abc' }), 'rtmp push');
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
