// In-place shifts of the three clocks a TS carries: PCR/OPCR (adaptation field), PTS/DTS (PES
// header) and SCTE-35 pts_adjustment. Each keeps every bit that is not the value (reserved bits,
// prefixes, marker bits) as it was, so shifting by 0 leaves the bytes identical.
import { PTS_MODULO } from '../ts-packet.js';

/** Adds `offset90k` to the 33-bit base of the PCR (or OPCR) whose 6 bytes start at `p`; the 9-bit extension is kept. */
export function shiftPcrField(buf: Uint8Array, p: number, offset90k: number): void {
  const b4 = buf[p + 4]!;
  const base = buf[p]! * 2 ** 25 + buf[p + 1]! * 2 ** 17 + buf[p + 2]! * 2 ** 9 + buf[p + 3]! * 2 + (b4 >> 7);
  let v = base + offset90k;
  if (v >= PTS_MODULO) v -= PTS_MODULO;
  buf[p] = Math.floor(v / 2 ** 25);
  buf[p + 1] = Math.floor(v / 2 ** 17) & 0xff;
  buf[p + 2] = Math.floor(v / 2 ** 9) & 0xff;
  buf[p + 3] = Math.floor(v / 2) & 0xff;
  buf[p + 4] = ((v % 2) << 7) | (b4 & 0x7f);
}

/** The 33-bit value of a 5-byte PTS/DTS field. */
export function readTimestampField(buf: Uint8Array, p: number): number {
  return (
    ((buf[p]! >> 1) & 0x07) * 2 ** 30 +
    ((buf[p + 1]! << 7) | (buf[p + 2]! >> 1)) * 2 ** 15 +
    ((buf[p + 3]! << 7) | (buf[p + 4]! >> 1))
  );
}

/** Adds `offset90k` to a 5-byte PTS/DTS field, keeping its 4-bit prefix and its three marker bits. */
export function shiftTimestampField(buf: Uint8Array, p: number, offset90k: number): void {
  let v = readTimestampField(buf, p) + offset90k;
  if (v >= PTS_MODULO) v -= PTS_MODULO;
  const hi = Math.floor(v / 2 ** 30);
  const mid = Math.floor(v / 2 ** 15) & 0x7fff;
  const lo = v & 0x7fff;
  buf[p] = (buf[p]! & 0xf1) | (hi << 1);
  buf[p + 1] = mid >> 7;
  buf[p + 2] = ((mid & 0x7f) << 1) | (buf[p + 2]! & 0x01);
  buf[p + 3] = lo >> 7;
  buf[p + 4] = ((lo & 0x7f) << 1) | (buf[p + 4]! & 0x01);
}

/** pts_adjustment of a splice_info_section: the low bit of byte 4 and bytes 5..8. */
export function readPtsAdjustment(section: Uint8Array, s = 0): number {
  const b = section;
  return (b[s + 4]! & 0x01) * 2 ** 32 + b[s + 5]! * 2 ** 24 + ((b[s + 6]! << 16) | (b[s + 7]! << 8) | b[s + 8]!);
}

/** Adds `offset90k` to pts_adjustment, keeping encrypted_packet and encryption_algorithm (the rest of byte 4). */
export function shiftPtsAdjustment(section: Uint8Array, s: number, offset90k: number): void {
  let v = readPtsAdjustment(section, s) + offset90k;
  if (v >= PTS_MODULO) v -= PTS_MODULO;
  const hi = v >= 2 ** 32 ? 1 : 0;
  const lo = v - hi * 2 ** 32;
  section[s + 4] = (section[s + 4]! & 0xfe) | hi;
  section[s + 5] = Math.floor(lo / 2 ** 24);
  section[s + 6] = Math.floor(lo / 2 ** 16) & 0xff;
  section[s + 7] = Math.floor(lo / 2 ** 8) & 0xff;
  section[s + 8] = lo & 0xff;
}
