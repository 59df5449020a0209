/**
 * How many requests from unauthenticated callers the audit log records: a token bucket per source
 * address and one for all of them, so no client (nor many) can fill the audit table. What is not
 * recorded is counted, and the count is written to the log itself (see AuditService), so the
 * operator sees that requests were left out and how many.
 */
export interface AnonymousAuditLimits {
  /** Records a single address may burst. */
  perSourceBurst: number;
  /** Records per minute a single address earns back. */
  perSourcePerMinute: number;
  globalBurst: number;
  globalPerMinute: number;
  /** Addresses remembered at once; the least recently seen is forgotten first. */
  maxSources: number;
}

export const ANONYMOUS_AUDIT_LIMITS: AnonymousAuditLimits = { perSourceBurst: 20, perSourcePerMinute: 10, globalBurst: 200, globalPerMinute: 100, maxSources: 10_000 };

interface Bucket {
  tokens: number;
  at: number;
}

export interface SuppressedSummary {
  count: number;
  since: Date;
  until: Date;
  /** Addresses that had requests left out (up to 10, most frequent first). */
  topSources: { source: string; count: number }[];
}

export class AnonymousAuditLimiter {
  private readonly sources = new Map<string, Bucket>();
  private readonly global: Bucket;
  private suppressed = new Map<string, number>();
  private suppressedCount = 0;
  private suppressedSince: number | null = null;

  constructor(
    private readonly limits: AnonymousAuditLimits = ANONYMOUS_AUDIT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.global = { tokens: limits.globalBurst, at: now() };
  }

  /** Whether a request from `source` may be recorded now; counts it when not. */
  admit(source: string): boolean {
    const now = this.now();
    let bucket = this.sources.get(source);
    if (bucket) this.sources.delete(source); // re-inserted below: Map order is recency
    else {
      bucket = { tokens: this.limits.perSourceBurst, at: now };
      if (this.sources.size >= this.limits.maxSources) this.sources.delete(this.sources.keys().next().value as string);
    }
    this.sources.set(source, bucket);
    refill(bucket, now, this.limits.perSourceBurst, this.limits.perSourcePerMinute);
    refill(this.global, now, this.limits.globalBurst, this.limits.globalPerMinute);
    if (bucket.tokens >= 1 && this.global.tokens >= 1) {
      bucket.tokens -= 1;
      this.global.tokens -= 1;
      return true;
    }
    this.suppressedCount += 1;
    this.suppressedSince ??= now;
    if (this.suppressed.size < 1000 || this.suppressed.has(source)) this.suppressed.set(source, (this.suppressed.get(source) ?? 0) + 1);
    return false;
  }

  /** What was left out since the last call, or null when nothing was; resets the count. */
  takeSuppressed(): SuppressedSummary | null {
    if (this.suppressedCount === 0 || this.suppressedSince === null) return null;
    const topSources = [...this.suppressed.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([source, count]) => ({ source, count }));
    const summary = { count: this.suppressedCount, since: new Date(this.suppressedSince), until: new Date(this.now()), topSources };
    this.suppressedCount = 0;
    this.suppressedSince = null;
    this.suppressed = new Map();
    return summary;
  }
}

function refill(bucket: Bucket, now: number, burst: number, perMinute: number): void {
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * perMinute) / 60_000);
  bucket.at = now;
}
