import { randomBytes } from 'node:crypto';

/** RTMP handshake packets are 1536 bytes after the 1-byte version. */
export const HANDSHAKE_SIZE = 1536;
const VERSION = 3;

export class HandshakeError extends Error {}

/**
 * C0+C1 of the simple (non-digest) handshake: version 3, our time, four zero bytes (which tells the
 * server not to expect a digest), random fill. See ADR 0007 for why the digest variant is not needed.
 */
export function clientHello(uptimeMs: number, random: (n: number) => Buffer = randomBytes): Buffer {
  const c = Buffer.alloc(1 + HANDSHAKE_SIZE);
  c[0] = VERSION;
  c.writeUInt32BE(uptimeMs >>> 0, 1);
  c.writeUInt32BE(0, 5);
  random(HANDSHAKE_SIZE - 8).copy(c, 9);
  return c;
}

export interface HandshakeResult {
  /** C2, to send: the server's S1 echoed back. */
  c2: Buffer;
  /** Bytes after S0+S1+S2 (the server may start chunking at once). */
  rest: Buffer;
}

/**
 * Collects S0+S1+S2. Returns undefined while incomplete; throws when the server speaks another
 * protocol (a TLS or HTTP endpoint on an rtmp:// URL answers with something other than version 3).
 */
export class HandshakeReader {
  private parts: Buffer[] = [];
  private bytes = 0;

  push(chunk: Buffer): HandshakeResult | undefined {
    this.parts.push(chunk);
    this.bytes += chunk.length;
    const first = this.parts[0]!;
    if (first.length > 0 && first[0] !== VERSION) {
      throw new HandshakeError(`the server did not answer as an RTMP server (version byte ${first[0]}, expected 3${first[0] === 0x15 || first[0] === 0x16 ? '; it looks like TLS: use rtmps://' : ''})`);
    }
    const total = 1 + 2 * HANDSHAKE_SIZE;
    if (this.bytes < total) return undefined;
    const all = Buffer.concat(this.parts, this.bytes);
    const s1 = all.subarray(1, 1 + HANDSHAKE_SIZE);
    // C2 echoes S1 byte for byte (servers that check it compare the random part).
    const c2 = Buffer.from(s1);
    return { c2, rest: all.subarray(total) };
  }
}
