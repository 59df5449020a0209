import type { ErrorFieldProblem } from '@mld/contracts';

/**
 * Errors the use-cases raise, by code. Services never throw HTTP exceptions: one filter
 * (http-error.filter.ts) turns codes into status codes, so the same service serves REST,
 * sockets and CLI alike.
 */
export const DOMAIN_ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** A limit of GET/PUT /api/limits would be crossed; the body names it. */
  LIMIT_REACHED: 409,
  /** An optional module (MediaLive) is switched off by configuration: a state, not a fault. */
  MODULE_DISABLED: 409,
  /** An upload larger than its configured limit (MEDIA_MAX_UPLOAD_BYTES). */
  PAYLOAD_TOO_LARGE: 413,
  /** Content of a kind the route does not take (decided from the bytes, not the file name). */
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
} as const;
export type DomainErrorCode = keyof typeof DOMAIN_ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly problems: ErrorFieldProblem[] = [],
    /** For RATE_LIMITED: seconds until a retry may succeed (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(kind: string, id: string): DomainError {
    return new DomainError('NOT_FOUND', `${kind} "${id}" not found`);
  }

  static validation(problems: ErrorFieldProblem[]): DomainError {
    return new DomainError('VALIDATION_FAILED', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  }

  static rateLimited(message: string, retryAfterSeconds: number): DomainError {
    return new DomainError('RATE_LIMITED', message, [], Math.max(1, Math.ceil(retryAfterSeconds)));
  }

  static conflict(message: string, field?: string): DomainError {
    return new DomainError('CONFLICT', message, field ? [{ field, message }] : []);
  }
}
