import type { Clock, TimerHandle } from '../clock.js';

interface FakeTimer {
  at: number;
  seq: number;
  callback: () => void;
  /** Set for intervals: fired again this much later. */
  every?: number;
}

/**
 * Manual time for tests: nothing fires until advance()/runNext(). Timers due
 * at the same instant fire in the order they were set, like Node's.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    this.seq += 1;
    this.timers.set(this.seq, { at: this.current + Math.max(0, ms), seq: this.seq, callback });
    return this.seq;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    this.seq += 1;
    const every = Math.max(1, ms);
    this.timers.set(this.seq, { at: this.current + every, seq: this.seq, callback, every });
    return this.seq;
  }

  clearInterval(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** When the next timer is due, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.earliest()?.[1].at;
  }

  /** Moves time forward, firing every timer that falls due on the way (including ones set meanwhile). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let next = this.earliest(); next && next[1].at <= target; next = this.earliest()) this.fire(next);
    this.current = target;
  }

  /** Jumps to the next timer and fires it; false when none is pending. */
  runNext(): boolean {
    const next = this.earliest();
    if (!next) return false;
    this.fire(next);
    return true;
  }

  private fire([id, timer]: [number, FakeTimer]): void {
    this.timers.delete(id);
    this.current = Math.max(this.current, timer.at);
    // An interval keeps its id, so clearInterval() from inside its own callback still works.
    if (timer.every !== undefined) this.timers.set(id, { ...timer, at: timer.at + timer.every, seq: ++this.seq });
    timer.callback();
  }

  private earliest(): [number, FakeTimer] | undefined {
    let best: [number, FakeTimer] | undefined;
    for (const entry of this.timers) {
      if (!best || entry[1].at < best[1].at || (entry[1].at === best[1].at && entry[1].seq < best[1].seq)) best = entry;
    }
    return best;
  }
}
