/**
 * One FLV timeline over every publish session of a channel, so the remux (and the TS it makes)
 * never sees time go back: a session that starts again at 0 is moved to just after the previous
 * one plus the wall-clock time nobody published. A receiver sees a gap in the stream as long as
 * the real one, then the same clock running on.
 */
export class ContinuousTimeline {
  private offset = 0;
  /** Largest timestamp written so far, -1 before the first. */
  private last = -1;
  private lastWrittenAt: number | null = null;
  private readonly lastByType = new Map<number, number>();
  private sessions = 0;

  /** Timestamp of the last tag written (ms of the output timeline), -1 before the first. */
  get lastTimestamp(): number {
    return this.last;
  }

  /** Where the next tag would go if nothing else were known (the preamble of a new remux). */
  get nextTimestamp(): number {
    return this.last + 1;
  }

  /**
   * A session's first media: `origin` is its smallest media timestamp (the encoder's clock),
   * `arrivedAt` the wall time its first frame arrived.
   */
  startSession(origin: number, arrivedAt: number): void {
    this.sessions += 1;
    if (this.last < 0 || this.lastWrittenAt === null) {
      this.offset = -origin;
      return;
    }
    // At least 1 ms after the last tag: DTS must not go back nor repeat across the join.
    const gap = Math.max(1, Math.round(arrivedAt - this.lastWrittenAt));
    this.offset = this.last + gap - origin;
  }

  /** Output timestamp of a tag of the current session; never below the previous tag of its type. */
  map(type: number, timestamp: number, now: number): number {
    const floor = this.lastByType.get(type) ?? 0;
    const out = Math.max(floor, timestamp + this.offset, 0);
    this.lastByType.set(type, out);
    if (out > this.last) this.last = out;
    this.lastWrittenAt = now;
    return out;
  }

  get sessionCount(): number {
    return this.sessions;
  }
}
