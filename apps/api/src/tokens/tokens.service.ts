import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import type { ApiTokenResponse, Role } from '@mld/contracts';
import { IsNull, Repository } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../events/domain-events.js';
import { isUuid } from '../common/uuid.js';
import { ApiTokenEntity } from './api-token.entity.js';

const TOKEN_PREFIX = 'mld_';

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function toApiTokenResponse(token: ApiTokenEntity, createdBy: string | null = null): ApiTokenResponse {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    prefix: token.prefix,
    created_by: createdBy ?? token.createdBy?.username ?? null,
    created_at: token.createdAt.toISOString(),
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
    expires_at: token.expiresAt?.toISOString() ?? null,
    revoked_at: token.revokedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class TokensService {
  constructor(
    @InjectRepository(ApiTokenEntity) private readonly repo: Repository<ApiTokenEntity>,
    private readonly events: DomainEvents,
  ) {}

  list(): Promise<ApiTokenEntity[]> {
    return this.repo.find({ relations: { createdBy: true }, order: { createdAt: 'DESC' } });
  }

  async create(name: string, role: Role, createdById: string | null, expiresInDays?: number): Promise<{ entity: ApiTokenEntity; token: string }> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const entity = await this.repo.save(
      this.repo.create({
        name,
        role,
        tokenHash: sha256(token),
        prefix: token.slice(0, 12),
        createdById,
        expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
        lastUsedAt: null,
        revokedAt: null,
      }),
    );
    return { entity, token };
  }

  /** The token if it exists, is not revoked and not expired; records its use (at most once a minute). */
  async findUsable(token: string): Promise<ApiTokenEntity | null> {
    const entity = await this.repo.findOneBy({ tokenHash: sha256(token), revokedAt: IsNull() });
    if (!entity) return null;
    const now = new Date();
    if (entity.expiresAt && entity.expiresAt <= now) return null;
    if (!entity.lastUsedAt || now.getTime() - entity.lastUsedAt.getTime() > 60_000) {
      await this.repo.update({ id: entity.id }, { lastUsedAt: now });
    }
    return entity;
  }

  async revoke(id: string): Promise<ApiTokenEntity> {
    const entity = isUuid(id) ? await this.repo.findOne({ where: { id }, relations: { createdBy: true } }) : null;
    if (!entity) throw DomainError.notFound('token', id);
    if (!entity.revokedAt) {
      entity.revokedAt = new Date();
      await this.repo.update({ id }, { revokedAt: entity.revokedAt });
      this.events.publish('auth.access_changed', { principal: 'token', id, change: 'revoked' });
    }
    return entity;
  }
}
