// Hostile input for an RTP/UDP ingest: random datagrams and RTP headers that are wrong in each
// way readRtpHeader names. The ingest must count and drop these, never crash or pass them on.
import { createSocket } from 'node:dgram';
import { buildRtpPacket, RTP_PAYLOAD_TYPE_MP2T } from '@mld/mpegts';
import { mulberry32 } from './seeded-random.js';

export type GarbageKind = 'random' | 'empty' | 'too_short' | 'bad_version' | 'bad_padding' | 'bad_extension_length';

export const GARBAGE_KINDS: readonly GarbageKind[] = ['random', 'empty', 'too_short', 'bad_version', 'bad_padding', 'bad_extension_length'];

export interface GarbageOptions {
  host: string;
  port: number;
  count: number;
  /** Cycled through; default all kinds. */
  kinds?: readonly GarbageKind[];
  /** Seed of the deterministic generator, so a failure can be replayed. */
  seed?: number;
}

export interface GarbageResult {
  sent: number;
  byKind: Record<GarbageKind, number>;
}

export async function sendGarbage(opts: GarbageOptions): Promise<GarbageResult> {
  const random = mulberry32(opts.seed ?? 0x5eed);
  const kinds = opts.kinds ?? GARBAGE_KINDS;
  const byKind = Object.fromEntries(GARBAGE_KINDS.map((k) => [k, 0])) as Record<GarbageKind, number>;
  const socket = createSocket('udp4');
  socket.on('error', () => undefined);
  try {
    for (let i = 0; i < opts.count; i++) {
      const kind = kinds[i % kinds.length]!;
      const datagram = makeGarbage(kind, random);
      await new Promise<void>((resolve) => socket.send(datagram, opts.port, opts.host, () => resolve()));
      byKind[kind]++;
    }
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
  return { sent: opts.count, byKind };
}

/** One datagram of the given kind (exported so unit-style checks can run it through readRtpHeader). */
export function makeGarbage(kind: GarbageKind, random: () => number = Math.random): Buffer {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const payload = bytes(188 * 7);
  const fields = { payloadType: RTP_PAYLOAD_TYPE_MP2T, sequence: Math.floor(random() * 0x10000), timestamp: 0, ssrc: 0x6a7ba6e };
  switch (kind) {
    case 'random': {
      // Never RTP version 2 and never a TS sync byte first, so it is garbage in both modes.
      const p = bytes(1 + Math.floor(random() * 1499));
      if (p[0]! >> 6 === 2 || p[0] === 0x47) p[0] = 0x00;
      return p;
    }
    case 'empty':
      return Buffer.alloc(0);
    case 'too_short':
      return bytes(1 + Math.floor(random() * 11));
    case 'bad_version': {
      const p = buildRtpPacket(fields, payload);
      p[0] = (p[0]! & 0x3f) | ((random() < 0.5 ? 1 : 3) << 6);
      return p;
    }
    case 'bad_padding': {
      // P bit set, padding count 0 or larger than the packet.
      const p = Buffer.from(buildRtpPacket(fields, payload).subarray(0, 200));
      p[0] = p[0]! | 0x20;
      p[p.length - 1] = random() < 0.5 ? 0 : 255;
      return p;
    }
    case 'bad_extension_length': {
      // X bit set, extension length claims more 32-bit words than the datagram holds.
      const p = buildRtpPacket({ ...fields, extension: { profile: 0xbede, data: Buffer.alloc(4) } }, Buffer.alloc(0));
      p.writeUInt16BE(0xffff, 14);
      return p;
    }
  }
}
