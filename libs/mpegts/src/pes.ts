// Just enough PES header reading (ISO/IEC 13818-1 §2.4.3.6) to find presentation times,
// which the fixture generator and stream analysis use to place and check splice times.

/** Stream ids whose PES packets have no optional header (and so no PTS). */
function hasOptionalHeader(streamId: number): boolean {
  return ![0xbc, 0xbe, 0xbf, 0xf0, 0xf1, 0xf2, 0xf8, 0xff].includes(streamId);
}

function readTimestamp(buf: Uint8Array, p: number): number {
  return (
    ((buf[p]! >> 1) & 0x07) * 2 ** 30 +
    ((buf[p + 1]! << 7) | (buf[p + 2]! >> 1)) * 2 ** 15 +
    ((buf[p + 3]! << 7) | (buf[p + 4]! >> 1))
  );
}

/**
 * PTS and DTS (90 kHz) of a PES header starting at `off` (the payload of a TS packet with
 * PUSI set), each -1 when absent or when the bytes are not a PES header.
 */
export function readPesTimestamps(buf: Uint8Array, off: number, end: number): { pts: number; dts: number } {
  const none = { pts: -1, dts: -1 };
  if (off + 9 > end || buf[off] !== 0 || buf[off + 1] !== 0 || buf[off + 2] !== 1) return none;
  if (!hasOptionalHeader(buf[off + 3]!)) return none;
  const flags = buf[off + 7]! >> 6;
  if (flags < 2 || off + 14 > end) return none;
  const pts = readTimestamp(buf, off + 9);
  if (flags === 3 && off + 19 <= end) return { pts, dts: readTimestamp(buf, off + 14) };
  return { pts, dts: -1 };
}

/** Writes a 5-byte PTS/DTS field with the given 4-bit prefix ('0010' PTS only, '0011'/'0001' pair). */
export function writePesTimestamp(buf: Uint8Array, p: number, prefix: number, ts90k: number): void {
  const v = ts90k % 2 ** 33;
  const hi = Math.floor(v / 2 ** 30);
  const mid = Math.floor(v / 2 ** 15) & 0x7fff;
  const lo = v & 0x7fff;
  buf[p] = (prefix << 4) | (hi << 1) | 1;
  buf[p + 1] = mid >> 7;
  buf[p + 2] = ((mid & 0x7f) << 1) | 1;
  buf[p + 3] = lo >> 7;
  buf[p + 4] = ((lo & 0x7f) << 1) | 1;
}
