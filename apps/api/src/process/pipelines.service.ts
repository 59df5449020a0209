import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ChannelRuntime, OutputRuntime, Scte35CueRecord } from '@mld/contracts';
import { createEgress, createPreviewEgress, DataPlane, datagramTsSourceFactory, sourceFactoryByType, udpDatagramSourceFactory, type EgressSnapshot } from '@mld/dataplane';
import { DataSource } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainEvents } from '../events/domain-events.js';
import { toChannelConfig } from './pipeline-config.js';
import { toChannelRuntime, toCueRecord, toOutputRuntime } from './runtime.presenter.js';

/**
 * Keeps the data plane equal to the persisted desired state: at boot for every channel, then
 * for each channel a domain event names. The data plane itself knows nothing of Nest or SQL.
 */
@Injectable()
export class PipelinesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Pipelines');
  private readonly dataPlane: DataPlane;
  private readonly ffmpegPath: string;
  private readonly unsubscribe: Array<() => void> = [];
  /** Channel names for log lines and events (the data plane knows ids). */
  private readonly names = new Map<string, string>();
  /** Last state seen per output, to report transitions with their origin. */
  private readonly outputStates = new Map<string, string>();
  /** The last reconciliation started per channel (they are serialised by the data plane). */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ffmpegPath = config.ffmpegPath;
    this.dataPlane = new DataPlane({
      createSource: sourceFactoryByType({ rtp: datagramTsSourceFactory(udpDatagramSourceFactory), udp: datagramTsSourceFactory(udpDatagramSourceFactory) }),
      createEgress: (output, onStateChange) =>
        createEgress(output, { tools: { ffmpeg: config.ffmpegPath, srtLiveTransmit: config.srtLiveTransmitPath }, onStateChange }),
      onIngestState: (channelId, from, to, detail) => {
        const channelName = this.names.get(channelId) ?? channelId;
        this.logger.log(`channel "${channelName}" input ${from} → ${to}${detail ? `: ${detail}` : ''}`);
        this.events.publish('runtime.input_state', { channelId, channelName, from, to, detail });
      },
      onEgressState: (channelId, snapshot, reason) => this.onEgressState(channelId, snapshot, reason),
      onCue: (channelId, cue) => this.events.publish('runtime.scte35_cue', { channelId, channelName: this.names.get(channelId) ?? channelId, cue: toCueRecord(cue) }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const name of ['channel.changed', 'channel.deleted'] as const) {
      this.unsubscribe.push(this.events.subscribe(name, ({ channelId }) => this.schedule(channelId)));
    }
    for (const name of ['output.changed', 'output.deleted'] as const) {
      this.unsubscribe.push(this.events.subscribe(name, ({ channelId }) => this.schedule(channelId)));
    }
    // Resume what should be running; not awaited, so the API answers while pipelines start.
    const channels = await this.dataSource.getRepository(ChannelEntity).find({ where: { desiredState: 'running' }, select: { id: true } });
    if (channels.length > 0) this.logger.log(`resuming ${channels.length} channel(s) that should be running`);
    for (const { id } of channels) this.schedule(id);
  }

  /**
   * Resolves once the latest change to the channel has reached the data plane, so an API answer
   * to "start" already carries the live state it caused.
   */
  async settled(channelId: string): Promise<void> {
    await this.pending.get(channelId);
  }

  private schedule(channelId: string): void {
    const run = this.reconcile(channelId);
    this.pending.set(channelId, run);
    void run.finally(() => {
      if (this.pending.get(channelId) === run) this.pending.delete(channelId);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe.splice(0).forEach((off) => off());
    await this.dataPlane.close();
  }

  /** Applies the persisted desired state of one channel. Never throws. */
  async reconcile(channelId: string): Promise<void> {
    try {
      const channel = await this.dataSource.getRepository(ChannelEntity).findOne({ where: { id: channelId }, relations: { outputs: true } });
      if (!channel) {
        this.names.delete(channelId);
        return await this.dataPlane.apply(channelId, null);
      }
      this.names.set(channelId, channel.name);
      const { config, skipped } = toChannelConfig(channel);
      for (const s of skipped) this.logger.warn(`output ${s.outputId} not started: ${s.reason}`);
      await this.dataPlane.apply(channelId, config);
    } catch (error) {
      this.logger.error(`could not apply channel ${channelId}: ${(error as Error).message}`);
    }
  }

  channelRuntime(channelId: string): ChannelRuntime | null {
    const snapshot = this.dataPlane.snapshot(channelId);
    return snapshot ? toChannelRuntime(snapshot.ingest, snapshot.analysis) : null;
  }

  /** The last cues seen on the channel's input, newest first; undefined when it is not running. */
  recentCues(channelId: string, limit: number): Scte35CueRecord[] | undefined {
    return this.dataPlane.recentCues(channelId, limit)?.map(toCueRecord).reverse();
  }

  outputRuntime(channelId: string, outputId: string): OutputRuntime | null {
    const output = this.dataPlane.snapshot(channelId)?.outputs.find((o) => o.id === outputId);
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

  private onEgressState(channelId: string, snapshot: EgressSnapshot, reason: string | undefined): void {
    const channelName = this.names.get(channelId) ?? channelId;
    const from = this.outputStates.get(snapshot.id) ?? 'stopped';
    this.outputStates.set(snapshot.id, snapshot.state);
    if (snapshot.state === 'stopped') this.outputStates.delete(snapshot.id);
    const message = `channel "${channelName}" output "${snapshot.name}" (${snapshot.protocol}) ${from} → ${snapshot.state}${reason ? `: ${reason}` : ''}`;
    if (snapshot.state === 'backoff' || snapshot.state === 'failed') this.logger.warn(message);
    else this.logger.log(message);
    this.events.publish('runtime.output_state', {
      channelId,
      channelName,
      outputId: snapshot.id,
      outputName: snapshot.name,
      protocol: snapshot.protocol,
      from,
      to: snapshot.state,
      reason,
      nextRetryAt: snapshot.nextRetryAt,
      restarts: snapshot.restarts,
    });
  }
}
