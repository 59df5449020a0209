import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, concatMap, from, mergeMap, throwError, type Observable } from 'rxjs';
import type { RequestWithPrincipal } from '../auth/principal.js';
import { toErrorResponse } from '../common/http-error.filter.js';
import { AuditService } from './audit.service.js';

/**
 * Records every mutating request that reaches a handler, with who made it and how it ended.
 * Requests refused before (by the auth guard) are recorded by the error filter instead.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    if (!this.audit.isAudited(request)) return next.handle();
    const action = `${context.getClass().name}.${context.getHandler().name}`;
    // The status Nest will send: @HttpCode() if declared, else 201 for POST and 200 for the rest.
    const declared = Reflect.getMetadata('__httpCode__', context.getHandler()) as number | undefined;
    const successStatus = declared ?? (request.method === 'POST' ? 201 : 200);
    // Awaited, so a client reading the audit log right after its change finds it there.
    return next.handle().pipe(
      concatMap(async (value: unknown) => {
        await this.audit.recordRequest(request, successStatus, action);
        return value;
      }),
      catchError((error: unknown) => from(this.audit.recordRequest(request, toErrorResponse(error).status_code, action)).pipe(mergeMap(() => throwError(() => error)))),
    );
  }
}
