/** Bits per second over a sliding window, from byte counts sampled at most once per tick. */
export class RateMeter {
  private samples: Array<{ at: number; bytes: number }> = [];

  constructor(private readonly windowMs = 1000) {}

  /** Records the running byte total at time `at` (ms). */
  sample(at: number, totalBytes: number): void {
    this.samples.push({ at, bytes: totalBytes });
    while (this.samples.length > 2 && this.samples[0]!.at < at - this.windowMs) this.samples.shift();
  }

  bitsPerSecond(): number {
    if (this.samples.length < 2) return 0;
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const ms = last.at - first.at;
    return ms <= 0 ? 0 : Math.round(((last.bytes - first.bytes) * 8 * 1000) / ms);
  }
}
