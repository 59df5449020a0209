import { isRole, type LoginResponse, type Role } from '@mld/contracts';

/**
 * The operator's login session, kept in sessionStorage so it survives reloads but not the tab.
 * Framework-free: the Angular SessionService wraps SessionStore with signals, the specs drive it directly.
 */
export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export interface Session {
  token: string;
  /** Epoch milliseconds after which the dashboard treats the token as expired. */
  expiresAt: number;
  user: SessionUser;
}

export type SessionStatus = 'valid' | 'expired' | 'none';

/** The subset of the Web Storage API the store needs (sessionStorage in the browser, a Map in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type Clock = () => number;

/** Used when the browser refuses sessionStorage (some private modes), and by the specs. */
export class MemoryStorage implements KeyValueStorage {
  private readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
  get size(): number {
    return this.data.size;
  }
}

export const SESSION_STORAGE_KEY = 'mld.session';

/**
 * The token is considered expired slightly before the server's deadline, so a request is not sent
 * with a token that dies in flight. Capped at a tenth of the lifetime for very short-lived tokens.
 */
export const EXPIRY_MARGIN_MS = 5_000;

/** Builds a session from the login response, or null if the response is not one we can trust. */
export function sessionFromLogin(response: LoginResponse, now: number): Session | null {
  const lifetimeMs = Number(response?.expires_in) * 1000;
  if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) return null;
  const user = toSessionUser(response.user);
  if (typeof response.access_token !== 'string' || response.access_token === '' || !user) return null;
  const margin = Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 10);
  return { token: response.access_token, expiresAt: now + lifetimeMs - margin, user };
}

/** Reads a stored session back; anything malformed (edited by hand, older format) yields null. */
export function parseSession(raw: string | null): Session | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const { token, expiresAt } = value;
  const user = toSessionUser(value['user']);
  if (typeof token !== 'string' || token === '' || typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || !user) {
    return null;
  }
  return { token, expiresAt, user };
}

/** Same token, deadline and identity: lets the signal skip notifying when storage is re-read unchanged. */
export function sameSession(a: Session | null, b: Session | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.token === b.token &&
    a.expiresAt === b.expiresAt &&
    a.user.id === b.user.id &&
    a.user.username === b.user.username &&
    a.user.role === b.user.role
  );
}

export function isExpired(session: Session, now: number): boolean {
  return now >= session.expiresAt;
}

export class SessionStore {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly clock: Clock,
    private readonly key: string = SESSION_STORAGE_KEY,
  ) {}

  /** The stored session and whether it is still usable. Expired or corrupt entries are removed. */
  read(): { status: SessionStatus; session: Session | null } {
    const raw = this.safeGet();
    const session = parseSession(raw);
    if (!session) {
      if (raw !== null) this.clear();
      return { status: 'none', session: null };
    }
    if (isExpired(session, this.clock())) {
      this.clear();
      return { status: 'expired', session: null };
    }
    return { status: 'valid', session };
  }

  /** Stores the session from a login response; null (and nothing stored) if the response is unusable. */
  save(response: LoginResponse): Session | null {
    const session = sessionFromLogin(response, this.clock());
    if (!session) return null;
    try {
      this.storage.setItem(this.key, JSON.stringify(session));
    } catch {
      // Storage can be full or disabled (private mode): the session then lives only in memory until reload.
    }
    return session;
  }

  /** Keeps the stored session but with the role the server now reports (a live role change). */
  updateRole(role: Role): Session | null {
    const { session } = this.read();
    if (!session) return null;
    const updated = { ...session, user: { ...session.user, role } };
    try {
      this.storage.setItem(this.key, JSON.stringify(updated));
    } catch {
      // As in save(): memory only.
    }
    return updated;
  }

  clear(): void {
    try {
      this.storage.removeItem(this.key);
    } catch {
      // Nothing stored we could remove.
    }
  }

  private safeGet(): string | null {
    try {
      return this.storage.getItem(this.key);
    } catch {
      return null;
    }
  }
}

function toSessionUser(value: unknown): SessionUser | null {
  if (!isObject(value)) return null;
  const { id, username, role } = value;
  if (typeof id !== 'string' || typeof username !== 'string' || !isRole(role)) return null;
  return { id, username, role };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
