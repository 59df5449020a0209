import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_AFTER_LOGIN, endsSession, isApiUrl, safeReturnUrl } from './auth-policy.js';

const ORIGIN = 'https://dash.example.test';

describe('isApiUrl', () => {
  it('accepts relative and same-origin API URLs only', () => {
    assert.equal(isApiUrl('/api/channels'), true);
    assert.equal(isApiUrl('/api/channels?x=1'), true);
    assert.equal(isApiUrl(`${ORIGIN}/api/channels`, ORIGIN), true);
    assert.equal(isApiUrl('/apiary'), false);
    assert.equal(isApiUrl('/assets/logo.svg'), false);
    assert.equal(isApiUrl('//evil.test/api/channels', ORIGIN), false);
    assert.equal(isApiUrl('https://evil.test/api/channels', ORIGIN), false);
    assert.equal(isApiUrl('https://evil.test/api/channels'), false);
  });
});

describe('endsSession', () => {
  it('ends the session on 401 from API calls but not from the login call', () => {
    assert.equal(endsSession(401, '/api/channels'), true);
    assert.equal(endsSession(401, '/api/auth/login'), false);
    assert.equal(endsSession(403, '/api/channels'), false);
    assert.equal(endsSession(401, 'https://elsewhere.test/api/x', ORIGIN), false);
  });
});

describe('safeReturnUrl', () => {
  it('keeps in-app paths', () => {
    assert.equal(safeReturnUrl('/channels/abc?tab=outputs'), '/channels/abc?tab=outputs');
  });

  it('falls back for anything that could leave the app or loop to login', () => {
    for (const bad of [null, undefined, '', 'channels', 'https://evil.test', '//evil.test', '/\\evil.test', '/login', '/login?expired=1', '/x\n']) {
      assert.equal(safeReturnUrl(bad), DEFAULT_AFTER_LOGIN, String(bad));
    }
  });
});
