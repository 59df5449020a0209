import { TS_PACKET_SIZE, TS_SYNC_BYTE } from './ts-packet.js';

/**
 * Receives one whole packet. `buf` is either the pushed chunk (zero copy) or the aligner's
 * internal 188-byte carry buffer, which is overwritten later: copy the bytes to keep them.
 */
export type TsPacketHandler = (buf: Buffer, off: number) => void;

export interface TsPacketAlignerStats {
  packets: number;
  /** Times the stream lost sync (a packet did not start with 0x47 where one was due). */
  syncLosses: number;
  /** Bytes thrown away while looking for sync again. */
  bytesSkipped: number;
}

/**
 * Cuts an arbitrary byte stream (pipe, file, TCP, SRT chunks) into 188-byte packets.
 * Aligned input is passed through without copying; only a packet split across two chunks
 * is assembled in a small carry buffer. Sync is (re)acquired only where two sync bytes
 * 188 bytes apart confirm it, so a stray 0x47 inside a payload does not fool it.
 */
export class TsPacketAligner {
  readonly stats: TsPacketAlignerStats = { packets: 0, syncLosses: 0, bytesSkipped: 0 };
  private readonly carry = Buffer.alloc(TS_PACKET_SIZE);
  private carryLen = 0;
  private synced = false;

  constructor(private readonly onPacket: TsPacketHandler) {}

  /** Bytes held back waiting for the rest of a packet (or for sync confirmation). */
  get pendingBytes(): number {
    return this.carryLen;
  }

  get isSynced(): boolean {
    return this.synced;
  }

  push(chunk: Buffer): void {
    let data = chunk;
    let pos = 0;
    if (this.carryLen > 0) {
      if (this.synced) {
        const need = TS_PACKET_SIZE - this.carryLen;
        if (chunk.length < need) {
          chunk.copy(this.carry, this.carryLen);
          this.carryLen += chunk.length;
          return;
        }
        chunk.copy(this.carry, this.carryLen, 0, need);
        this.carryLen = 0;
        this.emit(this.carry, 0);
        pos = need;
      } else {
        // Unconfirmed candidate from the previous chunk: rescan it together with the new data.
        // Only happens while hunting for sync, so the copy is off the normal path.
        data = Buffer.concat([this.carry.subarray(0, this.carryLen), chunk]);
        this.carryLen = 0;
      }
    }
    this.scan(data, pos);
  }

  /**
   * End of input. A full packet held only because sync could not be confirmed is emitted;
   * a partial packet is counted as skipped.
   */
  end(): void {
    if (this.carryLen === TS_PACKET_SIZE && this.carry[0] === TS_SYNC_BYTE) this.emit(this.carry, 0);
    else this.stats.bytesSkipped += this.carryLen;
    this.carryLen = 0;
  }

  /** Forgets partial data and sync state, e.g. after the source restarted. */
  reset(): void {
    this.carryLen = 0;
    this.synced = false;
  }

  private scan(data: Buffer, start: number): void {
    const n = data.length;
    let pos = start;
    for (;;) {
      if (this.synced) {
        while (pos + TS_PACKET_SIZE <= n && data[pos] === TS_SYNC_BYTE) {
          this.emit(data, pos);
          pos += TS_PACKET_SIZE;
        }
        if (pos >= n) return;
        if (data[pos] === TS_SYNC_BYTE) {
          data.copy(this.carry, 0, pos, n);
          this.carryLen = n - pos;
          return;
        }
        this.synced = false;
        this.stats.syncLosses++;
      }
      const found = this.findSync(data, pos);
      this.stats.bytesSkipped += found - pos;
      pos = found;
      if (pos >= n) return;
      if (pos + TS_PACKET_SIZE >= n) {
        // Cannot confirm yet: keep the candidate (at most 188 bytes) for the next chunk.
        data.copy(this.carry, 0, pos, n);
        this.carryLen = n - pos;
        return;
      }
      this.synced = true;
    }
  }

  /** First offset holding a confirmed sync byte, or the first unconfirmable one near the end. */
  private findSync(data: Buffer, from: number): number {
    const n = data.length;
    for (let p = from; p < n; p++) {
      if (data[p] !== TS_SYNC_BYTE) continue;
      if (p + TS_PACKET_SIZE >= n || data[p + TS_PACKET_SIZE] === TS_SYNC_BYTE) return p;
    }
    return n;
  }

  private emit(buf: Buffer, off: number): void {
    this.stats.packets++;
    this.onPacket(buf, off);
  }
}
