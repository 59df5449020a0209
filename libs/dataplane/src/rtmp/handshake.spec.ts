import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { clientHello, HANDSHAKE_SIZE, HandshakeError, HandshakeReader, ServerHandshake } from './handshake.js';

const fixed = (n: number) => Buffer.alloc(n, 0x5a);
const hmac = (key: Buffer | string, ...parts: Buffer[]) => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** C1 signed as FFmpeg signs it (digest scheme 0: offset from bytes 8..11, key "Genuine Adobe Flash Player 001"). */
function signedC1(): Buffer {
  const c1 = Buffer.alloc(HANDSHAKE_SIZE, 0x11);
  c1.writeUInt32BE(0, 0);
  Buffer.of(9, 0, 124, 2).copy(c1, 4);
  const offset = ((c1[8]! + c1[9]! + c1[10]! + c1[11]!) % 728) + 12;
  hmac('Genuine Adobe Flash Player 001', c1.subarray(0, offset), c1.subarray(offset + 32)).copy(c1, offset);
  return c1;
}

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

describe('RTMP handshake, server side', () => {
  it('answers a simple C1 with S0, S1 (zero version: no digest) and S2 echoing C1, then hands back what follows C2', () => {
    const c1 = Buffer.alloc(HANDSHAKE_SIZE, 7);
    c1.writeUInt32BE(0, 4);
    const hs = new ServerHandshake(() => 99, fixed);
    assert.deepEqual(hs.push(Buffer.concat([Buffer.of(3), c1.subarray(0, 100)])), {});
    const step = hs.push(c1.subarray(100));
    assert.ok(step.reply && !step.done);
    assert.equal(step.reply.length, 1 + 2 * HANDSHAKE_SIZE);
    assert.equal(step.reply[0], 3);
    assert.equal(step.reply.readUInt32BE(1), 99);
    assert.equal(step.reply.readUInt32BE(5), 0);
    assert.deepEqual(step.reply.subarray(1 + HANDSHAKE_SIZE), c1);
    const connect = Buffer.from([3, 0, 0, 0]);
    const done = hs.push(Buffer.concat([Buffer.alloc(HANDSHAKE_SIZE, 1), connect])).done;
    assert.deepEqual(done?.rest, connect);
  });

  it('answers a signed C1 (FFmpeg, Flash) with a signed S1 and an S2 a client can verify', () => {
    const c1 = signedC1();
    const reply = new ServerHandshake(() => 0, fixed).push(Buffer.concat([Buffer.of(3), c1])).reply!;
    const s1 = reply.subarray(1, 1 + HANDSHAKE_SIZE);
    const s2 = reply.subarray(1 + HANDSHAKE_SIZE);
    assert.ok(s1[4]! >= 3, 'a version in S1 tells the client to verify');
    // The client's check (FFmpeg rtmpproto.c, rtmp_validate_digest and the S2 signature).
    const s1Offset = ((s1[8]! + s1[9]! + s1[10]! + s1[11]!) % 728) + 12;
    assert.deepEqual(s1.subarray(s1Offset, s1Offset + 32), hmac('Genuine Adobe Flash Media Server 001', s1.subarray(0, s1Offset), s1.subarray(s1Offset + 32)));
    const c1Offset = ((c1[8]! + c1[9]! + c1[10]! + c1[11]!) % 728) + 12;
    const crud = Buffer.from('f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae', 'hex');
    const key = hmac(Buffer.concat([Buffer.from('Genuine Adobe Flash Media Server 001'), crud]), c1.subarray(c1Offset, c1Offset + 32));
    assert.deepEqual(s2.subarray(HANDSHAKE_SIZE - 32), hmac(key, s2.subarray(0, HANDSHAKE_SIZE - 32)));
  });

  it('names what a non-RTMP client sent', () => {
    for (const [first, pattern] of [[0x16, /TLS .* RTMPS port/], [6, /RTMPE/], [0x47, /HTTP/], [0, /version byte 0/]] as const) {
      assert.throws(() => new ServerHandshake().push(Buffer.of(first, 1, 2)), (err: Error) => err instanceof HandshakeError && pattern.test(err.message), String(first));
    }
  });
});
