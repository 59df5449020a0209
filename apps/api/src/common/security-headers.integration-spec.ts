import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../testing/test-app.js';

/** What every response must carry, whoever answers it. */
function assertSecurityHeaders(headers: Headers, what: string): void {
  assert.equal(headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.equal(headers.get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
  const csp = headers.get('content-security-policy') ?? '';
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP frame-ancestors (${csp})`);
  assert.match(csp, /default-src '(self|none)'/, `${what}: CSP default-src (${csp})`);
  assert.ok(!/script-src[^;]*'unsafe-(inline|eval)'/.test(csp), `${what}: scripts must stay strict (${csp})`);
}

describe('security headers on every response (real app)', () => {
  let app: TestApp;
  let admin: string;
  const dashboardDir = mkdtempSync(join(tmpdir(), 'mld-it-dashboard-'));

  before(async () => {
    mkdirSync(dashboardDir, { recursive: true });
    writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>dashboard</title><script src="main.js" type="module"></script>');
    writeFileSync(join(dashboardDir, 'main.js'), 'console.log("dashboard");');
    app = await startTestApp({ DASHBOARD_DIR: dashboardDir });
    admin = await app.login();
  });
  after(async () => {
    await app?.close();
    rmSync(dashboardDir, { recursive: true, force: true });
  });

  const cases: { what: string; path: string; status: number; auth?: boolean; method?: string; rawBody?: string }[] = [
    { what: 'public API', path: '/api/health', status: 200 },
    { what: 'authenticated API', path: '/api/channels', status: 200, auth: true },
    { what: 'refused API call', path: '/api/channels', status: 401 },
    { what: 'unknown API route', path: '/api/nothing-here', status: 404 },
    { what: 'malformed JSON (body parser)', path: '/api/auth/login', status: 400, method: 'POST', rawBody: '{"username":' },
    { what: 'dashboard index', path: '/', status: 200 },
    { what: 'dashboard deep link', path: '/channels/42', status: 200 },
    { what: 'dashboard file', path: '/main.js', status: 200 },
    { what: 'Swagger UI', path: '/api/docs', status: 200 },
    { what: 'Swagger UI script', path: '/api/docs/swagger-ui-init.js', status: 200 },
    { what: 'OpenAPI document', path: '/api/openapi.json', status: 200 },
    { what: 'metrics without a token', path: '/metrics', status: 401 },
  ];
  for (const c of cases) {
    it(`${c.what}: ${c.method ?? 'GET'} ${c.path}`, async () => {
      const result = await app.request(c.method ?? 'GET', c.path, { token: c.auth ? admin : undefined, rawBody: c.rawBody });
      assert.equal(result.status, c.status);
      assertSecurityHeaders(result.headers, c.what);
    });
  }

  it('the dashboard page may connect to its own origin only and play HLS through MSE', async () => {
    const csp = (await app.request('GET', '/')).headers.get('content-security-policy') ?? '';
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /media-src 'self' blob:/);
    assert.match(csp, /object-src 'none'/);
  });

  it('Socket.IO long-polling answers (outside Express) carry them too', async () => {
    const response = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`, { signal: AbortSignal.timeout(10_000) });
    await response.text();
    assert.equal(response.status, 200);
    assertSecurityHeaders(response.headers, 'socket.io polling');
  });
});
