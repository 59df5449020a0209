import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication, LoggerService } from '@nestjs/common';

/**
 * Serves the built dashboard at / with a single-page-app fallback: a browser navigation to
 * /channels/42 gets index.html, while /api/... stays the API's (including its 404s).
 */
export function serveDashboard(app: INestApplication, dir: string, logger: LoggerService): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    logger.warn(`dashboard not built (${index} missing): only the API is served`, 'Dashboard');
    return;
  }
  app.use(express.static(dir, { index: false, maxAge: '1h', setHeaders: (res, path) => path.endsWith('.html') && res.setHeader('Cache-Control', 'no-cache') }));
  app.use((request: Request, response: Response, next: NextFunction) => {
    const isApi = request.path === '/api' || request.path.startsWith('/api/') || request.path === '/metrics' || request.path.startsWith('/socket.io');
    if (request.method !== 'GET' || isApi || !request.accepts('html')) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
}
