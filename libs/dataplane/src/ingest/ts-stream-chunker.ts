import { TsPacketAligner, TS_PACKET_SIZE, type TsPacketAlignerStats } from '@mld/mpegts';

/**
 * Cuts a byte stream (a child's stdout: no packet boundaries) into whole 188-byte TS packets and
 * hands them on in runs: consecutive packets of one read go out as one buffer, not one call per
 * packet. Bytes between lost and regained sync never reach the outputs (TsPacketAligner).
 */
export class TsStreamChunker {
  private readonly aligner = new TsPacketAligner((buf, off) => this.onPacket(buf, off));
  private run: Buffer | undefined;
  private runStart = 0;
  private runEnd = 0;

  /** `ts` may be a view of the pushed chunk: copy it to keep it past the call. */
  constructor(private readonly onTs: (ts: Buffer) => void) {}

  get stats(): Readonly<TsPacketAlignerStats> {
    return this.aligner.stats;
  }

  push(chunk: Buffer): void {
    this.aligner.push(chunk);
    this.flushRun();
  }

  /** A new stream starts (the child was restarted): a partial packet of the old one is dropped. */
  reset(): void {
    this.aligner.reset();
  }

  private onPacket(buf: Buffer, off: number): void {
    if (buf === this.run && off === this.runEnd) {
      this.runEnd += TS_PACKET_SIZE;
      return;
    }
    this.flushRun();
    // The aligner's 188-byte carry (a packet split across two reads) is overwritten later: hand it on now.
    if (buf.length === TS_PACKET_SIZE) return this.onTs(buf);
    this.run = buf;
    this.runStart = off;
    this.runEnd = off + TS_PACKET_SIZE;
  }

  private flushRun(): void {
    const run = this.run;
    this.run = undefined;
    if (run) this.onTs(run.subarray(this.runStart, this.runEnd));
  }
}
