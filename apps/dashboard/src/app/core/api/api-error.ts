import type { ErrorFieldProblem, ErrorResponse } from '@mld/contracts';

/**
 * Turns a failed API call into what the operator reads: one sentence, plus per-field messages
 * that forms show next to the matching control (keys are the API's snake_case field names).
 */
export interface ApiProblem {
  status: number;
  code: string | null;
  message: string;
  fieldErrors: Readonly<Record<string, string>>;
}

/** `login` changes what 401 and 429 mean to the reader. */
export type ErrorContext = 'login' | 'default';

export const MESSAGES = {
  offline: 'Cannot reach the server. Check the connection and try again.',
  wrongCredentials: 'Wrong username or password',
  tooManyAttempts: 'Too many attempts, wait a minute',
  tooManyRequests: 'Too many requests, wait a minute and try again',
  sessionExpired: 'Your session expired, please log in again',
  forbidden: 'Your role does not allow this',
  notFound: 'Not found',
  invalid: 'Some fields need attention',
} as const;

export function isErrorResponse(body: unknown): body is ErrorResponse {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b['message'] === 'string' && typeof b['code'] === 'string';
}

export function describeApiError(status: number, body: unknown, context: ErrorContext = 'default'): ApiProblem {
  const structured = isErrorResponse(body) ? body : null;
  const code = structured?.code ?? null;
  const serverMessage = messageOf(body);
  const fieldErrors = fieldErrorsOf(structured?.errors);
  const problem = (message: string): ApiProblem => ({ status, code, message, fieldErrors });

  if (status === 0) return problem(MESSAGES.offline);
  if (status === 401) return problem(context === 'login' ? MESSAGES.wrongCredentials : MESSAGES.sessionExpired);
  if (status === 429) return problem(context === 'login' ? MESSAGES.tooManyAttempts : MESSAGES.tooManyRequests);
  if (status === 403) return problem(MESSAGES.forbidden);
  if (status === 400 || status === 422) {
    return problem(serverMessage ?? (Object.keys(fieldErrors).length > 0 ? MESSAGES.invalid : `Request rejected (HTTP ${status})`));
  }
  if (status === 404) return problem(serverMessage ?? MESSAGES.notFound);
  if (status >= 500) return problem(`The server had a problem (HTTP ${status}). Try again shortly.`);
  return problem(serverMessage ?? `Request failed (HTTP ${status})`);
}

/**
 * Same as describeApiError for whatever an HTTP client threw. Angular's HttpErrorResponse has
 * `status` and `error` (the parsed body); reading them structurally keeps this file Angular-free.
 */
export function describeHttpFailure(failure: unknown, context: ErrorContext = 'default'): ApiProblem {
  if (typeof failure === 'object' && failure !== null && typeof (failure as { status?: unknown }).status === 'number') {
    const { status, error } = failure as { status: number; error?: unknown };
    return describeApiError(status, parseMaybeJson(error), context);
  }
  return { status: 0, code: null, message: 'Unexpected error in the dashboard', fieldErrors: {} };
}

function fieldErrorsOf(errors: ErrorFieldProblem[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(errors)) return out;
  for (const e of errors) {
    if (!e || typeof e.field !== 'string' || typeof e.message !== 'string') continue;
    out[e.field] = out[e.field] ? `${out[e.field]}; ${e.message}` : e.message;
  }
  return out;
}

/** Our ErrorResponse has a string; Nest's default body may carry an array of validation messages. */
function messageOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string' && message.trim() !== '') return message;
  if (Array.isArray(message) && message.every((m) => typeof m === 'string') && message.length > 0) return message.join('; ');
  return null;
}

/** Error bodies arrive as text when the server (or a proxy in front of it) did not say application/json. */
function parseMaybeJson(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}
