import { MAX_PID } from '@mld/mpegts';
import type { Tr101290Check } from './types.js';

/** TR 101 290 1.6 PID_error: a PID the PMT references has not been seen for the configured period. */
export class PidErrorWatch {
  private watched: number[] = [];
  private readonly watchFrom = new Float64Array(MAX_PID + 1);

  constructor(
    private readonly timeoutMs: number,
    /** Arrival time of each PID's latest packet, kept by the owner. */
    private readonly lastSeen: Float64Array,
    private readonly raise: (check: Tr101290Check, at: number) => void,
  ) {}

  /** The PIDs of the current layout; a newly watched one is given the full period from `at`. */
  watch(pids: ReadonlySet<number>, at: number): void {
    const before = new Set(this.watched);
    for (const pid of pids) if (!before.has(pid)) this.watchFrom[pid] = at;
    this.watched = [...pids];
  }

  checkTimers(now: number): void {
    for (const pid of this.watched) {
      if (now - Math.max(this.lastSeen[pid]!, this.watchFrom[pid]!) > this.timeoutMs) {
        this.raise('pidError', now);
        this.watchFrom[pid] = now;
      }
    }
  }

  /** Signal is back: every watched PID gets the full period again. */
  rearm(now: number): void {
    for (const pid of this.watched) this.watchFrom[pid] = now;
  }
}
