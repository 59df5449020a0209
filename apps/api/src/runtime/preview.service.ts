import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PREVIEW_PLAYLIST, PREVIEW_SEGMENT } from '@mld/dataplane';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { DomainEvents } from '../events/domain-events.js';
import { PipelinesService } from './pipelines.service.js';

const IDLE_STOP_MS = 60_000;
const FIRST_PLAYLIST_WAIT_MS = 12_000;
const NOT_RUNNING = 'the channel is not running: start it to preview it';

interface ActivePreview {
  dir: string;
  lastRequestAt: number;
}

/**
 * On-demand HLS previews: the first request for a channel's playlist starts an FFmpeg -c copy
 * into a temp dir; a preview nobody requested for a minute is stopped and its files removed.
 * A preview follows its channel: stopped (files removed) when the channel stops or goes away,
 * and started afresh after a restart, never served from what an earlier run left behind.
 */
@Injectable()
export class PreviewService implements OnApplicationShutdown {
  private readonly logger = new Logger('Preview');
  private readonly root = mkdtempSync(join(tmpdir(), 'mld-preview-'));
  private readonly active = new Map<string, ActivePreview>();
  private readonly sweeper = setInterval(() => void this.sweep(), 10_000);
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly pipelines: PipelinesService,
    events: DomainEvents,
  ) {
    this.sweeper.unref();
    this.unsubscribe = [
      events.subscribe('channel.changed', ({ channelId, change }) => {
        if (change === 'stopped') void this.stop(channelId);
      }),
      events.subscribe('channel.deleted', ({ channelId }) => void this.stop(channelId)),
    ];
  }

  /** Path of a preview file, starting the preview if needed; waits briefly for the first playlist. */
  async file(channelId: string, name: string): Promise<string> {
    if (!isUuid(channelId)) throw DomainError.notFound('channel', channelId);
    if (name !== PREVIEW_PLAYLIST && !PREVIEW_SEGMENT.test(name)) throw DomainError.notFound('preview file', name);
    let preview = this.active.get(channelId);
    // The channel stopped (or stopped and started again) under this preview: its pipeline, and
    // the FFmpeg writing here with it, are gone, and the files are a frozen earlier run.
    if (preview && !this.pipelines.hasPreview(channelId)) {
      await this.stop(channelId);
      preview = undefined;
    }
    if (!preview) {
      // Only the playlist starts a preview: a player asks for it first, and a segment of a
      // run that is over must not start a new one.
      if (name !== PREVIEW_PLAYLIST) {
        if (!this.pipelines.channelRuntime(channelId)) throw DomainError.conflict(NOT_RUNNING);
        throw DomainError.notFound('preview file', name);
      }
      const dir = join(this.root, channelId);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      if (!this.pipelines.attachPreview(channelId, dir)) {
        rmSync(dir, { recursive: true, force: true });
        const elsewhere = this.pipelines.runsElsewhere(channelId);
        if (elsewhere) throw DomainError.conflict(`the channel runs on node "${elsewhere}": its preview is served by that node's API and dashboard`);
        throw DomainError.conflict(NOT_RUNNING);
      }
      preview = { dir, lastRequestAt: Date.now() };
      this.active.set(channelId, preview);
      this.logger.log(`preview of channel ${channelId} started`);
    }
    preview.lastRequestAt = Date.now();
    const path = join(preview.dir, name);
    const deadline = Date.now() + (name === PREVIEW_PLAYLIST ? FIRST_PLAYLIST_WAIT_MS : 0);
    while (!existsSync(path)) {
      if (this.active.get(channelId) !== preview) throw DomainError.conflict(NOT_RUNNING);
      if (Date.now() >= deadline) throw DomainError.notFound('preview file', name);
      await new Promise((r) => setTimeout(r, 250));
    }
    return path;
  }

  async stop(channelId: string): Promise<void> {
    const preview = this.active.get(channelId);
    if (!preview) return;
    this.active.delete(channelId);
    await this.pipelines.detachPreview(channelId);
    rmSync(preview.dir, { recursive: true, force: true });
    this.logger.log(`preview of channel ${channelId} stopped`);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    this.unsubscribe.splice(0).forEach((off) => off());
    await Promise.all([...this.active.keys()].map((id) => this.stop(id)));
    rmSync(this.root, { recursive: true, force: true });
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [channelId, preview] of this.active) {
      // Also previews whose channel stopped without an event (its files would linger otherwise).
      if (now - preview.lastRequestAt > IDLE_STOP_MS || !this.pipelines.hasPreview(channelId)) await this.stop(channelId);
    }
  }
}
