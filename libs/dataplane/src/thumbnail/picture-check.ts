// Black and frozen picture detection on the tiny grayscale copy of each decoded key frame (the
// same FFmpeg run that makes the thumbnail writes it, see ThumbnailMaker). Pure: the caller feeds
// samples with their key frames' arrival times and gets the transitions back. See ADR 0018.

/** The grayscale copy FFmpeg writes next to the JPEG: one byte per pixel, full range (black ≈ 0). */
export const LUMA_SAMPLE_WIDTH = 64;
export const LUMA_SAMPLE_HEIGHT = 36;

export interface LumaSample {
  /** Arrival time of the key frame it was decoded from (clock ms); the same key frame twice is ignored. */
  at: number;
  /** width × height bytes, row after row. */
  luma: Uint8Array;
}

export interface PictureCheckOptions {
  /** Black: mean luma at or below this (covers full-range 0 and limited-range 16 black, and a slightly lifted black). */
  blackMeanMax: number;
  /** Black: and a standard deviation at or below this (flat: no picture content). */
  blackStdDevMax: number;
  /** A black picture is good again only above these (hysteresis: a flicker around the threshold keeps the flag). */
  blackClearMean: number;
  blackClearStdDev: number;
  /** Frozen: mean absolute difference between successive key frames' pictures at or below this (0..255). */
  frozenMadMax: number;
  /** A frozen picture is good again once successive pictures differ by more than this. */
  frozenClearMad: number;
  /** A condition is raised after this many successive samples show it … */
  minSamples: number;
  /** … spanning at least this long (first to last sample), so one unlucky key frame raises nothing. */
  minSpanMs: number;
}

/** Thresholds documented in ADR 0018, chosen for the 64×36 area-averaged copy (encoder noise averages out). */
export const DEFAULT_PICTURE_CHECK: PictureCheckOptions = {
  blackMeanMax: 32,
  blackStdDevMax: 4,
  blackClearMean: 40,
  blackClearStdDev: 6,
  frozenMadMax: 1,
  frozenClearMad: 2,
  minSamples: 2,
  minSpanMs: 2_000,
};

export type PictureCondition = 'black' | 'frozen';

export interface PictureStats {
  mean: number;
  stdDev: number;
  /** Mean absolute difference to the previous sample; null for the first one. */
  mad: number | null;
}

export interface PictureState {
  black: boolean;
  frozen: boolean;
  /** When the current flag (or the good picture) began: the first sample of the run. */
  since: number | null;
  /** The last sample's key frame time. */
  checkedAt: number | null;
  samples: number;
  last: PictureStats | null;
}

export interface PictureTransition {
  condition: PictureCondition;
  /** true: raised; false: the picture is good again. */
  raised: boolean;
  at: number;
  /** When the condition began (its first sample), for "black for 12 s". */
  since: number;
  stats: PictureStats;
}

export function lumaStats(luma: Uint8Array): { mean: number; stdDev: number } {
  let sum = 0;
  let squares = 0;
  for (const v of luma) {
    sum += v;
    squares += v * v;
  }
  const n = Math.max(1, luma.length);
  const mean = sum / n;
  return { mean, stdDev: Math.sqrt(Math.max(0, squares / n - mean * mean)) };
}

export function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) return Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/**
 * One channel's picture verdict. A condition is raised when `minSamples` successive samples
 * spanning `minSpanMs` show it, and cleared only when a sample is clearly good again (the clear
 * thresholds sit beyond the raise thresholds). A black picture is not also called frozen: black
 * says more.
 */
export class PictureCheck {
  private readonly options: PictureCheckOptions;
  private previous: LumaSample | null = null;
  private blackRun: number[] = [];
  private frozenRun: number[] = [];
  private state: PictureState = { black: false, frozen: false, since: null, checkedAt: null, samples: 0, last: null };

  constructor(options: Partial<PictureCheckOptions> = {}) {
    this.options = { ...DEFAULT_PICTURE_CHECK, ...options };
  }

  get snapshot(): PictureState {
    return { ...this.state };
  }

  /** Feeds one sample; returns what changed (usually nothing). */
  push(sample: LumaSample): PictureTransition[] {
    const o = this.options;
    if (this.previous && sample.at <= this.previous.at) return [];
    const { mean, stdDev } = lumaStats(sample.luma);
    const mad = this.previous ? meanAbsoluteDifference(this.previous.luma, sample.luma) : null;
    const stats: PictureStats = { mean, stdDev, mad };
    const previousAt = this.previous?.at ?? sample.at;
    this.previous = { at: sample.at, luma: Uint8Array.from(sample.luma) };
    this.state.samples++;
    this.state.checkedAt = sample.at;
    this.state.last = stats;
    if (this.state.since === null) this.state.since = sample.at;
    const out: PictureTransition[] = [];

    const looksBlack = mean <= o.blackMeanMax && stdDev <= o.blackStdDevMax;
    const goodAgain = mean > o.blackClearMean || stdDev > o.blackClearStdDev;
    if (this.state.black) {
      if (goodAgain) out.push(this.lower('black', sample.at, stats));
    } else {
      this.blackRun = looksBlack ? [...this.blackRun, sample.at] : [];
      if (this.holds(this.blackRun)) out.push(this.raise('black', this.blackRun[0]!, sample.at, stats));
    }

    // Frozen needs two pictures; a black picture is trivially "the same", so black takes precedence.
    const same = mad !== null && mad <= o.frozenMadMax && !this.state.black;
    if (this.state.frozen) {
      if (this.state.black || (mad !== null && mad > o.frozenClearMad)) out.push(this.lower('frozen', sample.at, stats));
    } else if (same) {
      // The run counts pictures: the first of the identical pair started it.
      if (this.frozenRun.length === 0) this.frozenRun = [previousAt];
      this.frozenRun.push(sample.at);
      if (this.holds(this.frozenRun)) out.push(this.raise('frozen', this.frozenRun[0]!, sample.at, stats));
    } else {
      this.frozenRun = [];
    }
    return out;
  }

  /** The channel stopped or nobody looked for a while: start again from nothing (no transition). */
  reset(): void {
    this.previous = null;
    this.blackRun = [];
    this.frozenRun = [];
    this.state = { black: false, frozen: false, since: null, checkedAt: null, samples: 0, last: null };
  }

  private holds(run: number[]): boolean {
    return run.length >= this.options.minSamples && run.at(-1)! - run[0]! >= this.options.minSpanMs;
  }

  private raise(condition: PictureCondition, since: number, at: number, stats: PictureStats): PictureTransition {
    this.state[condition] = true;
    this.state.since = since;
    if (condition === 'black') this.blackRun = [];
    else this.frozenRun = [];
    return { condition, raised: true, at, since, stats };
  }

  private lower(condition: PictureCondition, at: number, stats: PictureStats): PictureTransition {
    const since = this.state.since ?? at;
    this.state[condition] = false;
    this.state.since = at;
    return { condition, raised: false, at, since, stats };
  }
}
