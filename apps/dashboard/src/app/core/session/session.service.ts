import { computed, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { hasPermission, type LoginResponse, type Permission, type Role } from '@mld/contracts';
import { type KeyValueStorage, MemoryStorage, sameSession, type Session, type SessionStatus, SessionStore } from './session';

/** Where the session is kept; sessionStorage in the browser, replaceable in tests. */
export const SESSION_STORAGE = new InjectionToken<KeyValueStorage>('SESSION_STORAGE', {
  providedIn: 'root',
  factory: () => {
    try {
      return window.sessionStorage;
    } catch {
      return new MemoryStorage();
    }
  },
});

export const CLOCK = new InjectionToken<() => number>('CLOCK', { providedIn: 'root', factory: () => Date.now });

/** Signals over SessionStore: components read `user()`/`can()`, guards call `check()`. */
@Injectable({ providedIn: 'root' })
export class SessionService {
  private readonly store = new SessionStore(inject(SESSION_STORAGE), inject(CLOCK));
  private readonly current = signal<Session | null>(this.store.read().session, { equal: sameSession });

  readonly session = this.current.asReadonly();
  readonly user = computed(() => this.current()?.user ?? null);
  readonly role = computed(() => this.current()?.user.role ?? null);
  /** Why the server ended the last session (shown once by the login page); null after a normal logout. */
  readonly endedReason = signal<string | null>(null);

  /** Re-reads storage and the clock: `expired` once, then `none` (the entry is removed). */
  check(): SessionStatus {
    const { status, session } = this.store.read();
    this.current.set(session);
    return status;
  }

  /** The token for a request right now, or null if there is none or it has expired. */
  token(): string | null {
    return this.check() === 'valid' ? (this.current()?.token ?? null) : null;
  }

  start(response: LoginResponse): Session | null {
    const session = this.store.save(response);
    this.current.set(session);
    this.endedReason.set(null);
    return session;
  }

  end(reason: string | null = null): void {
    this.store.clear();
    this.current.set(null);
    this.endedReason.set(reason);
  }

  /** The server changed our role while we were signed in: hide what it no longer allows at once. */
  followRole(role: Role): void {
    this.current.set(this.store.updateRole(role));
  }

  /** For hiding controls only; the API enforces permissions on every request. */
  can(permission: Permission): boolean {
    return hasPermission(this.role(), permission);
  }
}
