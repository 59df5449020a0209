/**
 * Which requests carry the bearer token, which failures end the session, and where a login may
 * send the operator afterwards. Framework-free so the interceptor and guards stay thin.
 */

export const LOGIN_PATH = '/api/auth/login';
export const DEFAULT_AFTER_LOGIN = '/channels';

/** Only our own API gets the token: relative `/api/...` URLs or absolute ones on the same origin. */
export function isApiUrl(url: string, origin?: string): boolean {
  const path = pathOf(url, origin);
  return path !== null && (path === '/api' || path.startsWith('/api/'));
}

export function isLoginUrl(url: string, origin?: string): boolean {
  return pathOf(url, origin) === LOGIN_PATH;
}

/** A 401 from the API means the token is gone or revoked, except on the login call itself (wrong password). */
export function endsSession(status: number, url: string, origin?: string): boolean {
  return status === 401 && isApiUrl(url, origin) && !isLoginUrl(url, origin);
}

/**
 * The in-app path to open after login. Anything that could leave the app (absolute or
 * protocol-relative URLs, backslash tricks) or loop back to the login page falls back to the default.
 */
export function safeReturnUrl(raw: string | null | undefined): string {
  if (!raw || typeof raw !== 'string') return DEFAULT_AFTER_LOGIN;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return DEFAULT_AFTER_LOGIN;
  if (/[\u0000-\u001f\u007f]/.test(raw)) return DEFAULT_AFTER_LOGIN;
  if (raw === '/login' || raw.startsWith('/login?') || raw.startsWith('/login/')) return DEFAULT_AFTER_LOGIN;
  return raw;
}

function pathOf(url: string, origin?: string): string | null {
  if (url.startsWith('/') && !url.startsWith('//')) return url.split(/[?#]/, 1)[0] ?? null;
  if (!origin) return null;
  try {
    const parsed = new URL(url);
    return parsed.origin === origin ? parsed.pathname : null;
  } catch {
    return null;
  }
}
