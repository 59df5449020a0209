import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { escapeForLog } from '../common/log-escape.js';

/** Nest's boot chatter (every module and route) only at debug level; everything else as configured. */
const CHATTY = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'WebSocketsController']);

const escaped = (value: unknown): unknown => (typeof value === 'string' ? escapeForLog(value) : value);

/**
 * Every line is escaped here, once, whatever wrote it: names, URLs and errors may carry
 * user-written text, and an ESC sequence must not reach the operator's terminal or log file raw.
 */
export class AppLogger extends ConsoleLogger {
  constructor(
    private readonly levels: LogLevel[],
    colors = false,
  ) {
    super('MediaLiveDistributor', { logLevels: levels, colors: colors && process.stdout.isTTY });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && CHATTY.has(context) && !this.levels.includes('debug')) return;
    super.log(escaped(message), ...(rest.map(escaped) as [string]));
  }

  override error(message: unknown, ...rest: unknown[]): void {
    super.error(escaped(message), ...(rest.map(escaped) as [string]));
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(escaped(message), ...(rest.map(escaped) as [string]));
  }

  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(escaped(message), ...(rest.map(escaped) as [string]));
  }

  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(escaped(message), ...(rest.map(escaped) as [string]));
  }

  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(escaped(message), ...(rest.map(escaped) as [string]));
  }
}
