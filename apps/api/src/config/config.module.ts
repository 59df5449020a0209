import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from './app-config.js';
import { RUNTIME_INFO, type RuntimeInfo } from './runtime-info.js';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, runtime: RuntimeInfo): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RUNTIME_INFO, useValue: runtime },
      ],
      exports: [APP_CONFIG, RUNTIME_INFO],
    };
  }
}
