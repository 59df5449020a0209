import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../testing/test-app.js';

const iatOf = (jwt: string): number => (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { iat: number }).iat;

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
    let sameSecond = 0;
    // JWT iat has a precision of one second: a check on timestamps lets these sessions live on.
    for (let round = 0; round < 4; round += 1) {
      await startOfSecond();
      const other = await app.login('same-second', `password-${round}`);
      const changer = await app.login('same-second', `password-${round}`);
      const changed = await app.request('POST', '/api/auth/password', { token: changer, body: { current_password: `password-${round}`, new_password: `password-${round + 1}` } });
      assert.equal(changed.status, 204);
      if (Math.floor(Date.now() / 1000) === iatOf(other)) sameSecond += 1;
      const me = await app.request<{ message: string }>('GET', '/api/auth/me', { token: other });
      assert.equal(me.status, 401, `round ${round}: a session from before the change still works`);
      assert.match(me.body.message, /password changed/);
      assert.equal((await app.request('GET', '/api/auth/me', { token: changer })).status, 401);
    }
    assert.ok(sameSecond > 0, 'no round had the login and the change in one second; the test proved nothing');
    const fresh = await app.login('same-second', 'password-4');
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
});
