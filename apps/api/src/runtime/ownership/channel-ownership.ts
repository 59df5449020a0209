import { Inject, Injectable, Logger } from '@nestjs/common';
import { networkInterfaces } from 'node:os';
import type { InputConfig } from '@mld/dataplane';
import { APP_CONFIG, type AppConfig, type NodeConfig } from '../../config/app-config.js';
import { ChannelLeases } from './channel-leases.js';
import { LeaseValidity } from './lease-validity.js';
import { eligible, inputBindAddresses, placeChannel, type PlacementNode } from './placement.js';

/** The lease's validity as this node may use it: shared with the data plane, which sends nothing without it. */
export const LEASE_VALIDITY = Symbol('LEASE_VALIDITY');

export function leaseTimings(node: NodeConfig): { ttlMs: number; renewMs: number; marginMs: number } {
  const ttlMs = node.leaseTtlMs;
  return { ttlMs, renewMs: Math.max(100, Math.floor(ttlMs / 5)), marginMs: Math.max(Math.floor(ttlMs / 5), Math.min(1000, Math.floor(ttlMs / 2))) };
}

/** Every address of this machine's interfaces, loopback included. */
function machineAddresses(): Set<string> {
  return new Set(
    Object.values(networkInterfaces())
      .flat()
      .filter((a): a is NonNullable<typeof a> => !!a && a.family === 'IPv4')
      .map((a) => a.address),
  );
}

/**
 * Whether this node runs a channel (docs/multi-node.md, slice 2): it takes a channel's lease when
 * it already holds it, or when placement chooses it (the least-loaded eligible node heart-beating)
 * — or, as a fallback, when the channel stayed unowned for two TTLs. Keeps the lease validity the
 * data plane's gate reads.
 */
@Injectable()
export class ChannelOwnership {
  private readonly logger = new Logger('Ownership');
  private readonly node: NodeConfig;
  readonly timings: { ttlMs: number; renewMs: number; marginMs: number };
  /** When this node first saw a channel unowned and left it to a better-placed node (monotonic ms). */
  private readonly waitingSince = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private readonly local: Set<string>;
  /** Another node was seen heart-beating since this one started (sticky: see alone()). */
  private seenOthers = false;
  /** Draining: hands its channels over and takes no new one (the keeper reads it every tick). */
  draining = false;

  constructor(
    private readonly leases: ChannelLeases,
    @Inject(LEASE_VALIDITY) private readonly validity: LeaseValidity,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.node = config.node;
    this.timings = leaseTimings(config.node);
    // Without NODE_ADDRESSES the node owns whatever its machine has (a single node binding 127.0.0.1, say).
    this.local = config.node.addressesGiven ? new Set() : machineAddresses();
  }

  get nodeId(): string {
    return this.node.id;
  }

  holds(channelId: string): boolean {
    return this.validity.mayEmit(channelId);
  }

  held(): string[] {
    return this.validity.held();
  }

  /** The fencing token of the lease this node holds on the channel, undefined when none. */
  token(channelId: string): number | undefined {
    return this.validity.mayEmit(channelId) ? this.tokens.get(channelId) : undefined;
  }

  /** True when this node holds (now) the lease of a channel it should run. */
  async acquire(channelId: string, input: InputConfig): Promise<boolean> {
    const started = performance.now();
    if (!this.validity.held().includes(channelId) && !(await this.placedHere(channelId, input, started))) return false;
    const row = await this.leases.claim(channelId, this.node.id, this.timings.ttlMs);
    if (!row) {
      this.validity.revoked(channelId);
      this.tokens.delete(channelId);
      return false;
    }
    if (!this.tokens.has(channelId)) this.logger.log(`node "${this.node.id}" owns channel ${channelId} (fencing token ${row.token})`);
    this.validity.granted(channelId, started);
    this.tokens.set(channelId, row.token);
    this.waitingSince.delete(channelId);
    return true;
  }

  async release(channelId: string): Promise<void> {
    const had = this.tokens.delete(channelId);
    this.validity.revoked(channelId);
    this.waitingSince.delete(channelId);
    if (had) await this.leases.release(channelId, this.node.id);
  }

  /**
   * A node that has never seen another node since it started is alone: when it cannot reach the
   * database, nobody can take its channels over, so fencing would only take them off air (a single
   * node on its embedded PostgreSQL, say). Once it has seen one, it fences for the rest of its life:
   * a frozen or partitioned member of a cluster must never count itself alone again.
   */
  alone(): boolean {
    return !this.seenOthers;
  }

  /** Alone and cut off from the database: the channels it holds stay valid here (see alone()). */
  keepWhileAlone(now = performance.now()): string[] {
    const expiring = this.validity.expired(now + this.timings.renewMs);
    for (const id of expiring) this.validity.granted(id, now);
    return expiring;
  }

  /** Renews every lease held in one statement; returns the channels whose lease another node took meanwhile. */
  async renewAll(): Promise<string[]> {
    const started = performance.now();
    if (!this.seenOthers && (await this.leases.othersUp(this.node.id, this.node.downAfterMs)) > 0) {
      this.seenOthers = true;
      this.logger.log(`node "${this.node.id}" sees other nodes: from now on it stops its channels when it cannot renew their leases`);
    }
    const rows = await this.leases.renewAll(this.node.id, this.timings.ttlMs);
    const still = new Set(rows.map((r) => r.channelId));
    for (const id of still) this.validity.granted(id, started);
    const lost = this.validity.held().filter((id) => !still.has(id));
    for (const id of lost) {
      this.validity.revoked(id);
      this.tokens.delete(id);
    }
    return lost;
  }

  /** Channels whose lease this node could not renew in time: it must stop sending them now. */
  fenced(now = performance.now()): string[] {
    const expired = this.validity.expired(now);
    for (const id of expired) {
      this.validity.revoked(id);
      this.tokens.delete(id);
    }
    return expired;
  }

  async refreshDraining(): Promise<boolean> {
    const was = this.draining;
    this.draining = await this.leases.draining(this.node.id);
    if (this.draining !== was) this.logger.log(`node "${this.node.id}" ${this.draining ? 'drains' : 'no longer drains'}`);
    return this.draining;
  }

  /** Polls until another node holds the channel's lease; its id, or null after `timeoutMs`. */
  async waitForOtherOwner(channelId: string, timeoutMs: number): Promise<string | null> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const owner = await this.leases.owner(channelId);
      if (owner && owner !== this.node.id) return owner;
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  }

  unowned(): Promise<string[]> {
    return this.leases.unowned();
  }

  async releaseAll(): Promise<void> {
    for (const id of this.validity.held()) this.validity.revoked(id);
    this.tokens.clear();
    await this.leases.releaseAll(this.node.id);
  }

  private async placedHere(channelId: string, input: InputConfig, now: number): Promise<boolean> {
    const binds = inputBindAddresses(input);
    const self: PlacementNode = { id: this.node.id, addresses: this.node.addresses, channels: this.validity.held().length, ownsLocal: (a) => this.local.has(a) };
    if (this.draining || !eligible(self, binds)) return false;
    // The node whose lease on this channel ran out stopped renewing it: dead, frozen or cut off,
    // even if its last heartbeat is still recent. It is not a candidate (else the others would
    // wait NODE_DOWN_AFTER_MS more for it to show down).
    const last = await this.leases.lastHolder(channelId);
    const others = (await this.leases.cluster(this.node.downAfterMs)).nodes.filter((n) => n.id !== this.node.id && n.id !== last);
    const best = placeChannel([self, ...others], binds);
    if (best?.id === this.node.id) return true;
    // A better-placed node should take it; if none did for two TTLs (it cannot bind, it is stuck), this one does.
    const since = this.waitingSince.get(channelId) ?? now;
    this.waitingSince.set(channelId, since);
    return now - since > 2 * this.timings.ttlMs;
  }
}
