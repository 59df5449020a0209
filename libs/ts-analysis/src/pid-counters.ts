import { MAX_PID, TS_PACKET_SIZE } from '@mld/mpegts';

const PID_COUNT = MAX_PID + 1;

/** Per-PID packets, continuity errors, last arrival, and a bitrate rolled about once a second. */
export class PidCounters {
  readonly packets = new Float64Array(PID_COUNT);
  readonly ccErrors = new Float64Array(PID_COUNT);
  /** Arrival time of each PID's latest packet (the PID_error watch reads it). */
  readonly lastSeen = new Float64Array(PID_COUNT);
  private readonly mark = new Float64Array(PID_COUNT);
  private readonly rate = new Float64Array(PID_COUNT);
  private readonly seen: number[] = [];
  private markAt = -1;

  count(pid: number, at: number): void {
    if (this.packets[pid]++ === 0) this.seen.push(pid);
    this.lastSeen[pid] = at;
  }

  /** The first packets arrived: bitrates are measured from now. */
  startRates(now: number): void {
    if (this.markAt < 0) this.markAt = now;
  }

  /** Per-PID bitrates over the time since the last roll, once at least a second has passed. */
  rollRates(now: number): void {
    if (this.markAt < 0 || now - this.markAt < 1000) return;
    const k = (TS_PACKET_SIZE * 8 * 1000) / (now - this.markAt);
    for (const pid of this.seen) {
      this.rate[pid] = Math.round((this.packets[pid]! - this.mark[pid]!) * k);
      this.mark[pid] = this.packets[pid]!;
    }
    this.markAt = now;
  }

  seenPids(): number[] {
    return [...this.seen].sort((a, b) => a - b);
  }

  bitrate(pid: number): number {
    return this.rate[pid]!;
  }
}
