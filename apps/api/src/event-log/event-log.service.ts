import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EventPage, EventRecord, EventSeverity, EventType } from '@mld/contracts';
import { EventEmitter } from 'node:events';
import { Between, LessThan, LessThanOrEqual, MoreThanOrEqual, Repository, type FindOptionsWhere } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventRecordEntity } from './event-record.entity.js';

export interface NewEvent {
  type: EventType;
  severity?: EventSeverity;
  channelId?: string | null;
  channelName?: string | null;
  outputId?: string | null;
  outputName?: string | null;
  actor?: string | null;
  message: string;
  details?: Record<string, unknown> | null;
}

export interface EventQuery {
  channelId?: string;
  outputId?: string;
  types?: EventType[];
  from?: Date;
  to?: Date;
  before?: string;
  limit: number;
}

export function toEventRecord(e: EventRecordEntity): EventRecord {
  return {
    id: String(e.id),
    at: e.at.toISOString(),
    type: e.type,
    severity: e.severity,
    channel_id: e.channelId,
    channel_name: e.channelName,
    output_id: e.outputId,
    output_name: e.outputName,
    actor: e.actor,
    message: e.message,
    details: e.details,
  };
}

/** The persisted event log, and a live feed of what is written to it (for the socket gateway). */
@Injectable()
export class EventLogService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventLog');
  private readonly live = new EventEmitter();
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectRepository(EventRecordEntity) private readonly repo: Repository<EventRecordEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.live.setMaxListeners(1000);
  }

  /** Writes one event; never throws (a lost log line must not break a pipeline). */
  async record(event: NewEvent): Promise<EventRecord | undefined> {
    try {
      const saved = await this.repo.save(
        this.repo.create({
          type: event.type,
          severity: event.severity ?? 'info',
          channelId: event.channelId ?? null,
          channelName: event.channelName?.slice(0, 100) ?? null,
          outputId: event.outputId ?? null,
          outputName: event.outputName?.slice(0, 100) ?? null,
          actor: event.actor?.slice(0, 100) ?? null,
          message: event.message.slice(0, 2000),
          details: event.details ?? null,
        }),
      );
      const record = toEventRecord(saved);
      this.live.emit('event', record);
      return record;
    } catch (error) {
      this.logger.error(`could not record ${event.type}: ${(error as Error).message}`);
      return undefined;
    }
  }

  onEvent(listener: (event: EventRecord) => void): () => void {
    this.live.on('event', listener);
    return () => this.live.off('event', listener);
  }

  async query(q: EventQuery): Promise<EventPage> {
    const base: FindOptionsWhere<EventRecordEntity> = {};
    if (q.channelId) base.channelId = q.channelId;
    if (q.outputId) base.outputId = q.outputId;
    if (q.before) base.id = LessThan(q.before);
    if (q.from && q.to) base.at = Between(q.from, q.to);
    else if (q.from) base.at = MoreThanOrEqual(q.from);
    else if (q.to) base.at = LessThanOrEqual(q.to);
    const where = q.types?.length ? q.types.map((type) => ({ ...base, type })) : base;
    const rows = await this.repo.find({ where, order: { id: 'DESC' }, take: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { events: page.map(toEventRecord), next_cursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null };
  }

  onApplicationBootstrap(): void {
    const prune = () => {
      const cutoff = new Date(Date.now() - this.config.eventRetentionDays * 86_400_000);
      this.repo.delete({ at: LessThan(cutoff) }).catch((error: Error) => this.logger.warn(`event pruning failed: ${error.message}`));
    };
    prune();
    this.pruneTimer = setInterval(prune, 3600_000);
    this.pruneTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.pruneTimer);
  }
}
