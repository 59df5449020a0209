// The continuity_counter rule of ISO/IEC 13818-1 §2.4.3.3, owned here once and used by every
// reader of TS (the inspector of test streams and the live analyzer's TR 101 290 check 1.4).
import { MAX_PID, tsContinuityCounter, tsHasPayload } from './ts-packet.js';

/** The counter follows the previous one (or no comparison was possible). */
export const CC_OK = 0;
/** The same counter as the previous packet, once: a legal duplicate. */
export const CC_DUPLICATE = 1;
/** A gap or a wrong order: packets were lost or reordered. */
export const CC_GAP = 2;
/** The same counter a second time in a row: a duplicate beyond the one allowed (an error). */
export const CC_REPEATED = 3;

export type ContinuityResult = typeof CC_OK | typeof CC_DUPLICATE | typeof CC_GAP | typeof CC_REPEATED;

/** True for the results that TR 101 290 counts as Continuity_count_error. */
export function isContinuityError(result: ContinuityResult): boolean {
  return result >= CC_GAP;
}

/**
 * Last counter per PID in typed arrays: per packet a couple of array reads and writes, no
 * allocation (the live analyzer calls it for every packet of every channel).
 */
export class ContinuityTracker {
  private readonly last = new Int8Array(MAX_PID + 1).fill(-1);
  private readonly repeated = new Uint8Array(MAX_PID + 1);

  /**
   * Checks one packet of `pid`. `discontinuity` is its discontinuity_indicator: the counter may
   * jump there. Adaptation-only packets do not advance the counter.
   */
  observe(buf: Uint8Array, off: number, pid: number, discontinuity: boolean): ContinuityResult {
    if (!tsHasPayload(buf, off)) {
      if (discontinuity) this.last[pid] = -1;
      return CC_OK;
    }
    return this.check(pid, tsContinuityCounter(buf, off), discontinuity);
  }

  /** Checks the counter of a payload-carrying packet of `pid`. */
  check(pid: number, cc: number, discontinuity: boolean): ContinuityResult {
    const last = this.last[pid]!;
    this.last[pid] = cc;
    if (last < 0 || discontinuity) {
      this.repeated[pid] = 0;
      return CC_OK;
    }
    if (cc === last) {
      const again = this.repeated[pid] === 1;
      this.repeated[pid] = 1;
      return again ? CC_REPEATED : CC_DUPLICATE;
    }
    this.repeated[pid] = 0;
    return cc === ((last + 1) & 0x0f) ? CC_OK : CC_GAP;
  }

  /** The next packet of `pid` is not compared with the ones before (transport error, reset). */
  forget(pid: number): void {
    this.last[pid] = -1;
  }

  /** Nothing is compared across this point (sync loss, signal lost and back). */
  forgetAll(): void {
    this.last.fill(-1);
    this.repeated.fill(0);
  }
}
