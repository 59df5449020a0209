import type { Egress } from './egress/egress.js';
import type { Scte35Cue } from '@mld/ts-analysis';
import { ChannelPipeline, type PipelineDeps } from './channel-pipeline.js';
import type { KeyFrame } from './thumbnail/key-frame-keeper.js';
import type { ChannelConfig, ChannelSnapshot } from './types.js';

/**
 * Every running channel, keyed by id. Changes to one channel are applied one after the other
 * (a chain of promises per channel), so quick successive edits never race each other.
 */
export class DataPlane {
  private readonly pipelines = new Map<string, ChannelPipeline>();
  private readonly chains = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly deps: PipelineDeps) {}

  /** Makes the channel run exactly `config` (null: not at all). */
  apply(channelId: string, config: ChannelConfig | null): Promise<void> {
    return this.enqueue(channelId, async () => {
      const pipeline = this.pipelines.get(channelId);
      if (config === null || this.closed) {
        if (pipeline) {
          this.pipelines.delete(channelId);
          await pipeline.stop();
        }
        return;
      }
      if (pipeline) {
        await pipeline.apply(config);
        return;
      }
      const created = new ChannelPipeline(channelId, config, this.deps);
      this.pipelines.set(channelId, created);
      await created.start(config);
    });
  }

  /** Starts a preview sink on a running channel; false when the channel is not running. */
  attachPreview(channelId: string, create: () => Egress): boolean {
    const pipeline = this.pipelines.get(channelId);
    if (!pipeline) return false;
    if (!pipeline.hasPreview) pipeline.attachPreview(create());
    return true;
  }

  /** A pipeline created by a restart starts without one, so this tells a live preview from a stale one. */
  hasPreview(channelId: string): boolean {
    return this.pipelines.get(channelId)?.hasPreview ?? false;
  }

  async detachPreview(channelId: string): Promise<void> {
    await this.pipelines.get(channelId)?.detachPreview();
  }

  retryOutput(channelId: string, outputId: string): boolean {
    return this.pipelines.get(channelId)?.retryOutput(outputId) ?? false;
  }

  /** undefined: the channel is not running; null: no key frame seen since somebody last asked. */
  keyFrame(channelId: string): KeyFrame | null | undefined {
    return this.pipelines.get(channelId)?.keyFrame();
  }

  recentCues(channelId: string, n?: number): Scte35Cue[] | undefined {
    return this.pipelines.get(channelId)?.recentCues(n);
  }

  snapshot(channelId: string): ChannelSnapshot | undefined {
    return this.pipelines.get(channelId)?.snapshot();
  }

  snapshots(): ChannelSnapshot[] {
    return [...this.pipelines.values()].map((p) => p.snapshot());
  }

  get channelCount(): number {
    return this.pipelines.size;
  }

  /** Stops everything; later apply() calls are ignored. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pipelines.keys()].map((id) => this.apply(id, null)));
  }

  private enqueue(channelId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(channelId) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tracked = next.catch(() => undefined);
    this.chains.set(channelId, tracked);
    void tracked.then(() => {
      if (this.chains.get(channelId) === tracked) this.chains.delete(channelId);
    });
    return next;
  }
}
