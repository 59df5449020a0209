// Field readers for 188-byte MPEG-TS packets (ISO/IEC 13818-1 §2.4.3).
// They take (buffer, offset) instead of slices so the hot path never allocates per packet.

export const TS_PACKET_SIZE = 188;
export const TS_SYNC_BYTE = 0x47;
export const PAT_PID = 0x0000;
export const NULL_PID = 0x1fff;
export const MAX_PID = 0x1fff;

/** PCR and PTS are 33-bit counters; arithmetic on them wraps here. */
export const PTS_MODULO = 2 ** 33;
export const PCR_CLOCK_HZ = 27_000_000;
export const PTS_CLOCK_HZ = 90_000;

export function tsPid(buf: Uint8Array, off = 0): number {
  return ((buf[off + 1]! & 0x1f) << 8) | buf[off + 2]!;
}

export function tsTransportError(buf: Uint8Array, off = 0): boolean {
  return (buf[off + 1]! & 0x80) !== 0;
}

/** payload_unit_start_indicator: a PES packet or PSI section starts in this packet. */
export function tsPusi(buf: Uint8Array, off = 0): boolean {
  return (buf[off + 1]! & 0x40) !== 0;
}

export function tsScrambling(buf: Uint8Array, off = 0): number {
  return (buf[off + 3]! >> 6) & 0x03;
}

/** 1 = payload only, 2 = adaptation field only, 3 = both, 0 = reserved (discard). */
export function tsAdaptationFieldControl(buf: Uint8Array, off = 0): number {
  return (buf[off + 3]! >> 4) & 0x03;
}

export function tsHasPayload(buf: Uint8Array, off = 0): boolean {
  return (buf[off + 3]! & 0x10) !== 0;
}

export function tsHasAdaptationField(buf: Uint8Array, off = 0): boolean {
  return (buf[off + 3]! & 0x20) !== 0;
}

export function tsContinuityCounter(buf: Uint8Array, off = 0): number {
  return buf[off + 3]! & 0x0f;
}

/** Length byte of the adaptation field, or -1 when the packet has none. */
export function tsAdaptationFieldLength(buf: Uint8Array, off = 0): number {
  return tsHasAdaptationField(buf, off) ? buf[off + 4]! : -1;
}

function adaptationFlags(buf: Uint8Array, off: number): number {
  // A zero-length adaptation field is legal (one stuffing byte) and has no flags byte.
  if (!tsHasAdaptationField(buf, off) || buf[off + 4]! === 0) return 0;
  return buf[off + 5]!;
}

export function tsDiscontinuity(buf: Uint8Array, off = 0): boolean {
  return (adaptationFlags(buf, off) & 0x80) !== 0;
}

export function tsRandomAccess(buf: Uint8Array, off = 0): boolean {
  return (adaptationFlags(buf, off) & 0x40) !== 0;
}

/**
 * Absolute offset of the payload inside `buf`, or -1 when the packet carries no payload
 * or its adaptation field length overruns the packet (corrupt).
 */
export function tsPayloadOffset(buf: Uint8Array, off = 0): number {
  const afc = tsAdaptationFieldControl(buf, off);
  if ((afc & 0x01) === 0) return -1;
  if (afc === 1) return off + 4;
  const start = off + 5 + buf[off + 4]!;
  return start < off + TS_PACKET_SIZE ? start : -1;
}

/** PCR in 27 MHz ticks (base * 300 + extension), or -1 when absent. Fits a double exactly. */
export function tsPcr(buf: Uint8Array, off = 0): number {
  if (!tsHasAdaptationField(buf, off) || buf[off + 4]! < 7) return -1;
  if ((buf[off + 5]! & 0x10) === 0) return -1;
  const p = off + 6;
  const base = buf[p]! * 2 ** 25 + buf[p + 1]! * 2 ** 17 + buf[p + 2]! * 2 ** 9 + buf[p + 3]! * 2 + (buf[p + 4]! >> 7);
  const ext = ((buf[p + 4]! & 0x01) << 8) | buf[p + 5]!;
  return base * 300 + ext;
}

/** Writes a 4-byte TS header. `afc` defaults to payload only. */
export function writeTsHeader(
  buf: Uint8Array,
  off: number,
  pid: number,
  cc: number,
  opts: { pusi?: boolean; afc?: number; transportError?: boolean } = {},
): void {
  buf[off] = TS_SYNC_BYTE;
  buf[off + 1] = (opts.transportError ? 0x80 : 0) | (opts.pusi ? 0x40 : 0) | ((pid >> 8) & 0x1f);
  buf[off + 2] = pid & 0xff;
  buf[off + 3] = ((opts.afc ?? 1) << 4) | (cc & 0x0f);
}

/** Writes a PCR (27 MHz ticks) into the 6 bytes at `off`, as in an adaptation field. */
export function writePcr(buf: Uint8Array, off: number, pcr27: number): void {
  const base = Math.floor(pcr27 / 300) % PTS_MODULO;
  const ext = Math.floor(pcr27) % 300;
  buf[off] = Math.floor(base / 2 ** 25) & 0xff;
  buf[off + 1] = Math.floor(base / 2 ** 17) & 0xff;
  buf[off + 2] = Math.floor(base / 2 ** 9) & 0xff;
  buf[off + 3] = Math.floor(base / 2) & 0xff;
  buf[off + 4] = ((base % 2) << 7) | 0x7e | ((ext >> 8) & 0x01);
  buf[off + 5] = ext & 0xff;
}

/** A null packet (PID 0x1FFF), the filler a CBR multiplexer sends when it has nothing else. */
export function makeNullPacket(cc = 0): Buffer {
  const p = Buffer.alloc(TS_PACKET_SIZE, 0xff);
  writeTsHeader(p, 0, NULL_PID, cc);
  return p;
}
