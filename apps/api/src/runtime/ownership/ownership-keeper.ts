import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { PipelinesService } from '../pipelines.service.js';
import { ChannelOwnership } from './channel-ownership.js';
import { RuntimeShare } from './runtime-share.js';

/** Every this many renewals, the channels owned here are read again (edits made through another node's API). */
const REFRESH_EVERY = 5;
/** A drain waits this long for another node to take a channel before it moves the next. */
const DRAIN_MOVE_WAIT_MS = 5000;
/** How often the live state of this node's channels is published (and the others' read). */
const SHARE_MS = 1000;

/**
 * The ownership loop (docs/multi-node.md, slice 2), every TTL/5: renew this node's leases in one
 * statement; stop at once the channels whose lease another node took, or that could not be
 * renewed in time (self-fencing: before the lease can expire in the database); take the
 * channels nobody owns that placement gives this node.
 */
@Injectable()
export class OwnershipKeeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Ownership');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private ticks = 0;
  private keptAlone = false;
  private draining: Promise<void> | undefined;
  private shareTimer: NodeJS.Timeout | undefined;
  private guardTimer: NodeJS.Timeout | undefined;
  private sharing: Promise<void> | undefined;
  private failing = false;

  constructor(
    private readonly ownership: ChannelOwnership,
    private readonly pipelines: PipelinesService,
    private readonly share: RuntimeShare,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.ownership.timings.renewMs);
    this.timer.unref();
    this.guardTimer = setInterval(() => this.guard(), Math.max(50, Math.floor(this.ownership.timings.renewMs / 2)));
    this.guardTimer.unref();
    // Live state across nodes, every second whatever the TTL: this node's channels out, the others' in.
    this.shareTimer = setInterval(() => {
      this.sharing ??= this.shareRuntime().finally(() => (this.sharing = undefined));
    }, SHARE_MS);
    this.shareTimer.unref();
  }

  private async shareRuntime(): Promise<void> {
    try {
      await this.share.publish(this.ownership.nodeId, this.pipelines.localRuntimes());
    } catch (error) {
      this.logger.debug(`could not publish this node's channel state: ${(error as Error).message}`);
    }
    await this.share.refresh(this.ownership.nodeId);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.shareTimer) clearInterval(this.shareTimer);
    if (this.guardTimer) clearInterval(this.guardTimer);
    this.timer = undefined;
    this.shareTimer = undefined;
    await this.sharing;
    await this.running;
    await this.draining;
  }

  /** Hands the channels over one at a time: the next only once another node owns the last (or after 5 s). */
  private async drain(): Promise<void> {
    while (this.timer && this.ownership.draining) {
      const id = this.ownership.held()[0];
      if (!id) return;
      const started = performance.now();
      await this.pipelines.handOver(id);
      const owner = await this.ownership.waitForOtherOwner(id, DRAIN_MOVE_WAIT_MS);
      const ms = Math.round(performance.now() - started);
      if (owner) this.logger.log(`node "${this.ownership.nodeId}" drains: channel ${id} moved to node "${owner}" (${ms} ms from stopping here to its lease there)`);
      else this.logger.warn(`node "${this.ownership.nodeId}" drains: no other node took channel ${id} within ${ms} ms (none eligible?): it stays off until one does`);
    }
  }

  /**
   * Fencing, on its own timer and without the database: it is what to do when the database cannot
   * be reached (a tick stuck on a query must not delay it). A node that has seen no other node
   * keeps its channels instead: nobody could take them over.
   */
  private guard(): void {
    if (this.ownership.alone()) {
      const kept = this.ownership.keepWhileAlone();
      if (kept.length > 0 && !this.keptAlone) this.logger.warn(`node "${this.ownership.nodeId}": leases cannot be renewed, but no other node was seen: its ${kept.length} channel(s) keep running`);
      this.keptAlone = kept.length > 0;
    }
    for (const id of this.ownership.fenced()) {
      this.logger.warn(`node "${this.ownership.nodeId}": the lease of channel ${id} was not renewed in time: its outputs stop here (another node may take it over)`);
      void this.pipelines.fence(id);
    }
  }

  private async tick(): Promise<void> {
    this.ticks++;
    try {
      for (const id of await this.ownership.renewAll()) {
        this.logger.warn(`node "${this.ownership.nodeId}": channel ${id} is owned by another node now: it stops here`);
        await this.pipelines.fence(id);
      }
      // Draining: the channels move one by one, beside this loop (which keeps renewing the others).
      if ((await this.ownership.refreshDraining()) && this.ownership.held().length > 0) this.draining ??= this.drain().finally(() => (this.draining = undefined));
      const held = new Set(this.ownership.held());
      const adopt = (await this.ownership.unowned()).filter((id) => !held.has(id));
      const refresh = this.ticks % REFRESH_EVERY === 0 ? [...held] : [];
      for (const id of [...adopt, ...refresh]) await this.pipelines.applyHere(id);
      if (this.failing) this.logger.log(`node "${this.ownership.nodeId}": leases renew again`);
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`node "${this.ownership.nodeId}": could not renew leases (${(error as Error).message}); channels stop when their lease runs out`);
      this.failing = true;
    }
  }
}
