import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { LessThan, Repository } from 'typeorm';
import type { RequestWithPrincipal } from '../auth/principal.js';
import { redactBody } from './redact.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AuditRecordEntity } from './audit-record.entity.js';

export type AuditEntry = Omit<AuditRecordEntity, 'id' | 'at'>;

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RECORDED = Symbol('audit-recorded');
type AuditedRequest = Request & RequestWithPrincipal & { [RECORDED]?: boolean };

@Injectable()
export class AuditService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectRepository(AuditRecordEntity) private readonly repo: Repository<AuditRecordEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.repo.save(this.repo.create(entry));
    } catch (error) {
      // Auditing must not turn a successful change into a failed request; it is logged instead.
      this.logger.error(`could not write audit record for ${entry.method} ${entry.path}: ${(error as Error).message}`);
    }
  }

  isAudited(request: Request): boolean {
    return MUTATING.has(request.method);
  }

  /** Records a mutating request once, whichever of the interceptor or the error filter sees it first. */
  async recordRequest(request: AuditedRequest, statusCode: number, action: string): Promise<void> {
    if (!this.isAudited(request) || request[RECORDED]) return;
    request[RECORDED] = true;
    const principal = request.principal;
    const body: unknown = request.body;
    const attemptedUser = typeof (body as { username?: unknown })?.username === 'string' ? String((body as { username: string }).username).slice(0, 64) : undefined;
    const hasBody = body !== null && typeof body === 'object' && Object.keys(body).length > 0;
    await this.record({
      actorType: principal?.type ?? 'anonymous',
      actorId: principal?.id ?? null,
      actorName: principal?.name ?? attemptedUser ?? 'anonymous',
      method: request.method,
      path: request.originalUrl.split('?')[0]!.slice(0, 300),
      action,
      statusCode,
      details: hasBody ? (redactBody(body) as Record<string, unknown>) : null,
    });
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
  }

  onApplicationShutdown(): void {
    clearInterval(this.pruneTimer);
  }
}
