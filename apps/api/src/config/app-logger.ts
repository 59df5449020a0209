import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Nest's boot chatter (every module and route) only at debug level; everything else as configured. */
const CHATTY = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'WebSocketsController']);

export class AppLogger extends ConsoleLogger {
  constructor(private readonly levels: LogLevel[]) {
    super('MediaLiveDistributor', { logLevels: levels, colors: !process.env['NO_COLOR'] && process.stdout.isTTY });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && CHATTY.has(context) && !this.levels.includes('debug')) return;
    super.log(message, ...(rest as [string]));
  }
}
