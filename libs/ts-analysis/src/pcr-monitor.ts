import { MAX_PID, PCR_CLOCK_HZ, PTS_MODULO } from '@mld/mpegts';
import type { Tr101290Check } from './types.js';

const PID_COUNT = MAX_PID + 1;
const PCR_MODULO = PTS_MODULO * 300;

type Raise = (check: Tr101290Check, at: number) => void;

/**
 * PCR checks of TR 101 290: 2.3a PCR_repetition_error (by arrival time, on the PIDs the PMTs name
 * as PCR PIDs) and 2.3b PCR_discontinuity_indicator_error (on any PID carrying PCR); keeps the last
 * PCR of each PID (SCTE-35 cues are placed on their program's clock with it).
 */
export class PcrMonitor {
  private readonly last = new Float64Array(PID_COUNT).fill(-1);
  private readonly isPcrPid = new Uint8Array(PID_COUNT);
  private readonly lastAt = new Float64Array(PID_COUNT);
  private readonly watchFrom = new Float64Array(PID_COUNT);
  private pcrPids: number[] = [];
  private readonly jumpTicks: number;

  constructor(
    private readonly repetitionMs: number,
    discontinuityMs: number,
    private readonly raise: Raise,
  ) {
    this.jumpTicks = (discontinuityMs * PCR_CLOCK_HZ) / 1000;
  }

  onPcr(pid: number, pcr: number, discontinuity: boolean, at: number): void {
    const prev = this.last[pid]!;
    // 2.3b: PCR(i+1) - PCR(i) outside 0..100 ms without discontinuity_indicator (backwards wraps to huge).
    if (prev >= 0 && !discontinuity && (pcr - prev + PCR_MODULO) % PCR_MODULO > this.jumpTicks) this.raise('pcrDiscontinuity', at);
    this.last[pid] = pcr;
    if (this.isPcrPid[pid]) {
      // 2.3a, by arrival time: the gap includes network jitter, which is what a receiver sees.
      if (at - Math.max(this.lastAt[pid]!, this.watchFrom[pid]!) > this.repetitionMs) this.raise('pcrRepetitionError', at);
      this.lastAt[pid] = at;
    }
  }

  /** The PCR PIDs of the current PID layout; a newly named one is watched from `at`. */
  setPcrPids(pids: ReadonlySet<number>, at: number): void {
    for (const pid of this.pcrPids) if (!pids.has(pid)) this.isPcrPid[pid] = 0;
    for (const pid of pids) {
      if (this.isPcrPid[pid]) continue;
      this.isPcrPid[pid] = 1;
      this.lastAt[pid] = Number.NEGATIVE_INFINITY;
      this.watchFrom[pid] = at;
    }
    this.pcrPids = [...pids];
  }

  /** 2.3a for PCR PIDs that stopped carrying PCR altogether. */
  checkTimers(now: number): void {
    for (const pid of this.pcrPids) {
      if (now - Math.max(this.lastAt[pid]!, this.watchFrom[pid]!) > this.repetitionMs) {
        this.raise('pcrRepetitionError', now);
        this.watchFrom[pid] = now;
      }
    }
  }

  /** Signal is back: repetition periods restart now. */
  rearm(now: number): void {
    for (const pid of this.pcrPids) this.watchFrom[pid] = now;
  }

  /** PCR values are not compared across this point (sync loss, signal lost and back). */
  forget(): void {
    this.last.fill(-1);
  }

  /** The latest PCR (27 MHz) seen on the PID, or -1. */
  lastPcr(pid: number): number {
    return this.last[pid]!;
  }
}
