/**
 * Byte counts in fixed time buckets (a ring), so bitrates over several windows cost one add
 * per chunk and no allocation. A bitrate only uses completed buckets: the 1 s figure lags by at
 * most one bucket but never reports a partly filled bucket as a dip.
 */
export class RateWindow {
  private readonly sums: Float64Array;
  /** Absolute index (time / bucketMs) of the newest bucket, or -1 before the first byte. */
  private head = -1;
  private first = -1;

  constructor(
    private readonly bucketMs = 100,
    /** Longest window that can be asked for, in buckets. */
    private readonly maxBuckets = 100,
  ) {
    this.sums = new Float64Array(maxBuckets + 1);
  }

  add(nowMs: number, bytes: number): void {
    const b = Math.floor(nowMs / this.bucketMs);
    if (this.head < 0) {
      this.head = b;
      this.first = b;
    } else if (b > this.head) {
      this.advance(b);
    }
    // A clock that steps back lands in the newest bucket rather than rewriting history.
    this.sums[this.head % this.sums.length] += bytes;
  }

  /** Bits per second over the last `windowMs` of completed buckets (shorter right after the start). */
  bitsPerSecond(nowMs: number, windowMs: number): number {
    if (this.head < 0) return 0;
    const b = Math.floor(nowMs / this.bucketMs);
    if (b > this.head) this.advance(b);
    const want = Math.min(this.maxBuckets, Math.max(1, Math.round(windowMs / this.bucketMs)));
    const n = Math.min(want, this.head - this.first);
    if (n <= 0) return 0;
    let sum = 0;
    for (let i = 1; i <= n; i++) sum += this.sums[(this.head - i) % this.sums.length]!;
    return Math.round((sum * 8 * 1000) / (n * this.bucketMs));
  }

  private advance(b: number): void {
    const steps = Math.min(b - this.head, this.sums.length);
    for (let i = 1; i <= steps; i++) this.sums[(this.head + i) % this.sums.length] = 0;
    this.head = b;
  }
}
