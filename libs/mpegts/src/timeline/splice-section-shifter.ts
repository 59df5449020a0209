// Shifts pts_adjustment of every SCTE-35 splice_info_section starting in a packet, and re-signs
// it. A section may continue in later packets of its PID; those are found ahead in the same
// buffer, the section is gathered into a scratch buffer, rewritten, and scattered back, so the
// bytes never move and no packet is held back.
import { crc32mpeg2 } from '../crc32-mpeg2.js';
import { SCTE35_TABLE_ID } from '../scte35-types.js';
import {
  TS_PACKET_SIZE,
  tsContinuityCounter,
  tsHasPayload,
  tsPayloadOffset,
  tsPid,
  tsPusi,
  tsTransportError,
} from '../ts-packet.js';
import { shiftPtsAdjustment } from './timestamp-fields.js';

/** table_id .. pts_adjustment, cw_index, tier + command length, command type, descriptor loop length, CRC. */
const MIN_SPLICE_SECTION = 3 + 1 + 5 + 1 + 3 + 1 + 2 + 4;
/** section_length is 12 bits. */
const MAX_SECTION = 3 + 0x0fff;

export interface SpliceShiftStats {
  /** Sections whose pts_adjustment was shifted and CRC recomputed. */
  shifted: number;
  /** Sections left as they were: they run past the end of the buffer given, or a packet of theirs is missing. */
  incomplete: number;
  /** Sections left as they were because their CRC was already wrong (re-signing would hide the damage). */
  badCrc: number;
}

export class SpliceSectionShifter {
  readonly stats: SpliceShiftStats = { shifted: 0, incomplete: 0, badCrc: 0 };
  private readonly scratch = Buffer.alloc(MAX_SECTION);
  /** [start, end) pairs in the caller's buffer that the gathered section came from. */
  private readonly ranges: number[] = [];

  /**
   * Handles the sections that start in the PUSI packet at `off`; later packets of the same PID
   * are looked for up to `end`.
   */
  shiftPacket(buf: Buffer, off: number, end: number, offset90k: number): void {
    const payload = tsPayloadOffset(buf, off);
    if (payload < 0) return;
    const packetEnd = off + TS_PACKET_SIZE;
    let p = payload + 1 + buf[payload]!; // pointer_field: bytes before it end the previous section
    while (p < packetEnd && buf[p] !== 0xff) {
      const total = this.gather(buf, off, p, end);
      if (total < 0) {
        this.stats.incomplete++;
        return;
      }
      this.rewrite(buf, total, offset90k);
      const last = this.ranges.length - 1;
      // Only a PUSI packet may start a section: one that ran into later packets ends this one's list.
      if (this.ranges[last - 1]! >= packetEnd) return;
      p = this.ranges[last]!;
    }
  }

  private rewrite(buf: Buffer, total: number, offset90k: number): void {
    const s = this.scratch;
    if (s[0] !== SCTE35_TABLE_ID || total < MIN_SPLICE_SECTION) return;
    if (crc32mpeg2(s, 0, total) !== 0) {
      this.stats.badCrc++;
      return;
    }
    shiftPtsAdjustment(s, 0, offset90k);
    s.writeUInt32BE(crc32mpeg2(s, 0, total - 4), total - 4);
    let q = 0;
    for (let i = 0; i < this.ranges.length; i += 2) {
      const a = this.ranges[i]!;
      const b = this.ranges[i + 1]!;
      s.copy(buf, a, q, q + (b - a));
      q += b - a;
    }
    this.stats.shifted++;
  }

  /**
   * Copies the section starting at `p` (in the packet at `off`) into the scratch buffer,
   * following its PID's packets up to `end`. Returns its length, or -1 when it is not all there.
   */
  private gather(buf: Buffer, off: number, p: number, end: number): number {
    this.ranges.length = 0;
    const pid = tsPid(buf, off);
    let cc = tsContinuityCounter(buf, off);
    let pos = p;
    let limit = off + TS_PACKET_SIZE;
    let got = 0;
    let need = 3;
    for (;;) {
      const n = Math.min(limit - pos, need - got);
      buf.copy(this.scratch, got, pos, pos + n);
      this.ranges.push(pos, pos + n);
      got += n;
      pos += n;
      if (got === 3 && need === 3) {
        need = 3 + (((this.scratch[1]! & 0x0f) << 8) | this.scratch[2]!);
        continue;
      }
      if (got === need) return need;
      // The rest is in the next packet of this PID that carries payload.
      let q = off + TS_PACKET_SIZE;
      for (; q + TS_PACKET_SIZE <= end; q += TS_PACKET_SIZE) {
        if (tsPid(buf, q) !== pid) continue;
        if (tsTransportError(buf, q)) return -1;
        if (!tsHasPayload(buf, q)) continue;
        const qcc = tsContinuityCounter(buf, q);
        if (qcc === cc) continue; // a repeated packet: its copy of the bytes is left alone
        if (qcc !== ((cc + 1) & 0x0f)) return -1;
        break;
      }
      if (q + TS_PACKET_SIZE > end) return -1;
      off = q;
      cc = tsContinuityCounter(buf, q);
      pos = tsPayloadOffset(buf, q);
      if (pos < 0) return -1;
      if (tsPusi(buf, q)) {
        // Continuation bytes sit between the pointer_field and the next section.
        limit = pos + 1 + buf[pos]!;
        pos++;
        if (limit - pos < need - got) return -1;
      } else {
        limit = q + TS_PACKET_SIZE;
      }
    }
  }
}
