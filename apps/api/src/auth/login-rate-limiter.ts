/**
 * Fixed one-minute windows counting login attempts per client address and per username,
 * so neither one address nor many addresses can hammer a password. Pure: the clock is a parameter.
 */
export class LoginRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts an attempt; returns the seconds to wait when over the limit, else 0. */
  attempt(ip: string, username: string): number {
    const waits = [`ip:${ip}`, `user:${username.toLowerCase()}`].map((key) => this.hit(key));
    return Math.max(...waits);
  }

  private hit(key: string): number {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (this.windows.size > 10_000) this.prune(now);
    return window.count > this.limitPerMinute ? Math.ceil((window.start + 60_000 - now) / 1000) : 0;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= 60_000) this.windows.delete(key);
  }
}
