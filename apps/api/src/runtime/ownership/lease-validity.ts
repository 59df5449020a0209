// How long this node may still act on a channel's lease, on its own monotonic clock (docs/multi-node.md,
// slice 2). A lease granted (or renewed) by a statement that *started* at t is valid in the database
// until at least t + ttl by the database's clock; this node stops using it at t + ttl − margin, so it
// has stopped sending before any other node can take the lease over — whatever happened in between
// (a partition, a SIGSTOP, a slow database). Pure: the caller says what the database granted.

export class LeaseValidity {
  private readonly until = new Map<string, number>();

  constructor(
    readonly ttlMs: number,
    readonly marginMs: number,
  ) {
    if (marginMs <= 0 || marginMs >= ttlMs) throw new Error(`the fencing margin (${marginMs} ms) must be between 0 and the lease TTL (${ttlMs} ms)`);
  }

  /** The database granted or renewed `channelId`'s lease in a statement started at `startedAt` (monotonic ms). */
  granted(channelId: string, startedAt: number): void {
    const until = startedAt + this.ttlMs - this.marginMs;
    if (until > (this.until.get(channelId) ?? -Infinity)) this.until.set(channelId, until);
  }

  /** The lease is gone (released, lost to another node, the channel deleted). */
  revoked(channelId: string): void {
    this.until.delete(channelId);
  }

  /** Whether this node may still send `channelId`'s data at `now` (monotonic ms). */
  mayEmit(channelId: string, now: number = performance.now()): boolean {
    return (this.until.get(channelId) ?? -Infinity) > now;
  }

  /** Channels whose lease this node held but may no longer use at `now`: stop them. */
  expired(now: number = performance.now()): string[] {
    return [...this.until].filter(([, until]) => until <= now).map(([id]) => id);
  }

  held(): string[] {
    return [...this.until.keys()];
  }
}
