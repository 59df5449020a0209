import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AuditRecordEntity } from './audit-record.entity.js';

export type AuditEntry = Omit<AuditRecordEntity, 'id' | 'at'>;

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
