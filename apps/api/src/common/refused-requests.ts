import type { Request } from 'express';

/**
 * Where the error filter reports a mutation refused before any handler ran (401/403 from the
 * guard, 400 from validation): the audit trail implements it, so this cross-cutting filter
 * depends on no feature.
 */
export abstract class RefusedRequests {
  abstract record(request: Request, statusCode: number): Promise<void>;
}
