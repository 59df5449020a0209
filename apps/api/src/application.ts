import 'reflect-metadata';
import { BadRequestException, Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { json, type NextFunction, type Request, type Response } from 'express';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { toErrorResponse } from './common/http-error.filter.js';
import { findBodyProblem, jsonNestsDeeperThan, MAX_JSON_DEPTH, tooDeepError } from './common/json-body-guard.js';
import { securityHeaders } from './common/security-headers.js';
import { requestTimeoutForUploads } from './media/upload-limit.interceptor.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { AppLogger } from './config/app-logger.js';
import { openDatabase } from './database/database-connection.js';
import { setupOpenApi } from './openapi.js';
import { serveDashboard } from './static/dashboard-static.js';
import { UsersService } from './users/users.service.js';

export interface RunningApplication {
  app: NestExpressApplication;
  /** Base URL, e.g. http://127.0.0.1:8000 */
  url: string;
  port: number;
  databaseUrl: string;
  close(): Promise<void>;
}

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * Everything between a validated config and a listening server: database (embedded when
 * DATABASE_URL is unset), migrations, first admin, API, OpenAPI, dashboard. Used by main.ts and
 * by the integration tests, so the tests run the very same wiring.
 */
export async function startApplication(config: AppConfig): Promise<RunningApplication> {
  const logger = new Logger('Application');
  const logLevels = LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1);
  const appLogger = new AppLogger(logLevels, config.logColors);
  Logger.overrideLogger(appLogger);
  // Absolute (resolved once in loadConfig): "where is my data" has one answer whatever the working directory.
  logger.log(`data directory ${config.dataDir} (DATA_DIR: ${config.databaseUrl ? 'JWT key, first admin password' : 'embedded PostgreSQL, JWT key, first admin password'})`);
  const pgLogger = new Logger('PostgreSQL');
  const db = await openDatabase(config, (line) => pgLogger.debug(line));
  if (db.embedded) logger.log(`embedded PostgreSQL running on 127.0.0.1:${db.embedded.port} (data in ${config.dataDir}/postgres)`);
  let app: NestExpressApplication | undefined;
  try {
    const version = readVersion();
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, runtime: { version, nodeVersion: process.versions.node, embeddedDatabase: db.embedded !== undefined }, databaseUrl: db.url }),
      { logger: appLogger, bodyParser: false, abortOnError: false },
    );
    // First, so every response (API, docs, dashboard files, body-parser errors) carries them.
    app.use(securityHeaders());
    // Depth is checked on the raw bytes, before JSON.parse or any validator can recurse into it;
    // then text PostgreSQL cannot store and prototype keys are refused for every route at once.
    app.use(json({ limit: '256kb', verify: (_request, _response, bytes) => { if (jsonNestsDeeperThan(bytes, MAX_JSON_DEPTH)) throw tooDeepError(); } }));
    app.use((request: Request, _response: Response, next: NextFunction) => {
      const problem = findBodyProblem(request.body);
      next(problem ? new BadRequestException({ message: problem.message, errors: [problem] }) : undefined);
    });
    app.setGlobalPrefix('api', { exclude: ['metrics'] });
    app.useWebSocketAdapter(new IoAdapter(app));
    app.useGlobalPipes(createValidationPipe());
    app.disable('x-powered-by');
    setupOpenApi(app, version);
    serveDashboard(app, config.dashboardDir, logger);
    await app.init();
    // Errors raised before Nest's router (malformed JSON, oversized bodies) get our error body too.
    app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
      if (response.headersSent) return next(error);
      const body = toErrorResponse(error);
      response.status(body.status_code).json(body);
    });
    await app.get(UsersService).bootstrapAdmin({ username: config.adminUsername, password: config.adminPassword, dataDir: config.dataDir });
    // Media uploads (POST /api/media) may take long to receive; headers still time out as before.
    app.getHttpServer().requestTimeout = requestTimeoutForUploads(config.mediaMaxUploadBytes);
    await app.listen(config.port, config.host);
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    logger.log(`listening on ${config.host}:${port} (API ${url}/api, docs ${url}/api/docs)`);
    let closing: Promise<void> | undefined;
    const nest = app;
    return {
      app: nest,
      url,
      port,
      databaseUrl: db.url,
      close() {
        closing ??= (async () => {
          await nest.close();
          await db.embedded?.stop();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await db.embedded?.stop();
    throw error;
  }
}
