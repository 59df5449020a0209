import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import { WhipModule } from './whip/whip.module.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import type { RuntimeInfo } from './config/runtime-info.js';
import { dataSourceOptions } from './database/data-source.js';
import { EventLogModule } from './event-log/event-log.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { LimitsModule } from './limits/limits.module.js';
import { NodesModule } from './nodes/nodes.module.js';
import { MediaModule } from './media/media.module.js';
import { MediaLiveModule } from './medialive/medialive.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OutputsModule } from './outputs/outputs.module.js';
import { RuntimeModule } from './runtime/runtime.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  runtime: RuntimeInfo;
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config, options.runtime),
        TypeOrmModule.forRoot({ ...dataSourceOptions(options.databaseUrl), migrationsRun: options.config.migrationsRun }),
        EventsModule,
        EventLogModule,
        LimitsModule,
        NodesModule,
        RuntimeModule,
        AuthModule,
        UsersModule,
        TokensModule,
        ChannelsModule,
        WhipModule,
        OutputsModule,
        AuditModule,
        HealthModule,
        RealtimeModule,
        MetricsModule,
        MediaLiveModule,
        MediaModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
    };
  }
}
