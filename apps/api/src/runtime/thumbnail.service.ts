import { Inject, Injectable } from '@nestjs/common';
import { ThumbnailMaker } from '@mld/dataplane';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { ChannelCatalog } from './channel-catalog.js';
import { PictureWatchService } from './picture-watch.service.js';
import { PipelinesService } from './pipelines.service.js';

export const THUMBNAIL_MAKER = Symbol('THUMBNAIL_MAKER');

/** A request within this long of the last picture gets that picture: no new FFmpeg run. */
const CACHE_MS = 5_000;
/** The first request arms the channel's key-frame keeper and waits this long for a key frame (a GOP). */
const FIRST_KEY_FRAME_WAIT_MS = 4_000;
const POLL_MS = 100;

export interface Thumbnail {
  jpeg: Buffer;
  /** When the key frame it shows arrived (the data plane runs on the system clock). */
  at: Date;
}

interface Cached extends Thumbnail {
  madeAt: number;
  /** The key frame's own timestamp: the same key frame is never decoded twice. */
  keyFrameAt: number;
}

/**
 * A JPEG of a running channel's latest key frame, made only when asked: the request arms the
 * pipeline's key-frame keeper (which otherwise keeps nothing), and FFmpeg decodes that one
 * access unit. Cached per channel for a few seconds; concurrent requests share one run. The
 * run's 64x36 gray copy goes to the PictureWatch (black / frozen picture).
 */
@Injectable()
export class ThumbnailService {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<Thumbnail>>();

  constructor(
    private readonly pipelines: PipelinesService,
    private readonly catalog: ChannelCatalog,
    @Inject(THUMBNAIL_MAKER) private readonly maker: ThumbnailMaker,
    private readonly pictures: PictureWatchService,
  ) {}

  /** FFmpeg runs since the service started (zero as long as nobody asked for a thumbnail). */
  get runs(): number {
    return this.maker.runs;
  }

  async thumbnail(channelId: string): Promise<Thumbnail> {
    if (!isUuid(channelId)) throw DomainError.notFound('channel', channelId);
    const cached = this.cache.get(channelId);
    if (cached && Date.now() - cached.madeAt < CACHE_MS && this.pipelines.keyFrame(channelId) !== undefined) return cached;
    const running = this.inFlight.get(channelId);
    if (running) return running;
    const made = this.make(channelId).finally(() => this.inFlight.delete(channelId));
    this.inFlight.set(channelId, made);
    return made;
  }

  private async make(channelId: string): Promise<Thumbnail> {
    let keyFrame = this.pipelines.keyFrame(channelId);
    const deadline = Date.now() + FIRST_KEY_FRAME_WAIT_MS;
    while (keyFrame === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      keyFrame = this.pipelines.keyFrame(channelId);
    }
    if (keyFrame === undefined) {
      this.cache.delete(channelId);
      this.pictures.forget(channelId);
      const known = this.catalog.view(channelId) ?? (await this.catalog.refresh(channelId));
      if (!known) throw DomainError.notFound('channel', channelId);
      const elsewhere = this.pipelines.runsElsewhere(channelId);
      if (elsewhere) throw DomainError.conflict(`the channel runs on node "${elsewhere}": its thumbnail is served by that node's API and dashboard`);
      throw DomainError.conflict('the channel is not running: start it to see its thumbnail');
    }
    if (keyFrame === null) throw DomainError.conflict(`no key frame (IDR) seen on the channel's input in ${FIRST_KEY_FRAME_WAIT_MS / 1000} s: is video arriving?`);
    const previous = this.cache.get(channelId);
    if (previous && previous.keyFrameAt === keyFrame.at) {
      previous.madeAt = Date.now();
      return previous;
    }
    const result = await this.maker.make(keyFrame.ts);
    if (!result.ok) throw new DomainError('UNAVAILABLE', `the thumbnail could not be made (${result.reason}); try again`);
    // The same decode's gray copy: black / frozen picture, at no extra cost.
    if (result.luma) this.pictures.observe(channelId, keyFrame.at, result.luma);
    const thumbnail: Cached = { jpeg: result.jpeg, at: new Date(keyFrame.at), madeAt: Date.now(), keyFrameAt: keyFrame.at };
    this.cache.set(channelId, thumbnail);
    return thumbnail;
  }
}
