import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { hasPermission } from '@mld/contracts';
import type { Response } from 'express';
import { AuthService } from '../auth/auth.service.js';
import { Public } from '../auth/permissions.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Public at the routing level because METRICS_PUBLIC can open it; otherwise checked here
  // exactly as the guard would: any token whose role has system.read (a viewer API token).
  @Get()
  @Public()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Prometheus metrics (text format). Needs a token with system.read (e.g. a viewer API token) unless METRICS_PUBLIC=true' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus exposition format' })
  @ApiErrors(401, 403)
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    if (!this.config.metricsPublic) {
      const principal = await this.auth.authenticate(authorization);
      if (!hasPermission(principal.role, 'system.read')) throw new DomainError('FORBIDDEN', `role "${principal.role}" lacks permission "system.read"`);
    }
    response.setHeader('Content-Type', this.metrics.contentType);
    response.send(await this.metrics.metrics());
  }
}
