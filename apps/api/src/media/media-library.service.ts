import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { MediaChannelRef, MediaResponse } from '@mld/contracts';
import { stat } from 'node:fs/promises';
import { In, QueryFailedError, Repository } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { DomainEvents } from '../events/domain-events.js';
import { MediaEntity } from './media.entity.js';
import { MediaFiles } from './media-files.js';
import { IMAGE_CONTAINERS } from './media-probe.js';

/** What a channel needs to play a library file. */
export interface PlayableMedia {
  id: string;
  /** Absolute path of the stored MPEG-TS. */
  path: string;
  durationMs: number | null;
}

export function toMediaResponse(media: MediaEntity, usedBy: MediaChannelRef[]): MediaResponse {
  return {
    id: media.id,
    name: media.name,
    size_bytes: media.sizeBytes,
    duration_ms: media.durationMs,
    container: IMAGE_CONTAINERS.includes(media.sourceContainer) ? 'image' : 'mpegts',
    source_container: media.sourceContainer,
    video_codec: media.videoCodec,
    audio_codec: media.audioCodec,
    bitrate_bps: media.bitrateBps,
    width: media.width,
    height: media.height,
    created_at: media.createdAt.toISOString(),
    uploaded_by: media.uploadedBy,
    used_by: usedBy,
  };
}

const quoted = (channels: MediaChannelRef[]) => channels.map((c) => `"${c.name}"`).join(', ');

/**
 * The media library: files a channel can play, one set per installation. Rows and files move
 * together: a file is in place before its row exists, and its row is gone before the file is.
 */
@Injectable()
export class MediaLibrary implements OnModuleInit {
  private readonly logger = new Logger('MediaLibrary');

  constructor(
    @InjectRepository(MediaEntity) private readonly repo: Repository<MediaEntity>,
    @InjectRepository(ChannelEntity) private readonly channels: Repository<ChannelEntity>,
    private readonly files: MediaFiles,
    private readonly events: DomainEvents,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.files.prepare();
  }

  async list(): Promise<MediaResponse[]> {
    const all = await this.repo.find({ order: { createdAt: 'DESC' } });
    const users = await this.usersOf(all.map((m) => m.id));
    return all.map((m) => toMediaResponse(m, users.get(m.id) ?? []));
  }

  async get(id: string): Promise<MediaResponse> {
    const media = await this.find(id);
    return toMediaResponse(media, (await this.usersOf([media.id])).get(media.id) ?? []);
  }

  /**
   * The stored file of a media id, for a channel to play. 404 when the id is unknown or its file
   * is gone from DATA_DIR/media (restored database without its files, say).
   */
  async resolveForPlayback(id: string): Promise<PlayableMedia> {
    const media = await this.find(id);
    if (IMAGE_CONTAINERS.includes(media.sourceContainer)) throw DomainError.validation([{ field: 'media_id', message: `media "${media.name}" is an image: images are slates for input_loss, not inputs` }]);
    const path = this.files.pathOf(media.id);
    const onDisk = await stat(path).catch(() => null);
    if (!onDisk?.isFile()) throw new DomainError('NOT_FOUND', `media "${media.name}" (${media.id}) has no file in DATA_DIR/media any more; upload it again`);
    return { id: media.id, path, durationMs: media.durationMs };
  }

  /** An image of the library, for an input-loss slate; a 400 on `field` when it is not one. */
  async resolveImage(id: string, field: string): Promise<{ id: string; path: string; codec: string }> {
    const media = await this.find(id).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') throw DomainError.validation([{ field, message: `no media file with id ${id} (GET /api/media lists them)` }]);
      throw error;
    });
    if (!IMAGE_CONTAINERS.includes(media.sourceContainer)) throw DomainError.validation([{ field, message: `media "${media.name}" is ${media.sourceContainer}, not an image: upload a PNG or JPEG for the slate` }]);
    return { id: media.id, path: this.files.pathOf(media.id), codec: media.videoCodec ?? 'png' };
  }

  /** Records a file already moved to its place (pathOf(id)); the file is removed if the row cannot be written. */
  async add(fields: Omit<MediaEntity, 'createdAt'>, actor: string): Promise<MediaResponse> {
    let saved: MediaEntity;
    try {
      saved = await this.repo.save(this.repo.create(fields));
    } catch (error) {
      await this.files.removeQuietly(this.files.pathOf(fields.id));
      throw error;
    }
    this.events.publish('media.changed', { mediaId: saved.id, name: saved.name, change: 'created', actor, summary: summarise(saved) });
    return toMediaResponse(saved, []);
  }

  /** 409 naming the channels while any plays it; otherwise the row, then the file. */
  async remove(id: string, actor: string): Promise<void> {
    const media = await this.find(id);
    await this.assertUnused(media);
    try {
      // Two deletes at once: only the one that removed the row goes on.
      if ((await this.repo.delete({ id: media.id })).affected === 0) throw DomainError.notFound('media', id);
    } catch (error) {
      // A channel took the file between the check and the delete: the foreign key refused it.
      if (error instanceof QueryFailedError && (error as QueryFailedError & { driverError?: { code?: string } }).driverError?.code === '23503') await this.assertUnused(media);
      throw error;
    }
    const path = this.files.pathOf(media.id);
    await this.files.removeQuietly(path);
    if (await stat(path).catch(() => null)) this.logger.warn(`media "${media.name}" deleted but its file ${path} could not be removed`);
    this.events.publish('media.changed', { mediaId: media.id, name: media.name, change: 'deleted', actor });
  }

  private async assertUnused(media: MediaEntity): Promise<void> {
    const users = (await this.usersOf([media.id])).get(media.id) ?? [];
    if (users.length > 0) {
      // An image can only be a slate and a stream only an input: the sentence names the one it is.
      const role = IMAGE_CONTAINERS.includes(media.sourceContainer) ? 'slate' : 'input';
      throw DomainError.conflict(`media "${media.name}" is the ${role} of ${users.length === 1 ? 'channel' : 'channels'} ${quoted(users)}: give ${users.length === 1 ? 'it' : 'them'} another ${role} before deleting it`, 'id');
    }
  }

  private async find(id: string): Promise<MediaEntity> {
    const media = isUuid(id) ? await this.repo.findOneBy({ id }) : null;
    if (!media) throw DomainError.notFound('media', id);
    return media;
  }

  private async usersOf(ids: string[]): Promise<Map<string, MediaChannelRef[]>> {
    const byMedia = new Map<string, MediaChannelRef[]>();
    if (ids.length === 0) return byMedia;
    // A file is used by a channel that plays it as its main or as its backup input, or shows it as its slate.
    const rows = await this.channels.find({
      where: [{ inputMediaId: In(ids) }, { backupMediaId: In(ids) }, { slateMediaId: In(ids) }],
      select: { id: true, name: true, inputMediaId: true, backupMediaId: true, slateMediaId: true },
      order: { name: 'ASC' },
    });
    for (const row of rows) {
      for (const mediaId of new Set([row.inputMediaId, row.backupMediaId, row.slateMediaId])) {
        if (!mediaId || !ids.includes(mediaId)) continue;
        const list = byMedia.get(mediaId) ?? [];
        list.push({ id: row.id, name: row.name });
        byMedia.set(mediaId, list);
      }
    }
    return byMedia;
  }
}

/** "mp4 → mpegts, h264/aac, 2.0 s": what the event log says about an upload. */
function summarise(media: MediaEntity): string {
  const codecs = [media.videoCodec, media.audioCodec].filter((c) => c !== null).join('/');
  const from = media.sourceContainer === 'mpegts' ? 'mpegts' : `${media.sourceContainer} → mpegts`;
  const duration = media.durationMs === null ? '' : `, ${(media.durationMs / 1000).toFixed(1)} s`;
  return `${from}, ${codecs || 'no codecs'}${duration}`;
}
