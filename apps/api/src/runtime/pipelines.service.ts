import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { ChannelRuntime, OutputRuntime, Scte35CueRecord } from '@mld/contracts';
import { createPreviewEgress, type DataPlane, type KeyFrame } from '@mld/dataplane';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ChannelCatalog } from './channel-catalog.js';
import { DATA_PLANE } from './data-plane.provider.js';
import { DataPlanePort } from './data-plane.port.js';
import { ChannelOwnership } from './ownership/channel-ownership.js';
import { ClusterNotifications } from './ownership/cluster-notifications.js';
import { RuntimeShare } from './ownership/runtime-share.js';
import { PictureWatchService } from './picture-watch.service.js';
import { toChannelRuntime, toCueRecord, toOutputRuntime } from './runtime.presenter.js';

/**
 * Keeps the data plane equal to the persisted desired state: at boot for every channel, then
 * for each channel a use-case applies (DataPlanePort). Applications to one channel run one
 * after the other, each reading the catalog when its turn comes, so the last one always runs
 * the latest committed configuration.
 */
@Injectable()
export class PipelinesService implements DataPlanePort, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Pipelines');
  private readonly ffmpegPath: string;
  private readonly chains = new Map<string, Promise<void>>();
  private closing = false;

  constructor(
    @Inject(DATA_PLANE) private readonly dataPlane: DataPlane,
    private readonly catalog: ChannelCatalog,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly pictures: PictureWatchService,
    private readonly ownership: ChannelOwnership,
    private readonly notifications: ClusterNotifications,
    private readonly share: RuntimeShare,
  ) {
    this.ffmpegPath = config.ffmpegPath;
  }

  async onApplicationBootstrap(): Promise<void> {
    const running = (await this.catalog.loadAll()).filter((view) => view.config !== null);
    // Changes made through other nodes' APIs: reconciled here at once (docs/multi-node.md).
    await this.notifications.listen(this.ownership.nodeId, (channelId) => void this.applyHere(channelId));
    if (running.length > 0) this.logger.log(`resuming ${running.length} channel(s) that should be running`);
    // Not awaited, so the API answers while pipelines start.
    for (const view of running) void this.applyHere(view.id);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const held = this.ownership.held();
    await this.dataPlane.close();
    // Stopped first, then handed over: another node may take the channels at once, not after the TTL.
    try {
      await this.ownership.releaseAll();
      for (const id of held) await this.notifications.channelChanged(id);
    } catch (error) {
      this.logger.warn(`could not release this node's channel leases: ${(error as Error).message}`);
    }
  }

  /** Drain: stops the channel here, releases its lease and tells the other nodes, which take it at once. */
  async handOver(channelId: string): Promise<void> {
    await this.fence(channelId);
    await this.ownership.release(channelId);
    await this.notifications.channelChanged(channelId);
  }

  /**
   * Stops the channel here at once, without the database (its lease can no longer be used:
   * another node may own it now); the next reconcile decides whether it runs here again.
   */
  fence(channelId: string): Promise<void> {
    const previous = this.chains.get(channelId) ?? Promise.resolve();
    const run = previous.then(() => this.dataPlane.apply(channelId, null)).catch((error: unknown) => this.logger.error(`could not stop channel ${channelId}: ${(error as Error).message}`));
    this.chains.set(channelId, run);
    void run.then(() => {
      if (this.chains.get(channelId) === run) this.chains.delete(channelId);
    });
    return run;
  }

  /** A use-case changed the channel: reconcile it here and tell the other nodes (its owner may be one of them). */
  async apply(channelId: string): Promise<void> {
    await this.applyHere(channelId);
    await this.notifications.channelChanged(channelId);
  }

  /** Reconciles the channel on this node only (ownership loop, notifications, boot). */
  applyHere(channelId: string): Promise<void> {
    const previous = this.chains.get(channelId) ?? Promise.resolve();
    const run = previous.then(() => this.reconcile(channelId));
    this.chains.set(channelId, run);
    void run.then(() => {
      if (this.chains.get(channelId) === run) this.chains.delete(channelId);
    });
    return run;
  }

  /**
   * Reads the channel once and applies it — here only if this node owns it (or takes it now:
   * placement, docs/multi-node.md); otherwise it does not run here. Never throws.
   */
  private async reconcile(channelId: string): Promise<void> {
    if (this.closing) return;
    try {
      const view = await this.catalog.refresh(channelId);
      let config = view?.config ?? null;
      if (config && !(await this.ownership.acquire(channelId, config.input))) config = null;
      if (config) for (const s of view?.skipped ?? []) this.logger.warn(`output ${s.outputId} not started: ${s.reason}`);
      await this.dataPlane.apply(channelId, config);
      if (!config) await this.ownership.release(channelId);
    } catch (error) {
      this.logger.error(`could not apply channel ${channelId}: ${(error as Error).message}`);
    }
  }

  /** The channel's live state: from this node's data plane, or as the node running it published it. */
  channelRuntime(channelId: string): ChannelRuntime | null {
    const snapshot = this.dataPlane.snapshot(channelId);
    if (!snapshot) {
      this.pictures.forget(channelId);
      return this.share.of(channelId)?.runtime ?? null;
    }
    return { ...toChannelRuntime(snapshot.ingest, snapshot.analysis, this.pictures.picture(channelId)), node: this.ownership.nodeId };
  }

  /** The node running the channel when it is not this one (its preview and thumbnail are served there). */
  runsElsewhere(channelId: string): string | undefined {
    return this.dataPlane.snapshot(channelId) ? undefined : this.share.of(channelId)?.nodeId;
  }

  /** What this node publishes for the other nodes: each channel it holds, with its lease's fencing token. */
  localRuntimes(): { channelId: string; token: number; runtime: ChannelRuntime; outputs: Record<string, OutputRuntime> }[] {
    const out: { channelId: string; token: number; runtime: ChannelRuntime; outputs: Record<string, OutputRuntime> }[] = [];
    for (const s of this.dataPlane.snapshots()) {
      const token = this.ownership.token(s.id);
      if (token === undefined) continue;
      out.push({
        channelId: s.id,
        token,
        runtime: { ...toChannelRuntime(s.ingest, s.analysis, this.pictures.picture(s.id)), node: this.ownership.nodeId },
        outputs: Object.fromEntries(s.outputs.map((o) => [o.id, toOutputRuntime(o)])),
      });
    }
    return out;
  }

  /** What this node runs now: for its heartbeat (docs/multi-node.md). */
  load(): { channels: number; outputs_running: number; bitrate_in_bps: number; bitrate_out_bps: number } {
    const snapshots = this.dataPlane.snapshots();
    let outputs = 0;
    let bitIn = 0;
    let bitOut = 0;
    for (const s of snapshots) {
      bitIn += s.ingest.bitrateBps;
      for (const o of s.outputs) {
        if (o.state === 'running') outputs++;
        bitOut += o.bitrateBps;
      }
    }
    return { channels: snapshots.length, outputs_running: outputs, bitrate_in_bps: Math.round(bitIn), bitrate_out_bps: Math.round(bitOut) };
  }

  /** The last cues seen on the channel's input, newest first; undefined when it is not running. */
  recentCues(channelId: string, limit: number): Scte35CueRecord[] | undefined {
    return this.dataPlane.recentCues(channelId, limit)?.map(toCueRecord).reverse();
  }

  /** The input's latest key frame (and keep them coming for a while); undefined when the channel is not running. */
  keyFrame(channelId: string): KeyFrame | null | undefined {
    return this.dataPlane.keyFrame(channelId);
  }

  outputRuntime(channelId: string, outputId: string): OutputRuntime | null {
    const snapshot = this.dataPlane.snapshot(channelId);
    if (!snapshot) return this.share.of(channelId)?.outputs[outputId] ?? null;
    const output = snapshot.outputs.find((o) => o.id === outputId);
    return output ? toOutputRuntime(output) : null;
  }

  /** Starts the HLS preview of a running channel into `dir`; false when the channel is not running. */
  attachPreview(channelId: string, dir: string): boolean {
    return this.dataPlane.attachPreview(channelId, () => createPreviewEgress(channelId, dir, this.ffmpegPath));
  }

  /** Whether the channel's current pipeline runs a preview (false once it stopped, also after a restart). */
  hasPreview(channelId: string): boolean {
    return this.dataPlane.hasPreview(channelId);
  }

  detachPreview(channelId: string): Promise<void> {
    return this.dataPlane.detachPreview(channelId);
  }

  retryOutput(channelId: string, outputId: string): boolean {
    return this.dataPlane.retryOutput(channelId, outputId);
  }
}
