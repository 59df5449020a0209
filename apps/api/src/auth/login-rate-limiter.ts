/**
 * Login throttling that slows password guessing without letting anyone lock a user out.
 *
 * Only failed logins count (an attempt counts as failed until its password proved right). Three
 * budgets, each in a fixed window:
 * - per source address (any username): `5 × limit` failures a minute, so one address cannot
 *   spray many usernames, while an office behind one NAT address still has room;
 * - per username-and-address: `limit` failures a minute, the everyday case of one client guessing;
 * - per username, from every address: once it has seen `2 × limit` failures within 15 minutes the
 *   username is "under attack" and, until that window ends, an address that already failed twice
 *   for it must wait. Addresses that have not failed for this username (the real user on another
 *   machine) are still checked, so the correct password gets through; a botnet gets two guesses
 *   per address per 15 minutes instead of `limit` a minute.
 * A successful login clears its username-and-address budget (earlier typos are forgiven).
 *
 * Pure: the clock is a parameter, so tests run on a fake one.
 */
export const ADDRESS_FACTOR = 5;
export const ATTACK_FACTOR = 2;
export const ATTACK_WINDOW_MS = 15 * 60_000;
/** Failures a username-and-address may have while the username is under attack. */
export const ATTACK_PAIR_FAILURES = 2;
const MINUTE_MS = 60_000;
const MAX_KEYS = 100_000;

interface Window {
  start: number;
  failures: number;
}

export class LoginRateLimiter {
  private readonly minute = new Map<string, Window>();
  private readonly attack = new Map<string, Window>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Before checking a password: the seconds this attempt must wait, or 0 to go ahead. An allowed
   * attempt is counted as a failure right away, so parallel guesses cannot all slip past the check
   * while their passwords are being verified; `succeeded` takes it back.
   */
  attempt(ip: string, username: string): number {
    const now = this.now();
    const user = username.toLowerCase();
    const pair = `pair:${user}\u0000${ip}`;
    const waits = [
      this.waitFor(this.minute, `ip:${ip}`, MINUTE_MS, this.limitPerMinute * ADDRESS_FACTOR, now),
      this.waitFor(this.minute, pair, MINUTE_MS, this.limitPerMinute, now),
    ];
    if (this.underAttack(user, now)) waits.push(this.waitFor(this.attack, pair, ATTACK_WINDOW_MS, ATTACK_PAIR_FAILURES, now));
    const wait = Math.max(...waits);
    if (wait > 0) return wait;
    this.count(this.minute, `ip:${ip}`, MINUTE_MS, now);
    this.count(this.minute, pair, MINUTE_MS, now);
    this.count(this.attack, `user:${user}`, ATTACK_WINDOW_MS, now);
    this.count(this.attack, pair, ATTACK_WINDOW_MS, now);
    return 0;
  }

  /** The password was right: the attempt was no failure, and this client's earlier ones are forgiven. */
  succeeded(ip: string, username: string): void {
    const now = this.now();
    const user = username.toLowerCase();
    this.minute.delete(`pair:${user}\u0000${ip}`);
    this.attack.delete(`pair:${user}\u0000${ip}`);
    for (const [map, key, windowMs] of [[this.minute, `ip:${ip}`, MINUTE_MS], [this.attack, `user:${user}`, ATTACK_WINDOW_MS]] as const) {
      const window = this.live(map, key, windowMs, now);
      if (window && window.failures > 0) window.failures -= 1;
    }
  }

  private underAttack(user: string, now: number): boolean {
    const window = this.live(this.attack, `user:${user}`, ATTACK_WINDOW_MS, now);
    return window !== undefined && window.failures >= this.limitPerMinute * ATTACK_FACTOR;
  }

  /** Seconds until `key` may try again (when its window ends): 0 while under `limit` failures. */
  private waitFor(map: Map<string, Window>, key: string, windowMs: number, limit: number, now: number): number {
    const window = this.live(map, key, windowMs, now);
    if (!window || window.failures < limit) return 0;
    return Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
  }

  private live(map: Map<string, Window>, key: string, windowMs: number, now: number): Window | undefined {
    const window = map.get(key);
    return window && now - window.start < windowMs ? window : undefined;
  }

  private count(map: Map<string, Window>, key: string, windowMs: number, now: number): void {
    let window = this.live(map, key, windowMs, now);
    if (!window) {
      window = { start: now, failures: 0 };
      map.set(key, window);
    }
    window.failures += 1;
    if (map.size > MAX_KEYS) {
      for (const [k, w] of map) if (now - w.start >= windowMs) map.delete(k);
      // Still full (a flood of distinct names or addresses): forget the oldest rather than grow without bound.
      for (const k of map.keys()) {
        if (map.size <= MAX_KEYS) break;
        map.delete(k);
      }
    }
  }
}
