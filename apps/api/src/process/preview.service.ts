import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PREVIEW_PLAYLIST, PREVIEW_SEGMENT } from '@mld/dataplane';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { PipelinesService } from './pipelines.service.js';

const IDLE_STOP_MS = 60_000;
const FIRST_PLAYLIST_WAIT_MS = 12_000;

interface ActivePreview {
  dir: string;
  lastRequestAt: number;
}

/**
 * On-demand HLS previews: the first request for a channel's playlist starts an FFmpeg -c copy
 * into a temp dir; a preview nobody requested for a minute is stopped and its files removed.
 */
@Injectable()
export class PreviewService implements OnApplicationShutdown {
  private readonly logger = new Logger('Preview');
  private readonly root = mkdtempSync(join(tmpdir(), 'mld-preview-'));
  private readonly active = new Map<string, ActivePreview>();
  private readonly sweeper = setInterval(() => void this.sweep(), 10_000);

  constructor(private readonly pipelines: PipelinesService) {
    this.sweeper.unref();
  }

  /** Path of a preview file, starting the preview if needed; waits briefly for the first playlist. */
  async file(channelId: string, name: string): Promise<string> {
    if (!isUuid(channelId)) throw DomainError.notFound('channel', channelId);
    if (name !== PREVIEW_PLAYLIST && !PREVIEW_SEGMENT.test(name)) throw DomainError.notFound('preview file', name);
    let preview = this.active.get(channelId);
    if (!preview) {
      const dir = join(this.root, channelId);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      if (!this.pipelines.attachPreview(channelId, dir)) {
        throw DomainError.conflict('the channel is not running: start it to preview it');
      }
      preview = { dir, lastRequestAt: Date.now() };
      this.active.set(channelId, preview);
      this.logger.log(`preview of channel ${channelId} started`);
    }
    preview.lastRequestAt = Date.now();
    const path = join(preview.dir, name);
    const deadline = Date.now() + (name === PREVIEW_PLAYLIST ? FIRST_PLAYLIST_WAIT_MS : 0);
    while (!existsSync(path)) {
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
    await Promise.all([...this.active.keys()].map((id) => this.stop(id)));
    rmSync(this.root, { recursive: true, force: true });
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [channelId, preview] of this.active) {
      if (now - preview.lastRequestAt > IDLE_STOP_MS) await this.stop(channelId);
    }
  }
}
