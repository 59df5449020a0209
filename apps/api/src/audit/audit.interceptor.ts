import { Injectable, Logger, ServiceUnavailableException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, concatMap, from, mergeMap, throwError, type Observable } from 'rxjs';
import type { RequestWithPrincipal } from '../auth/principal.js';
import { toErrorResponse } from '../common/http-error.filter.js';
import { loginActor } from './audit-entry.js';
import { AuditService } from './audit.service.js';

/**
 * Records every mutating request that reaches a handler, with who made it and how it ended.
 * The record is written first: if it cannot be, the request is refused (503) and nothing
 * changes, so no change is ever made without its record. Its outcome is filled in after.
 * Requests refused before (by the auth guard, unknown routes) are recorded by the error filter.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    if (!this.audit.isAudited(request)) return next.handle();
    const action = `${context.getClass().name}.${context.getHandler().name}`;
    // The status Nest will send: @HttpCode() if declared, else 201 for POST and 200 for the rest.
    const declared = Reflect.getMetadata('__httpCode__', context.getHandler()) as number | undefined;
    const successStatus = declared ?? (request.method === 'POST' ? 201 : 200);
    return from(this.audit.begin(request, action)).pipe(
      catchError((error: unknown) => {
        this.logger.error(`audit record for ${request.method} ${request.originalUrl} could not be written; request refused: ${(error as Error).message}`);
        return throwError(() => new ServiceUnavailableException('the audit log cannot be written right now, so nothing was changed; try again'));
      }),
      mergeMap((id) =>
        next.handle().pipe(
          // Awaited, so a client reading the audit log right after its change finds its outcome there.
          concatMap(async (value: unknown) => {
            await this.audit.finish(id, successStatus, loginActor(action, value));
            return value;
          }),
          catchError((error: unknown) => from(this.audit.finish(id, toErrorResponse(error).status_code)).pipe(mergeMap(() => throwError(() => error)))),
        ),
      ),
    );
  }
}
