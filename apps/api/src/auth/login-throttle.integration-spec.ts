import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ADMIN, startTestApp, type TestApp } from '../testing/test-app.js';

interface Reply {
  status: number;
  retryAfter: string | undefined;
  body: { code?: string; message?: string };
}

describe('login throttling never locks a user out (real app)', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
  });
  after(() => app?.close());

  /** POST /api/auth/login from a chosen loopback address (127.0.0.0/8 are all this host). */
  function loginFrom(localAddress: string, username: string, password: string): Promise<Reply> {
    const url = new URL('/api/auth/login', app.url);
    const payload = JSON.stringify({ username, password });
    return new Promise((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }, timeout: 30_000 },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: JSON.parse(text || '{}') as Reply['body'] }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  it('throttles the guessing address with Retry-After, and still lets the real admin in from another address', async () => {
    for (let i = 0; i < 3; i += 1) assert.equal((await loginFrom('127.0.0.2', ADMIN.username, `guess-${i}`)).status, 401);
    const refused = await loginFrom('127.0.0.2', ADMIN.username, ADMIN.password);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'RATE_LIMITED');
    assert.match(refused.retryAfter ?? '', /^\d+$/, 'Retry-After is a number of seconds');
    const seconds = Number(refused.retryAfter);
    assert.ok(seconds >= 1 && seconds <= 60, `Retry-After: ${seconds}`);
    assert.match(refused.body.message ?? '', new RegExp(`${seconds} s`));

    const real = await loginFrom('127.0.0.3', ADMIN.username, ADMIN.password);
    assert.equal(real.status, 200, `the correct password from a new address was refused: ${JSON.stringify(real.body)}`);
  });

  it('does not let wrong passwords for one user block another user on the same address', async () => {
    for (let i = 0; i < 3; i += 1) await loginFrom('127.0.0.4', 'nobody-here', `guess-${i}`);
    assert.equal((await loginFrom('127.0.0.4', 'nobody-here', 'guess-x')).status, 429);
    assert.equal((await loginFrom('127.0.0.4', ADMIN.username, ADMIN.password)).status, 200);
  });
});
