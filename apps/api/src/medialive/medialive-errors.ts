import { DomainError } from '../common/domain-error.js';
import { MediaLiveError } from './medialive.model.js';

export const DISABLED_HINT = 'set AWS_REGION (and credentials through the standard AWS chain: environment, profile, container or instance role) and restart; see docs/medialive.md';

/** MediaLive failures in the API's terms: never a 500 for what AWS said. */
export function toDomainError(error: unknown): unknown {
  if (!(error instanceof MediaLiveError)) return error;
  switch (error.kind) {
    case 'throttled':
      return new DomainError('RATE_LIMITED', `MediaLive is throttling requests (TooManyRequestsException) even after retries with backoff; try again in a few seconds. ${error.message}`);
    case 'not_found':
      return new DomainError('NOT_FOUND', error.message);
    case 'conflict':
      return DomainError.conflict(error.message);
    case 'invalid':
      return new DomainError('VALIDATION_FAILED', error.message, error.validationErrors.map((v) => ({ field: v.path || 'medialive', message: v.message })));
    case 'forbidden':
      return new DomainError('UNAVAILABLE', `${error.message} (the IAM policy of our credentials does not allow this; see docs/medialive.md)`);
    default:
      return new DomainError('UNAVAILABLE', error.message);
  }
}

/** Runs a gateway call, rethrowing MediaLive failures as domain errors. */
export async function mapped<T>(call: () => Promise<T>, onThrottled?: () => void): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MediaLiveError && error.kind === 'throttled') onThrottled?.();
    throw toDomainError(error);
  }
}
