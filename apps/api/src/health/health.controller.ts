import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { HealthResponse } from '@mld/contracts';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/permissions.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { RUNTIME_INFO, type RuntimeInfo } from '../config/runtime-info.js';

class DatabaseHealthDto {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ description: 'true when the service runs its own PostgreSQL (DATABASE_URL unset)' }) embedded!: boolean;
  @ApiProperty({ nullable: true, type: Number }) latency_ms!: number | null;
  @ApiProperty({ required: false }) error?: string;
}

class HealthResponseDto implements HealthResponse {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty() version!: string;
  @ApiProperty({ description: 'The Node.js that runs the service', example: '24.22.3' }) node_version!: string;
  @ApiProperty() uptime_seconds!: number;
  @ApiProperty({ type: DatabaseHealthDto }) database!: DatabaseHealthDto;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(RUNTIME_INFO) private readonly runtime: RuntimeInfo,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and database status (no auth); 503 when the database is unreachable' })
  @ApiResponse({ status: 200, type: HealthResponseDto })
  @ApiResponse({ status: 503, type: HealthResponseDto })
  @ApiErrors(400)
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthResponse> {
    const started = performance.now();
    let database: HealthResponse['database'];
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref())]);
      database = { status: 'up', embedded: this.runtime.embeddedDatabase, latency_ms: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      database = { status: 'down', embedded: this.runtime.embeddedDatabase, latency_ms: null, error: (error as Error).message };
    }
    const status = database.status === 'up' ? 'ok' : 'degraded';
    if (status !== 'ok') response.status(503);
    return { status, version: this.runtime.version, node_version: this.runtime.nodeVersion, uptime_seconds: Math.round(process.uptime()), database };
  }
}
