import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LoginResponse } from '@mld/contracts';
import { MemoryStorage, parseSession, sameSession, sessionFromLogin, SessionStore, SESSION_STORAGE_KEY, type KeyValueStorage } from './session.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function login(overrides: Partial<LoginResponse> = {}): LoginResponse {
  return {
    access_token: 'tok-123',
    token_type: 'Bearer',
    expires_in: 3600,
    user: { id: 'u1', username: 'alice', role: 'operator', created_at: '', updated_at: '' },
    ...overrides,
  };
}

function fixture() {
  let now = T0;
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, () => now);
  return { storage, store, advance: (ms: number) => (now += ms) };
}

describe('sessionFromLogin', () => {
  it('keeps only what the dashboard needs and expires a little before the server does', () => {
    const s = sessionFromLogin(login(), T0);
    assert.deepEqual(s, { token: 'tok-123', expiresAt: T0 + 3600_000 - 5_000, user: { id: 'u1', username: 'alice', role: 'operator' } });
  });

  it('caps the safety margin at a tenth of very short lifetimes', () => {
    assert.equal(sessionFromLogin(login({ expires_in: 10 }), T0)?.expiresAt, T0 + 9_000);
  });

  it('refuses responses without a usable token, lifetime or role', () => {
    assert.equal(sessionFromLogin(login({ access_token: '' }), T0), null);
    assert.equal(sessionFromLogin(login({ expires_in: 0 }), T0), null);
    assert.equal(sessionFromLogin(login({ expires_in: Number.NaN }), T0), null);
    const badRole = login();
    (badRole.user as { role: string }).role = 'root';
    assert.equal(sessionFromLogin(badRole, T0), null);
  });
});

describe('parseSession', () => {
  it('round-trips what the store writes', () => {
    const s = sessionFromLogin(login(), T0)!;
    assert.deepEqual(parseSession(JSON.stringify(s)), s);
  });

  it('returns null for missing, corrupt or hand-edited values', () => {
    assert.equal(parseSession(null), null);
    assert.equal(parseSession('{not json'), null);
    assert.equal(parseSession('[]'), null);
    assert.equal(parseSession(JSON.stringify({ token: 't', expiresAt: '1', user: { id: 'u', username: 'a', role: 'admin' } })), null);
    assert.equal(parseSession(JSON.stringify({ token: 't', expiresAt: 1, user: { id: 'u', username: 'a', role: 'superuser' } })), null);
  });
});

describe('sameSession', () => {
  it('compares by value so re-reading storage does not look like a change', () => {
    const a = sessionFromLogin(login(), T0)!;
    assert.equal(sameSession(a, parseSession(JSON.stringify(a))), true);
    assert.equal(sameSession(a, { ...a, token: 'other' }), false);
    assert.equal(sameSession(a, { ...a, user: { ...a.user, role: 'admin' } }), false);
    assert.equal(sameSession(null, null), true);
    assert.equal(sameSession(a, null), false);
  });
});

describe('SessionStore', () => {
  it('reports none before login and valid after', () => {
    const { store, storage } = fixture();
    assert.deepEqual(store.read(), { status: 'none', session: null });
    const saved = store.save(login());
    assert.ok(saved);
    assert.notEqual(storage.getItem(SESSION_STORAGE_KEY), null);
    assert.deepEqual(store.read(), { status: 'valid', session: saved });
  });

  it('reports expired once the lifetime has passed, and removes the entry', () => {
    const { store, storage, advance } = fixture();
    store.save(login({ expires_in: 60 }));
    advance(54_999);
    assert.equal(store.read().status, 'valid');
    advance(1);
    assert.equal(store.read().status, 'expired');
    assert.equal(storage.getItem(SESSION_STORAGE_KEY), null);
    assert.equal(store.read().status, 'none');
  });

  it('drops corrupt entries and stores nothing for unusable responses', () => {
    const { store, storage } = fixture();
    storage.setItem(SESSION_STORAGE_KEY, 'garbage');
    assert.equal(store.read().status, 'none');
    assert.equal(storage.size, 0);
    assert.equal(store.save(login({ expires_in: -1 })), null);
    assert.equal(storage.size, 0);
  });

  it('clear() logs out', () => {
    const { store } = fixture();
    store.save(login());
    store.clear();
    assert.equal(store.read().status, 'none');
  });

  it('survives a storage that throws (disabled or full)', () => {
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const store = new SessionStore(broken, () => T0);
    assert.equal(store.read().status, 'none');
    assert.ok(store.save(login()));
    assert.doesNotThrow(() => store.clear());
  });
});

describe('SessionStore.updateRole', () => {
  it('keeps token and deadline and stores the role the server now reports', () => {
    const { storage, store } = fixture();
    const saved = store.save(login())!;
    const updated = store.updateRole('viewer');
    assert.deepEqual(updated, { ...saved, user: { ...saved.user, role: 'viewer' } });
    assert.equal(parseSession(storage.getItem(SESSION_STORAGE_KEY))?.user.role, 'viewer', 'a reload keeps the new role');
  });

  it('does nothing without a session', () => {
    const { store } = fixture();
    assert.equal(store.updateRole('admin'), null);
  });
});
