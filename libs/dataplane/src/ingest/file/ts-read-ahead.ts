// The bounded read-ahead of a file being played: chunks read from disk, cut into whole packets
// (garbage skipped, counted), stitched onto one timeline (a loop goes on where the last pass
// ended: ADR 0010), queued for the pacer. Only what is queued is held in memory.
import { PTS_MODULO, TS_PACKET_SIZE, TsPacketAligner, TsTimelineStitcher, tsPcr, tsPid } from '@mld/mpegts';
import type { TsFileHandle } from './ts-file.js';

export interface TsReadAheadOptions {
  chunkBytes: number;
  loop: boolean;
  /** PID whose PCRs are reported to `onPcr`; null: none (a file without PCR). */
  pcrPid: number | null;
  /** A PCR (as stitched) in the packet at output byte `byte`. */
  onPcr(byte: number, pcr: number): void;
}

interface Run {
  buf: Buffer;
  /** The pass through the file this run belongs to (0 = first). */
  pass: number;
  /** The first run of a later pass: the outputs reach a loop point with it. */
  startsPass: boolean;
}

export class TsReadAhead {
  readonly stitcher = new TsTimelineStitcher();
  /** The end of the file was reached and there is no loop: nothing more will be queued. */
  ended = false;
  /** A whole pass held no TS packet (the file changed under us): looping would spin. */
  empty = false;
  queuedBytes = 0;
  /** Output bytes queued so far (the offset of the next packet queued). */
  queuedTotal = 0;
  bytesRead = 0;
  syncLosses = 0;
  bytesSkipped = 0;
  private readonly queue: Run[] = [];
  private aligner: TsPacketAligner;
  private position = 0;
  private pass = 0;
  private passOffset = 0;
  private packetsThisPass = 0;
  private nextStartsPass = false;
  private runBuf: Buffer | undefined;
  private runStart = 0;
  private runEnd = 0;

  constructor(
    private readonly file: TsFileHandle,
    private readonly options: TsReadAheadOptions,
  ) {
    this.aligner = this.newAligner();
  }

  /** Reads the next chunk (or finishes the pass at the end of the file). */
  async readChunk(): Promise<void> {
    if (this.ended) return;
    const buf = Buffer.allocUnsafe(this.options.chunkBytes);
    const n = this.position < this.file.size ? await this.file.read(buf, this.position) : 0;
    if (n > 0) {
      this.position += n;
      this.bytesRead += n;
      this.aligner.push(buf.subarray(0, n));
      this.flushRun();
    }
    if (n === 0 || this.position >= this.file.size) this.endOfPass();
  }

  /** Hands the first `bytes` queued (whole packets) to `emit`, piece by piece; returns the bytes handed. */
  take(bytes: number, emit: (chunk: Buffer, pass: number, startsPass: boolean) => void): number {
    let left = bytes;
    while (left > 0 && this.queue.length > 0) {
      const run = this.queue[0]!;
      const n = Math.min(left, run.buf.length);
      emit(n === run.buf.length ? run.buf : run.buf.subarray(0, n), run.pass, run.startsPass);
      run.startsPass = false;
      if (n === run.buf.length) this.queue.shift();
      else run.buf = run.buf.subarray(n);
      left -= n;
      this.queuedBytes -= n;
    }
    return bytes - left;
  }

  private endOfPass(): void {
    this.aligner.end();
    this.flushRun();
    this.syncLosses += this.aligner.stats.syncLosses;
    this.bytesSkipped += this.aligner.stats.bytesSkipped;
    if (!this.options.loop) {
      this.ended = true;
      return;
    }
    if (this.packetsThisPass === 0) {
      this.empty = this.ended = true;
      return;
    }
    // The next pass starts with the same timestamps: shift it by what this one spanned.
    this.passOffset = (this.passOffset + this.stitcher.extent.continuation90k()) % PTS_MODULO;
    this.stitcher.startSegment(this.passOffset);
    this.pass++;
    this.packetsThisPass = 0;
    this.position = 0;
    this.nextStartsPass = true;
    this.aligner = this.newAligner();
  }

  private newAligner(): TsPacketAligner {
    return new TsPacketAligner((buf, off) => {
      // Aligned input comes as zero-copy views of the chunk read: runs of them are queued as one view.
      if (buf === this.runBuf && off === this.runEnd) {
        this.runEnd += TS_PACKET_SIZE;
        return;
      }
      this.flushRun();
      if (buf.length !== TS_PACKET_SIZE) {
        this.runBuf = buf;
        this.runStart = off;
      } else {
        // The aligner's 188-byte carry buffer (a packet split across reads) is reused: copy it.
        this.runBuf = Buffer.from(buf.subarray(off, off + TS_PACKET_SIZE));
        this.runStart = 0;
        off = 0;
      }
      this.runEnd = off + TS_PACKET_SIZE;
    });
  }

  private flushRun(): void {
    const buf = this.runBuf;
    if (!buf) return;
    this.runBuf = undefined;
    const run = buf.subarray(this.runStart, this.runEnd);
    this.stitcher.process(run);
    const pcrPid = this.options.pcrPid;
    if (pcrPid !== null) {
      for (let off = 0; off < run.length; off += TS_PACKET_SIZE) {
        if (tsPid(run, off) !== pcrPid) continue;
        const pcr = tsPcr(run, off);
        if (pcr >= 0) this.options.onPcr(this.queuedTotal + off, pcr);
      }
    }
    this.queue.push({ buf: run, pass: this.pass, startsPass: this.nextStartsPass });
    this.nextStartsPass = false;
    this.packetsThisPass += run.length / TS_PACKET_SIZE;
    this.queuedBytes += run.length;
    this.queuedTotal += run.length;
  }
}
