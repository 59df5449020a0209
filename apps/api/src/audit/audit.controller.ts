import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { AuditService } from './audit.service.js';

export class AuditQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'Cursor: records strictly older than this (the "at" of the last record of the previous page)' })
  @IsOptional()
  @IsDateString({}, { message: 'before must be an ISO 8601 date-time' })
  before?: string;
}

export class AuditRecordDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['user', 'token', 'anonymous'] }) actor_type!: string;
  @ApiProperty({ nullable: true, type: String }) actor_id!: string | null;
  @ApiProperty() actor_name!: string;
  @ApiProperty() method!: string;
  @ApiProperty() path!: string;
  @ApiProperty() action!: string;
  @ApiProperty({ description: 'HTTP status the request ended with; 102 while it is being handled (or if its outcome could not be written)' }) status_code!: number;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'Request body with secrets redacted and bounded in depth, keys and size ("…" marks cuts); null for anonymous callers, whose bodies are never kept',
  })
  details!: unknown;
  @ApiProperty({ description: 'true when details were cut to fit the bounds' }) details_truncated!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'A login attempt: the username as typed (escaped), which is not the actor' }) attempted_username!: string | null;
}

@ApiTags('audit')
@ApiBearerAuth()
@ApiErrors(400, 401, 403)
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermission('audit.read')
  @ApiOperation({ summary: 'Who changed what, newest first (admin)' })
  @ApiResponse({ status: 200, type: [AuditRecordDto] })
  async list(@Query() query: AuditQueryDto): Promise<AuditRecordDto[]> {
    const records = await this.audit.list(query.limit ?? 100, query.before ? new Date(query.before) : undefined);
    return records.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor_type: r.actorType,
      actor_id: r.actorId,
      actor_name: r.actorName,
      method: r.method,
      path: r.path,
      action: r.action,
      status_code: r.statusCode,
      details: r.details,
      details_truncated: r.detailsTruncated,
      attempted_username: r.attemptedUsername,
    }));
  }
}
