import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { JwtService } from '@nestjs/jwt';
import { startTestApp, type TestApp } from '../testing/test-app.js';

/** Waits until just after a second boundary, so what follows likely happens within one second. */
async function startOfSecond(): Promise<void> {
  while (Date.now() % 1000 > 5) await sleep(1);
}

describe('a password change ends every other session (real PostgreSQL)', () => {
  let app: TestApp;
  let admin: string;

  before(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  after(() => app?.close());

  it('ends sessions opened in the same second as the change', async () => {
    await app.request('POST', '/api/users', { token: admin, body: { username: 'same-second', password: 'password-0', role: 'viewer' } });
    // JWT iat has a precision of one second, so a check on timestamps cannot tell a token issued in
    // the second of the change from one issued after it. Real logins land in that second only by
    // chance (argon2 takes a while on a busy machine), so this token says it was issued a few seconds
    // from now: exactly what such a check lets live. It is signed with the service's own key.
    const real = await app.login('same-second', 'password-0');
    const claims = JSON.parse(Buffer.from(real.split('.')[1]!, 'base64url').toString()) as { sub: string; role: string; sv: number };
    const sameSecond = await app.running.app.get(JwtService).signAsync({ sub: claims.sub, role: claims.role, sv: claims.sv, iat: Math.floor(Date.now() / 1000) + 5 }, { expiresIn: 600 });
    assert.equal((await app.request('GET', '/api/auth/me', { token: sameSecond })).status, 200, 'the crafted token is valid before the change');

    await startOfSecond(); // and the real thing too: both logins and the change within one second if the machine allows
    const other = await app.login('same-second', 'password-0');
    const changer = await app.login('same-second', 'password-0');
    const changed = await app.request('POST', '/api/auth/password', { token: changer, body: { current_password: 'password-0', new_password: 'password-1' } });
    assert.equal(changed.status, 204);
    for (const [name, token] of [['same second', sameSecond], ['other', other], ['changer', changer]] as const) {
      const me = await app.request<{ message: string }>('GET', '/api/auth/me', { token });
      assert.equal(me.status, 401, `the ${name} session outlived the password change`);
      assert.match(me.body.message, /password changed/);
    }
    const fresh = await app.login('same-second', 'password-1');
    assert.equal((await app.request('GET', '/api/auth/me', { token: fresh })).status, 200);
  });

  it('ends sessions when an admin resets the password', async () => {
    const created = await app.request<{ id: string }>('POST', '/api/users', { token: admin, body: { username: 'reset-me', password: 'password-a', role: 'viewer' } });
    const session = await app.login('reset-me', 'password-a');
    const reset = await app.request('PATCH', `/api/users/${created.body.id}`, { token: admin, body: { password: 'password-b' } });
    assert.equal(reset.status, 200);
    assert.equal((await app.request('GET', '/api/auth/me', { token: session })).status, 401);
    assert.equal((await app.request('GET', '/api/auth/me', { token: admin })).status, 200, "the admin's own session is untouched");
  });

  it('ends tokens issued before sessions had a version (an upgrade asks to log in once)', async () => {
    const claims = JSON.parse(Buffer.from(admin.split('.')[1]!, 'base64url').toString()) as { sub: string; role: string };
    const legacy = await app.running.app.get(JwtService).signAsync({ sub: claims.sub, role: claims.role }, { expiresIn: 600 });
    const me = await app.request<{ message: string }>('GET', '/api/auth/me', { token: legacy });
    assert.equal(me.status, 401);
    assert.match(me.body.message, /older version.*log in again/);
  });
});
