import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditEntryFor, IN_PROGRESS, LOGIN_ACTION, loginActor } from './audit-entry.js';

describe('auditEntryFor', () => {
  it('gives an anonymous caller no say over the actor and keeps none of its body', () => {
    const entry = auditEntryFor({ method: 'POST', path: '/api/channels?x=1', body: { username: 'admin', name: 'x' }, action: 'refused' }, 401);
    assert.equal(entry.actorType, 'anonymous');
    assert.equal(entry.actorName, 'anonymous');
    assert.equal(entry.details, null);
    assert.equal(entry.attemptedUsername, null);
    assert.equal(entry.path, '/api/channels');
  });

  it('keeps a login attempt username apart, escaped and bounded', () => {
    const entry = auditEntryFor({ method: 'POST', path: '/api/auth/login', body: { username: `ad\u001bmin${'x'.repeat(100)}`, password: 'secret' }, action: LOGIN_ACTION }, IN_PROGRESS);
    assert.equal(entry.actorName, 'anonymous');
    assert.ok(entry.attemptedUsername?.startsWith('ad\\x1bmin'));
    assert.equal(Array.from(entry.attemptedUsername ?? '').length, 64);
    assert.ok(!JSON.stringify(entry).includes('secret'));
  });

  it('names an authenticated principal, bounded to the column, and keeps its redacted body', () => {
    const entry = auditEntryFor({ method: 'PATCH', path: '/api/users/1', body: { password: 'hunter22hunter', role: 'admin' }, principal: { type: 'token', id: 'id', name: `token:${'n'.repeat(100)}` }, action: 'UsersController.update' }, 200);
    assert.equal(entry.actorType, 'token');
    assert.equal(entry.actorName.length, 100);
    assert.deepEqual(entry.details, { password: '****', role: 'admin' });
    assert.equal(entry.detailsTruncated, false);
  });
});

describe('loginActor', () => {
  it('is the user a successful login answered with, and nothing for other actions', () => {
    assert.deepEqual(loginActor(LOGIN_ACTION, { access_token: 't', user: { id: 'u1', username: 'alice' } }), { type: 'user', id: 'u1', name: 'alice' });
    assert.equal(loginActor('ChannelsController.create', { user: { id: 'u1', username: 'alice' } }), undefined);
    assert.equal(loginActor(LOGIN_ACTION, undefined), undefined);
  });
});
