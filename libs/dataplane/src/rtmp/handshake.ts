import { createHmac, randomBytes } from 'node:crypto';

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

/*
 * The server side. Flash-era clients (and FFmpeg when it plays) put an HMAC-SHA256 digest in C1
 * and check the one in our S1/S2; encoders that publish (FFmpeg, OBS's librtmp) do not check.
 * We answer a digest with a digest (the scheme nginx-rtmp and FMS use) and anything else with
 * the simple handshake, so both kinds connect.
 */
const GENUINE_FP = Buffer.from('Genuine Adobe Flash Player 001', 'latin1');
const GENUINE_FMS = Buffer.from('Genuine Adobe Flash Media Server 001', 'latin1');
const RANDOM_CRUD = Buffer.from('f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae', 'hex');
const FMS_FULL_KEY = Buffer.concat([GENUINE_FMS, RANDOM_CRUD]);
const DIGEST_SIZE = 32;
/** The version we announce in S1 when we sign it (what FMS 3.5 and nginx-rtmp announce). */
const SERVER_VERSION = Buffer.of(0x0d, 0x0e, 0x0a, 0x0d);

/** Where the digest sits in a C1/S1 of scheme `base` (8: digest first, 772: key first). */
export function digestOffset(packet: Buffer, base: 8 | 772): number {
  return ((packet[base]! + packet[base + 1]! + packet[base + 2]! + packet[base + 3]!) % 728) + base + 4;
}

/** HMAC-SHA256 of the packet without the 32 digest bytes at `offset`. */
export function packetDigest(packet: Buffer, offset: number, key: Buffer): Buffer {
  return createHmac('sha256', key).update(packet.subarray(0, offset)).update(packet.subarray(offset + DIGEST_SIZE)).digest();
}

/** The client's digest and its scheme, or undefined when C1 has none (simple handshake). */
export function findClientDigest(c1: Buffer): { scheme: 8 | 772; digest: Buffer } | undefined {
  if (c1.readUInt32BE(4) === 0) return undefined;
  for (const scheme of [772, 8] as const) {
    const offset = digestOffset(c1, scheme);
    const expected = packetDigest(c1, offset, GENUINE_FP);
    if (expected.equals(c1.subarray(offset, offset + DIGEST_SIZE))) return { scheme, digest: expected };
  }
  return undefined;
}

/** S0+S1+S2 for a C1 (digest answered with a digest). */
export function serverHello(c1: Buffer, uptimeMs: number, random: (n: number) => Buffer = randomBytes): Buffer {
  const s1 = Buffer.alloc(HANDSHAKE_SIZE);
  s1.writeUInt32BE(uptimeMs >>> 0, 0);
  random(HANDSHAKE_SIZE - 8).copy(s1, 8);
  const client = findClientDigest(c1);
  let s2: Buffer;
  if (client) {
    SERVER_VERSION.copy(s1, 4);
    const offset = digestOffset(s1, client.scheme);
    packetDigest(s1, offset, GENUINE_FMS).copy(s1, offset);
    s2 = Buffer.alloc(HANDSHAKE_SIZE);
    random(HANDSHAKE_SIZE - DIGEST_SIZE).copy(s2, 0);
    const key = createHmac('sha256', FMS_FULL_KEY).update(client.digest).digest();
    createHmac('sha256', key).update(s2.subarray(0, HANDSHAKE_SIZE - DIGEST_SIZE)).digest().copy(s2, HANDSHAKE_SIZE - DIGEST_SIZE);
  } else {
    // Simple handshake: S2 echoes C1 (zero version bytes in S1 tell the client not to look for a digest).
    s2 = Buffer.from(c1);
  }
  return Buffer.concat([Buffer.of(VERSION), s1, s2]);
}

export interface ServerHandshakeStep {
  /** S0+S1+S2, to send, once C0+C1 are in. */
  reply?: Buffer;
  /** C2 is in: bytes after it are chunks. */
  done?: { rest: Buffer };
}

/**
 * Collects C0+C1 (answers them) and C2. The client's C2 is not checked: clients differ in what
 * they echo, and nothing depends on it. Throws HandshakeError on anything that is not RTMP.
 */
export class ServerHandshake {
  private parts: Buffer[] = [];
  private bytes = 0;
  private replied = false;

  constructor(
    private readonly uptimeMs: () => number = () => 0,
    private readonly random: (n: number) => Buffer = randomBytes,
  ) {}

  push(chunk: Buffer): ServerHandshakeStep {
    if (chunk.length === 0) return {};
    if (this.bytes === 0) checkClientVersion(chunk[0]!);
    this.parts.push(chunk);
    this.bytes += chunk.length;
    const step: ServerHandshakeStep = {};
    if (!this.replied && this.bytes >= 1 + HANDSHAKE_SIZE) {
      const all = Buffer.concat(this.parts, this.bytes);
      step.reply = serverHello(all.subarray(1, 1 + HANDSHAKE_SIZE), this.uptimeMs(), this.random);
      this.replied = true;
      this.parts = [all];
    }
    if (this.replied && this.bytes >= 1 + 2 * HANDSHAKE_SIZE) {
      const all = Buffer.concat(this.parts, this.bytes);
      step.done = { rest: all.subarray(1 + 2 * HANDSHAKE_SIZE) };
      this.parts = [];
    }
    return step;
  }
}

function checkClientVersion(version: number): void {
  if (version === VERSION) return;
  if (version === 6 || version === 8 || version === 9) throw new HandshakeError('encrypted RTMP (RTMPE) is not supported: use RTMP or RTMPS');
  if (version === 0x16) throw new HandshakeError('a TLS handshake on the plain RTMP port: use the RTMPS port');
  if (version >= 0x41 && version <= 0x5a) throw new HandshakeError('text (HTTP?) on the RTMP port');
  throw new HandshakeError(`not an RTMP client (version byte ${version}, expected 3)`);
}
