/**
 * Exponential backoff with jitter and a cap. `none` exists for tests and for
 * callers who want predictable delays; `full` is the default because many
 * outputs to one platform fail together (network drop) and should not all
 * reconnect in the same instant.
 */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

export interface BackoffOptions {
  /** Delay ceiling of the first retry. */
  baseMs: number;
  factor: number;
  capMs: number;
  jitter: Jitter;
  /**
   * Floor for every delay. Full jitter can draw ~0 ms; the floor bounds the
   * restart rate of a child that dies instantly, so a broken config never spins.
   */
  minMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = {
  baseMs: 1000,
  factor: 2,
  capMs: 30_000,
  jitter: 'full',
  minMs: 100,
};

export function resolveBackoffOptions(partial: Partial<BackoffOptions> = {}): BackoffOptions {
  const opts = { ...DEFAULT_BACKOFF, ...partial };
  const positive = (name: string, value: number) => {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`backoff.${name} must be a positive number, got ${value}`);
  };
  positive('baseMs', opts.baseMs);
  positive('capMs', opts.capMs);
  if (!Number.isFinite(opts.factor) || opts.factor < 1) throw new RangeError(`backoff.factor must be >= 1, got ${opts.factor}`);
  if (!Number.isFinite(opts.minMs) || opts.minMs < 0) throw new RangeError(`backoff.minMs must be >= 0, got ${opts.minMs}`);
  if (opts.capMs < opts.baseMs) throw new RangeError(`backoff.capMs (${opts.capMs}) must be >= baseMs (${opts.baseMs})`);
  return opts;
}

/**
 * Delay before retry number `attempt` (0 = first retry). Pure: the random
 * source is injected, and `previousMs` is only read by decorrelated jitter.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number, previousMs?: number): number {
  // Math.min absorbs Infinity once factor ** attempt overflows.
  const ceiling = Math.min(opts.capMs, opts.baseMs * opts.factor ** Math.max(0, attempt));
  const r = clampUnit(random());
  let delay: number;
  switch (opts.jitter) {
    case 'none':
      delay = ceiling;
      break;
    case 'full':
      delay = r * ceiling;
      break;
    case 'equal':
      delay = ceiling / 2 + (r * ceiling) / 2;
      break;
    case 'decorrelated': {
      const prev = previousMs ?? opts.baseMs;
      delay = opts.baseMs + r * Math.max(0, prev * 3 - opts.baseMs);
      break;
    }
  }
  return Math.round(Math.min(opts.capMs, Math.max(opts.minMs, delay)));
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 - Number.EPSILON : value;
}

/** The stateful walk over {@link backoffDelay}: one instance per supervised process. */
export class Backoff {
  private attempt = 0;
  private previousMs: number | undefined;
  readonly options: BackoffOptions;

  constructor(
    options: Partial<BackoffOptions> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.options = resolveBackoffOptions(options);
  }

  /** Retries handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const delay = backoffDelay(this.attempt, this.options, this.random, this.previousMs);
    this.attempt += 1;
    this.previousMs = delay;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
    this.previousMs = undefined;
  }
}
