import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { LessThan, Repository } from 'typeorm';
import type { RequestWithPrincipal } from '../auth/principal.js';
import type { RefusedRequests } from '../common/refused-requests.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AnonymousAuditLimiter } from './anonymous-audit-limiter.js';
import { auditEntryFor, type AuditActor, type AuditEntry, IN_PROGRESS } from './audit-entry.js';
import { AuditRecordEntity } from './audit-record.entity.js';

export type { AuditEntry } from './audit-entry.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RECORDED = Symbol('audit-recorded');
type AuditedRequest = Request & RequestWithPrincipal & { [RECORDED]?: boolean };
export const NOT_RECORDED_ACTION = 'audit.anonymous_not_recorded';

@Injectable()
export class AuditService implements RefusedRequests, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly anonymous = new AnonymousAuditLimiter();
  private pruneTimer: NodeJS.Timeout | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectRepository(AuditRecordEntity) private readonly repo: Repository<AuditRecordEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  isAudited(request: Request): boolean {
    return MUTATING.has(request.method);
  }

  /**
   * Writes the record of a request about to be handled, before anything changes; a failure here
   * propagates, so the caller refuses the request instead of changing something unrecorded.
   * Returns the record's id, or null when the request is not recorded (not mutating, already
   * recorded, or an anonymous one over its rate).
   */
  async begin(request: AuditedRequest, action: string): Promise<string | null> {
    const entry = this.claim(request, action, IN_PROGRESS);
    if (!entry) return null;
    const saved = await this.repo.save(this.repo.create(entry));
    return saved.id;
  }

  /** Sets how a begun request ended. The change is made by now, and its record exists either way. */
  async finish(id: string | null, statusCode: number, actor?: AuditActor): Promise<void> {
    if (id === null) return;
    try {
      await this.repo.update(id, { statusCode, ...(actor ? { actorType: actor.type, actorId: actor.id, actorName: actor.name.slice(0, 100), attemptedUsername: null } : {}) });
    } catch (error) {
      this.logger.error(`could not write the outcome (${statusCode}) of audit record ${id}; it stays at ${IN_PROGRESS}: ${(error as Error).message}`);
    }
  }

  /** The error filter's report (RefusedRequests): a request refused before any handler ran. */
  record(request: Request, statusCode: number): Promise<void> {
    return this.recordRequest(request, statusCode, 'refused');
  }

  /** Records a request refused before any handler ran (nothing changed), once. */
  async recordRequest(request: AuditedRequest, statusCode: number, action: string): Promise<void> {
    const entry = this.claim(request, action, statusCode);
    if (!entry) return;
    try {
      await this.repo.save(this.repo.create(entry));
    } catch (error) {
      this.logger.error(`could not write audit record for ${entry.method} ${entry.path} (${statusCode}, nothing was changed): ${(error as Error).message}`);
    }
  }

  /** Writes one record saying how many anonymous requests were left out since the last one. */
  async flushNotRecorded(): Promise<void> {
    const summary = this.anonymous.takeSuppressed();
    if (!summary) return;
    this.logger.warn(`${summary.count} anonymous request(s) not recorded in the audit log (rate limit) between ${summary.since.toISOString()} and ${summary.until.toISOString()}`);
    await this.repo
      .save(
        this.repo.create({
          actorType: 'anonymous',
          actorId: null,
          actorName: 'anonymous',
          method: '-',
          path: '-',
          action: NOT_RECORDED_ACTION,
          statusCode: 429,
          details: { not_recorded: summary.count, since: summary.since.toISOString(), until: summary.until.toISOString(), top_sources: summary.topSources },
          detailsTruncated: false,
          attemptedUsername: null,
        }),
      )
      .catch((error: Error) => this.logger.error(`could not write the count of unrecorded anonymous requests: ${error.message}`));
  }

  list(limit: number, before?: Date): Promise<AuditRecordEntity[]> {
    return this.repo.find({ where: before ? { at: LessThan(before) } : {}, order: { at: 'DESC' }, take: limit });
  }

  onApplicationBootstrap(): void {
    const prune = () => {
      const cutoff = new Date(Date.now() - this.config.auditRetentionDays * 86_400_000);
      this.repo.delete({ at: LessThan(cutoff) }).catch((error: Error) => this.logger.warn(`audit pruning failed: ${error.message}`));
    };
    prune();
    this.pruneTimer = setInterval(prune, 6 * 3600_000);
    this.pruneTimer.unref();
    this.summaryTimer = setInterval(() => void this.flushNotRecorded(), 60_000);
    this.summaryTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.summaryTimer);
    await this.flushNotRecorded();
  }

  onApplicationShutdown(): void {
    clearInterval(this.pruneTimer);
    clearInterval(this.summaryTimer);
  }

  /** The entry to write for this request, or null when it is not to be recorded (marks it recorded). */
  private claim(request: AuditedRequest, action: string, statusCode: number): AuditEntry | null {
    if (!this.isAudited(request) || request[RECORDED]) return null;
    request[RECORDED] = true;
    const entry = auditEntryFor({ method: request.method, path: request.originalUrl, body: request.body, principal: request.principal, action }, statusCode);
    if (entry.actorType === 'anonymous' && !this.anonymous.admit(request.ip ?? request.socket.remoteAddress ?? 'unknown')) return null;
    return entry;
  }
}
