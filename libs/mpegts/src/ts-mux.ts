// Writing side of TS: sections into packets, and packets into an existing stream.
// Used to build fixtures; the relay itself never rewrites a byte.
import { TS_PACKET_SIZE, writePcr, writeTsHeader } from './ts-packet.js';

/**
 * Cuts sections into TS packets on one PID with a running continuity counter: the first
 * packet of each section gets PUSI and pointer_field 0, the last is padded with 0xFF.
 */
export class SectionPacketizer {
  private cc: number;

  constructor(
    readonly pid: number,
    startCc = 0,
  ) {
    this.cc = startCc & 0x0f;
  }

  /** Continuity counter the next packet will carry. */
  get nextCc(): number {
    return this.cc;
  }

  packetize(section: Uint8Array): Buffer {
    const firstRoom = TS_PACKET_SIZE - 5; // header + pointer_field
    const rest = Math.max(0, section.length - firstRoom);
    const count = 1 + Math.ceil(rest / (TS_PACKET_SIZE - 4));
    const out = Buffer.alloc(count * TS_PACKET_SIZE, 0xff);
    let src = 0;
    for (let i = 0; i < count; i++) {
      const off = i * TS_PACKET_SIZE;
      writeTsHeader(out, off, this.pid, this.cc, { pusi: i === 0 });
      this.cc = (this.cc + 1) & 0x0f;
      let p = off + 4;
      if (i === 0) out[p++] = 0; // pointer_field: the section starts right away
      const n = Math.min(section.length - src, off + TS_PACKET_SIZE - p);
      out.set(section.subarray(src, src + n), p);
      src += n;
    }
    return out;
  }
}

/** One-shot form of {@link SectionPacketizer}. */
export function packetizeSection(section: Uint8Array, pid: number, startCc = 0): { packets: Buffer; nextCc: number } {
  const p = new SectionPacketizer(pid, startCc);
  return { packets: p.packetize(section), nextCc: p.nextCc };
}

export interface PesPacketizeOptions {
  /** PCR (27 MHz) to carry in the first packet's adaptation field. */
  pcr?: number;
  randomAccess?: boolean;
}

/**
 * Cuts a whole PES packet into TS packets on `pid`, filling the last one with adaptation
 * field stuffing (never payload padding, which would corrupt the elementary stream).
 */
export function packetizePes(
  pes: Uint8Array,
  pid: number,
  startCc: number,
  opts: PesPacketizeOptions = {},
): { packets: Buffer; nextCc: number } {
  const chunks: Buffer[] = [];
  let cc = startCc & 0x0f;
  let src = 0;
  let first = true;
  while (first || src < pes.length) {
    const flags = first ? (opts.pcr !== undefined ? 0x10 : 0) | (opts.randomAccess ? 0x40 : 0) : 0;
    const baseAf = flags ? 2 + (opts.pcr !== undefined && first ? 6 : 0) : 0;
    const n = Math.min(pes.length - src, TS_PACKET_SIZE - 4 - baseAf);
    const afTotal = TS_PACKET_SIZE - 4 - n;
    const pkt = Buffer.alloc(TS_PACKET_SIZE, 0xff);
    writeTsHeader(pkt, 0, pid, cc, { pusi: first, afc: afTotal > 0 ? 3 : 1 });
    if (afTotal > 0) {
      pkt[4] = afTotal - 1;
      if (afTotal > 1) pkt[5] = flags;
      if (first && opts.pcr !== undefined) writePcr(pkt, 6, opts.pcr);
    }
    pkt.set(pes.subarray(src, src + n), 4 + afTotal);
    src += n;
    cc = (cc + 1) & 0x0f;
    chunks.push(pkt);
    first = false;
  }
  return { packets: Buffer.concat(chunks), nextCc: cc };
}

export interface PacketInsertion {
  /** Index (in the input) of the packet the new packets go in front of; the packet count appends. */
  beforePacket: number;
  /** Whole TS packets. */
  packets: Uint8Array;
}

/** Returns a new stream with each insertion's packets spliced in before the given packet. */
export function insertPackets(ts: Uint8Array, insertions: readonly PacketInsertion[]): Buffer {
  const total = ts.length / TS_PACKET_SIZE;
  if (!Number.isInteger(total)) throw new RangeError('input is not a whole number of 188-byte packets');
  const sorted = [...insertions].sort((a, b) => a.beforePacket - b.beforePacket);
  const extra = sorted.reduce((n, x) => n + x.packets.length, 0);
  const out = Buffer.alloc(ts.length + extra);
  let src = 0;
  let dst = 0;
  for (const ins of sorted) {
    if (ins.beforePacket < 0 || ins.beforePacket > total) throw new RangeError(`beforePacket ${ins.beforePacket} out of range`);
    if (ins.packets.length % TS_PACKET_SIZE !== 0) throw new RangeError('insertion is not whole packets');
    const upTo = ins.beforePacket * TS_PACKET_SIZE;
    out.set(ts.subarray(src, upTo), dst);
    dst += upTo - src;
    src = upTo;
    out.set(ins.packets, dst);
    dst += ins.packets.length;
  }
  out.set(ts.subarray(src), dst);
  return out;
}

/** Growable output of whole packets, so rewriters need not collect thousands of small Buffers. */
export class TsPacketWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialPackets = 1024) {
    this.buf = Buffer.alloc(Math.max(1, initialPackets) * TS_PACKET_SIZE);
  }

  get packetCount(): number {
    return this.len / TS_PACKET_SIZE;
  }

  /** Appends `count` packets starting at `off`. */
  write(src: Uint8Array, off = 0, count = 1): void {
    const n = count * TS_PACKET_SIZE;
    if (this.len + n > this.buf.length) {
      const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    this.buf.set(src.subarray(off, off + n), this.len);
    this.len += n;
  }

  /** Appends every packet in `packets` (a whole number of packets). */
  writeAll(packets: Uint8Array): void {
    if (packets.length % TS_PACKET_SIZE !== 0) throw new RangeError('not a whole number of packets');
    this.write(packets, 0, packets.length / TS_PACKET_SIZE);
  }

  toBuffer(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
