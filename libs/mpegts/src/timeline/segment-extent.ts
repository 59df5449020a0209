// What one segment's clocks span, in its own (input) time base: enough to say how far the next
// segment must be shifted so that it simply goes on. Values are kept relative to the first one
// seen, wrap-safe modulo 2^33 (PCR: 2^33 x 300).
import { PTS_MODULO } from '../ts-packet.js';

const PCR_MODULO = PTS_MODULO * 300;

/** Signed distance from `from` to `to` on a clock of period `modulo` (|d| < modulo / 2). */
function signedDistance(to: number, from: number, modulo: number): number {
  let d = (to - from) % modulo;
  if (d < 0) d += modulo;
  return d >= modulo / 2 ? d - modulo : d;
}

interface PesExtent {
  /** Decode time (DTS, or PTS without DTS) of the first PES header. */
  first: number;
  /** Latest decode time, relative to `first`. */
  lastRel: number;
  minPtsRel: number;
  maxPtsRel: number;
}

export class SegmentExtent {
  private pcrPid = -1;
  private firstPcr = -1;
  private lastPcrRel = 0;
  private pcrCount = 0;
  private readonly pes = new Map<number, PesExtent>();

  reset(): void {
    this.firstPcr = -1;
    this.pcrCount = 0;
    this.pes.clear();
  }

  /** The program's PCR PID, from its PMT; until it is known the first PID carrying a PCR counts. */
  setPcrPid(pid: number): void {
    if (pid === this.pcrPid) return;
    this.pcrPid = pid;
    this.firstPcr = -1;
    this.pcrCount = 0;
  }

  /** A PCR (27 MHz) on `pid`. */
  onPcr(pid: number, pcr: number): void {
    if (this.pcrPid < 0) this.pcrPid = pid;
    if (pid !== this.pcrPid) return;
    if (this.firstPcr < 0) {
      this.firstPcr = pcr;
      this.lastPcrRel = 0;
    } else {
      this.lastPcrRel = signedDistance(pcr, this.firstPcr, PCR_MODULO);
    }
    this.pcrCount++;
  }

  /** PTS (and DTS, or -1) of a PES header on `pid`, 90 kHz. */
  onPes(pid: number, pts: number, dts: number): void {
    const decode = dts >= 0 ? dts : pts;
    const e = this.pes.get(pid);
    if (!e) {
      const ptsRel = signedDistance(pts, decode, PTS_MODULO);
      this.pes.set(pid, { first: decode, lastRel: 0, minPtsRel: ptsRel, maxPtsRel: ptsRel });
      return;
    }
    e.lastRel = signedDistance(decode, e.first, PTS_MODULO);
    const ptsRel = signedDistance(pts, e.first, PTS_MODULO);
    if (ptsRel < e.minPtsRel) e.minPtsRel = ptsRel;
    if (ptsRel > e.maxPtsRel) e.maxPtsRel = ptsRel;
  }

  /** Span of the PCR PID's clock from the first to the last PCR, 27 MHz; 0 with fewer than two PCRs. */
  get pcrSpan27M(): number {
    return this.pcrCount >= 2 ? this.lastPcrRel : 0;
  }

  /**
   * How far (90 kHz) the next segment, if it starts with the same timestamps as this one (a
   * loop), must be shifted to go on as if nothing happened: the PCR span plus one mean PCR
   * interval, so the join looks like any other PCR step. Only if some PID's decode or
   * presentation times would then not rise (a PID running far past the PCR) is it shifted just
   * far enough for them to. 0 when the segment had no clock at all.
   */
  continuation90k(): number {
    let need = 0;
    if (this.pcrCount >= 2 && this.lastPcrRel > 0) {
      need = (this.lastPcrRel * this.pcrCount) / (this.pcrCount - 1) / 300;
    }
    for (const e of this.pes.values()) {
      // Strictly after: the next segment's first decode and earliest presentation come after this one's last.
      need = Math.max(need, e.lastRel + 1, e.maxPtsRel - e.minPtsRel + 1);
    }
    return Math.ceil(need);
  }
}
