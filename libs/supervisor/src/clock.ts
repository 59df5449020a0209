/** Opaque timer id; only the clock that made it can clear it. */
export type TimerHandle = unknown;

/**
 * Time as a side effect. The supervisor never calls the global timers, so its
 * backoff, startup and stall logic can run on fake time in tests.
 */
export interface Clock {
  /** Milliseconds since the epoch: what snapshots and events report. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Every `ms` until cleared (the data plane's ticks: ingest state, analysis, meters). */
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};
