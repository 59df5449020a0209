import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientHello, HANDSHAKE_SIZE, HandshakeError, HandshakeReader } from './handshake.js';

describe('RTMP handshake', () => {
  it('C0+C1: version 3, time, zero (no digest), random', () => {
    const c = clientHello(1234, (n) => Buffer.alloc(n, 0xab));
    assert.equal(c.length, 1 + HANDSHAKE_SIZE);
    assert.equal(c[0], 3);
    assert.equal(c.readUInt32BE(1), 1234);
    assert.equal(c.readUInt32BE(5), 0);
    assert.equal(c[9], 0xab);
  });

  it('waits for S0+S1+S2 in pieces, echoes S1 as C2 and hands back what follows', () => {
    const s1 = Buffer.alloc(HANDSHAKE_SIZE, 5);
    const s2 = Buffer.alloc(HANDSHAKE_SIZE, 6);
    const after = Buffer.from([2, 0, 0, 0]);
    const all = Buffer.concat([Buffer.of(3), s1, s2, after]);
    const reader = new HandshakeReader();
    assert.equal(reader.push(all.subarray(0, 1000)), undefined);
    const done = reader.push(all.subarray(1000));
    assert.ok(done);
    assert.deepEqual(done.c2, s1);
    assert.deepEqual(done.rest, after);
  });

  it('names a TLS answer on an rtmp:// URL', () => {
    assert.throws(() => new HandshakeReader().push(Buffer.from([0x16, 3, 1])), (err: Error) => err instanceof HandshakeError && /rtmps/.test(err.message));
  });
});
