import { ArgumentsHost, Catch, HttpException, HttpStatus, Injectable, Logger, type ExceptionFilter } from '@nestjs/common';
import type { ErrorFieldProblem, ErrorResponse } from '@mld/contracts';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DOMAIN_ERROR_STATUS, DomainError } from './domain-error.js';
import { RefusedRequests } from './refused-requests.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Maps anything thrown while handling a request to our one error body shape. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof DomainError) {
    const status = DOMAIN_ERROR_STATUS[error.code];
    return body(status, error.code, error.message, error.problems);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const res = error.getResponse();
    let message = error.message;
    let problems: ErrorFieldProblem[] | undefined;
    if (typeof res === 'object' && res !== null) {
      const r = res as { message?: unknown; errors?: ErrorFieldProblem[] };
      if (Array.isArray(r.message)) message = r.message.join('; ');
      else if (typeof r.message === 'string') message = r.message;
      problems = r.errors;
    }
    // Nest wraps body-parser errors (ours from the depth check included) and keeps them as cause.
    if ((error.cause as { type?: string } | undefined)?.type === 'entity.too.deep') problems = [{ field: 'body', message }];
    if (status === 413) message = 'request body is too large';
    if (status === 400 && /JSON|Unexpected token|Expected property/i.test(message)) message = `request body is not valid JSON: ${message}`;
    return body(status, codeFor(status), message, problems);
  }
  // Races the service checks cannot see (two creates at once) end at the database's constraints.
  if (error instanceof QueryFailedError) {
    const driverError = (error as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError;
    if (driverError?.code === '23505') return body(409, 'CONFLICT', `already exists (${driverError.constraint ?? 'unique constraint'})`);
    if (driverError?.code === '22P02') return body(400, 'VALIDATION_FAILED', 'a value has an invalid format');
  }
  const bodyParserError = error as { type?: string; status?: number; message?: string };
  if (bodyParserError?.type === 'entity.parse.failed') return body(400, 'VALIDATION_FAILED', `request body is not valid JSON: ${bodyParserError.message}`);
  if (bodyParserError?.type === 'entity.too.deep') {
    const message = bodyParserError.message ?? 'request body nests too deeply';
    return body(400, 'VALIDATION_FAILED', message, [{ field: 'body', message }]);
  }
  if (bodyParserError?.type === 'entity.too.large') return body(413, 'PAYLOAD_TOO_LARGE', 'request body is too large');
  return body(500, 'INTERNAL', 'internal error');
}

function codeFor(status: number): string {
  const entry = Object.entries(DOMAIN_ERROR_STATUS).find(([, s]) => s === status);
  if (entry) return entry[0];
  return (STATUS_TEXT[status] ?? 'ERROR').toUpperCase().replace(/ /g, '_');
}

function body(status: number, code: string, message: string, problems?: ErrorFieldProblem[]): ErrorResponse {
  return {
    status_code: status,
    error: STATUS_TEXT[status] ?? 'Error',
    code,
    message,
    ...(problems && problems.length > 0 ? { errors: problems } : {}),
  };
}

@Catch()
@Injectable()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  constructor(private readonly refused: RefusedRequests) {}

  async catch(error: unknown, host: ArgumentsHost): Promise<void> {
    if (host.getType() !== 'http') throw error;
    const response = host.switchToHttp().getResponse<Response>();
    const errorBody = toErrorResponse(error);
    // Refused before reaching a handler (401/403 from the guard): still a mutation attempt worth recording.
    await this.refused.record(host.switchToHttp().getRequest<Request>(), errorBody.status_code);
    if (errorBody.status_code >= HttpStatus.INTERNAL_SERVER_ERROR) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    if (response.headersSent) return;
    if (errorBody.status_code === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    // Every 429 says when to come back (RFC 9110 §10.2.3), in seconds.
    if (errorBody.status_code === 429) response.setHeader('Retry-After', String(error instanceof DomainError && error.retryAfterSeconds ? error.retryAfterSeconds : 60));
    response.status(errorBody.status_code).json(errorBody);
  }
}
