// Loss and duplicates of ONE path of a seamless merge, as if that path were the only one: what
// the operator needs to see that a path is degrading while the merged output is still clean.

/** Sequence numbers remembered behind the highest one seen, to tell a duplicate from a late fill. */
const HISTORY = 4096;
const WORDS = HISTORY / 32;

export interface PathSequenceStats {
  /** Sequence numbers this path never delivered (gaps in its own sequence; a late fill takes one back). */
  lost: number;
  /** The same sequence number twice on this path. */
  duplicates: number;
  /** Arrived after a later packet of this path (filled one of its own gaps). */
  reordered: number;
  /** Restarts of tracking: SSRC change or a jump no loss explains. */
  resyncs: number;
}

/**
 * RFC 3550-style accounting over an unwrapped (extended) sequence: a forward jump counts its hole as
 * lost, a packet that later fills the hole takes it back. A bitmap of the last 4096 numbers tells
 * duplicates from fills. Allocation-free per packet.
 */
export class PathSequenceTracker {
  readonly stats: PathSequenceStats = { lost: 0, duplicates: 0, reordered: 0, resyncs: 0 };
  private readonly seen = new Uint32Array(WORDS);
  private started = false;
  private ssrc = 0;
  private highestExt = 0;
  /** First extended number after a (re)start: nothing before it counts as a hole. */
  private baseExt = 0;

  constructor(private readonly resyncThreshold = 3000) {}

  observe(sequence: number, ssrc: number): void {
    if (!this.started || ssrc !== this.ssrc) {
      if (this.started) this.stats.resyncs++;
      this.restart(sequence, ssrc);
      return;
    }
    let d = (sequence - this.highestExt) & 0xffff;
    if (d >= 0x8000) d -= 0x10000;
    if (d >= this.resyncThreshold || d <= -this.resyncThreshold) {
      this.stats.resyncs++;
      this.restart(sequence, ssrc);
      return;
    }
    if (d > 0) {
      const clear = Math.min(d - 1, HISTORY);
      for (let i = 1; i <= clear; i++) this.mark(this.highestExt + i, false);
      this.stats.lost += d - 1;
      this.highestExt += d;
      this.mark(this.highestExt, true);
      return;
    }
    const ext = this.highestExt + d;
    if (d === 0 || (-d < HISTORY && this.isSeen(ext))) {
      this.stats.duplicates++;
      return;
    }
    // Older than the history or before tracking began: nothing counted as a hole there.
    if (-d >= HISTORY || ext < this.baseExt) return;
    this.mark(ext, true);
    this.stats.lost--;
    this.stats.reordered++;
  }

  private restart(sequence: number, ssrc: number): void {
    this.started = true;
    this.ssrc = ssrc;
    this.seen.fill(0);
    // Extended numbers only grow, so bitmap positions of an earlier run never look "seen".
    this.highestExt += ((sequence - this.highestExt) & 0xffff) + 0x10000;
    this.baseExt = this.highestExt;
    this.mark(this.highestExt, true);
  }

  private mark(ext: number, on: boolean): void {
    const bit = ext % HISTORY;
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    this.seen[word] = on ? this.seen[word]! | mask : this.seen[word]! & ~mask;
  }

  private isSeen(ext: number): boolean {
    const bit = ext % HISTORY;
    return (this.seen[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }
}
