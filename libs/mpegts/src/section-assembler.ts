import {
  TS_PACKET_SIZE,
  tsContinuityCounter,
  tsDiscontinuity,
  tsPayloadOffset,
  tsPusi,
  tsTransportError,
} from './ts-packet.js';

/** Receives one complete section (header through CRC) as a fresh Buffer the caller may keep. */
export type SectionHandler = (section: Buffer, pid: number) => void;

export interface SectionAssemblerStats {
  sections: number;
  /** Partial sections thrown away: continuity gap, transport error, or cut short by a new start. */
  dropped: number;
}

/**
 * Reassembles PSI / private sections (PAT, PMT, SCTE-35) from the TS packets of one PID:
 * pointer_field, several sections in one packet, one section over several packets, and
 * 0xFF stuffing after the last section. It does not check CRCs; parsers do.
 */
export class SectionAssembler {
  readonly stats: SectionAssemblerStats = { sections: 0, dropped: 0 };
  private readonly head = Buffer.alloc(3);
  private headLen = 0;
  private partial: Buffer | null = null;
  private partialLen = 0;
  private inProgress = false;
  private lastCc = -1;

  constructor(
    readonly pid: number,
    private readonly onSection: SectionHandler,
  ) {}

  push(buf: Buffer, off: number): void {
    if (tsTransportError(buf, off)) {
      this.abort();
      return;
    }
    let p = tsPayloadOffset(buf, off);
    if (p < 0) return;
    const cc = tsContinuityCounter(buf, off);
    if (this.lastCc >= 0 && !tsDiscontinuity(buf, off)) {
      if (cc === this.lastCc) return; // a repeated packet carries nothing new
      if (cc !== ((this.lastCc + 1) & 0x0f)) this.abort();
    }
    this.lastCc = cc;
    const end = off + TS_PACKET_SIZE;

    if (!tsPusi(buf, off)) {
      if (this.inProgress) this.feed(buf, p, end);
      return;
    }
    const pointer = buf[p]!;
    p++;
    if (p + pointer > end) {
      this.abort();
      return;
    }
    if (this.inProgress) {
      this.feed(buf, p, p + pointer);
      this.abort();
    }
    p += pointer;
    while (p < end && buf[p] !== 0xff) {
      this.inProgress = true;
      this.headLen = 0;
      this.partial = null;
      p = this.feed(buf, p, end);
      if (this.inProgress) break;
    }
  }

  /** Forgets any partial section and the continuity state (e.g. source restarted). */
  reset(): void {
    this.inProgress = false;
    this.partial = null;
    this.headLen = 0;
    this.lastCc = -1;
  }

  private feed(buf: Buffer, p: number, end: number): number {
    while (this.headLen < 3 && p < end) this.head[this.headLen++] = buf[p++]!;
    if (this.headLen < 3) return p;
    if (this.partial === null) {
      const total = 3 + (((this.head[1]! & 0x0f) << 8) | this.head[2]!);
      this.partial = Buffer.allocUnsafe(total);
      this.head.copy(this.partial, 0, 0, 3);
      this.partialLen = 3;
    }
    const n = Math.min(end - p, this.partial.length - this.partialLen);
    buf.copy(this.partial, this.partialLen, p, p + n);
    this.partialLen += n;
    p += n;
    if (this.partialLen === this.partial.length) {
      const section = this.partial;
      this.partial = null;
      this.inProgress = false;
      this.stats.sections++;
      this.onSection(section, this.pid);
    }
    return p;
  }

  private abort(): void {
    if (!this.inProgress) return;
    this.inProgress = false;
    this.partial = null;
    this.stats.dropped++;
  }
}
