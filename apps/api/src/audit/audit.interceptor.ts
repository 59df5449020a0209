import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, concatMap, from, mergeMap, throwError, type Observable } from 'rxjs';
import type { RequestWithPrincipal } from '../auth/principal.js';
import { toErrorResponse } from '../common/http-error.filter.js';
import { AuditService } from './audit.service.js';
import { redactBody } from './redact.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Records every mutating request with who made it and how it ended, secrets redacted. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    if (!MUTATING.has(request.method)) return next.handle();
    const action = `${context.getClass().name}.${context.getHandler().name}`;
    const write = async (statusCode: number) => {
      const principal = request.principal;
      const attemptedUser = typeof request.body?.username === 'string' ? String(request.body.username).slice(0, 64) : undefined;
      await this.audit.record({
        actorType: principal?.type ?? 'anonymous',
        actorId: principal?.id ?? null,
        actorName: principal?.name ?? attemptedUser ?? 'anonymous',
        method: request.method,
        path: request.originalUrl.split('?')[0]!.slice(0, 300),
        action,
        statusCode,
        details: request.body && Object.keys(request.body).length > 0 ? (redactBody(request.body) as Record<string, unknown>) : null,
      });
    };
    // The status Nest will send: @HttpCode() if declared, else 201 for POST and 200 for the rest.
    const declared = Reflect.getMetadata('__httpCode__', context.getHandler()) as number | undefined;
    const successStatus = declared ?? (request.method === 'POST' ? 201 : 200);
    // Awaited, so a client reading the audit log right after its change finds it there.
    return next.handle().pipe(
      concatMap(async (value: unknown) => {
        await write(successStatus);
        return value;
      }),
      catchError((error: unknown) => from(write(toErrorResponse(error).status_code)).pipe(mergeMap(() => throwError(() => error)))),
    );
  }
}
