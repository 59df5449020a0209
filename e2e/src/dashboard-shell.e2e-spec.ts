import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, SCREENSHOTS } from './support/browser.js';
import { api, killLeftovers, login, processesMentioning, startService, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'e2e-admin-password';

describe('dashboard shell in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-ui-'));
  let service: ServiceProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let cspViolations: () => string[] = () => [];

  before(async () => {
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD });
    const token = await login(service.url, 'admin', ADMIN_PASSWORD);
    const channel = await api<{ id: string }>(service.url, 'POST', '/api/channels', token, { name: 'Studio A', rtp_ip: '0.0.0.0', rtp_port: 5000 });
    await api(service.url, 'POST', `/api/channels/${channel.body.id}/outputs`, token, { protocol: 'rtmp', url: 'rtmp://a.rtmp.youtube.com/live2/yt-secret-key' });
    await api(service.url, 'POST', '/api/users', token, { username: 'watcher', password: 'watcher-password', role: 'viewer' });
    ({ browser, close: closeBrowser, cspViolations } = await launchBrowser());
  });

  after(async () => {
    await closeBrowser?.();
    await service?.stop('SIGTERM').catch(() => undefined);
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a visitor to the login page, logs the admin in and lists channels', async () => {
    const page = await browser.newPage();
    await page.goto(`${service.url}/channels`);
    await page.waitForURL(/\/login/, { timeout: 15_000 });
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('login-error').innerText(), /wrong username or password/i);

    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('channel-row').first().waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('channels-table').innerText(), /Studio A/);
    assert.match(await page.getByTestId('user-badge').innerText(), /admin/);
    assert.equal(await page.getByTestId('new-channel').count(), 1, 'admin should see "New channel"');
    await page.screenshot({ path: join(SCREENSHOTS, 'channels-admin.png'), fullPage: true });

    await page.getByTestId('channel-link').first().click();
    await page.getByTestId('channel-detail').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('output-url').first().innerText(), /live2\/\*\*\*\*$/, 'keys are masked until shown');
    await page.getByTestId('output-secret-toggle').first().click();
    // Admin may reveal the key (the DOM follows on the next frame).
    await page.waitForFunction(() => document.querySelector('[data-testid="output-url"]')?.textContent?.includes('yt-secret-key'), undefined, { timeout: 5_000 });
    await page.close();
  });

  it('shows a viewer no mutating controls and masks stream keys', async () => {
    const page = await browser.newPage();
    await page.goto(`${service.url}/login`);
    await page.getByTestId('login-username').fill('watcher');
    await page.getByTestId('login-password').fill('watcher-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('channel-row').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('new-channel').count(), 0, 'viewer sees "New channel"');
    await page.getByTestId('channel-link').first().click();
    await page.getByTestId('channel-detail').waitFor({ timeout: 10_000 });
    const url = await page.getByTestId('output-url').first().innerText();
    assert.ok(!url.includes('yt-secret-key'), `viewer sees the key: ${url}`);
    assert.match(url, /live2\/\*\*\*\*/);
    assert.ok(!(await page.content()).includes('yt-secret-key'), 'key present in the page');
    await page.screenshot({ path: join(SCREENSHOTS, 'channel-detail-viewer.png'), fullPage: true });
    // The System page lists this process as a node, up, heart-beating (GET /api/nodes is viewer-readable).
    await page.goto(`${service.url}/system`);
    const node = page.getByTestId('node-row').first();
    await node.waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('node-row').count(), 1);
    assert.equal(await node.getAttribute('data-state'), 'up');
    assert.match(await node.innerText(), /this node/i);
    assert.match(await node.innerText(), /\d+\.\d s ago/);
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/, { timeout: 10_000 });
    await page.close();
  });

  it('returns to the login page with a message when the session is no longer valid', async () => {
    const page = await browser.newPage();
    await page.goto(`${service.url}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('channel-row').first().waitFor({ timeout: 15_000 });
    // Corrupt the stored token, as an expired or revoked one would behave server-side.
    await page.evaluate(() => {
      const key = 'mld.session';
      const session = JSON.parse(sessionStorage.getItem(key) ?? '{}');
      session.token = 'expired.token.value';
      sessionStorage.setItem(key, JSON.stringify(session));
    });
    await page.reload();
    await page.waitForURL(/\/login\?expired=1/, { timeout: 15_000 });
    await page.getByTestId('login-expired').waitFor({ timeout: 10_000 });
    await page.close();
  });

  it('signs out an open dashboard within seconds when its session is ended elsewhere, saying why', async () => {
    const admin = await login(service.url, 'admin', ADMIN_PASSWORD);
    const user = await api<{ id: string }>(service.url, 'POST', '/api/users', admin, { username: 'ended', password: 'ended-password', role: 'operator' });
    const page = await browser.newPage();
    await page.goto(`${service.url}/login`);
    await page.getByTestId('login-username').fill('ended');
    await page.getByTestId('login-password').fill('ended-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('channel-row').first().waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="live-indicator"]')?.getAttribute('data-connection') === 'connected', undefined, { timeout: 15_000 });
    // An admin resets the password: every session of that user ends, the open tab included.
    const started = Date.now();
    assert.equal((await api(service.url, 'PATCH', `/api/users/${user.body.id}`, admin, { password: 'reset-by-admin' })).status, 200);
    await page.waitForURL(/\/login\?expired=1/, { timeout: 5_000 });
    await page.getByTestId('login-ended-reason').waitFor({ timeout: 5_000 });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5_000, `signed out after ${elapsed} ms`);
    assert.match(await page.getByTestId('login-expired').innerText(), /your session ended: sign in again/i);
    assert.match(await page.getByTestId('login-ended-reason').innerText(), /password changed/);
    await page.screenshot({ path: join(SCREENSHOTS, 'login-session-ended.png'), fullPage: true });
    await page.close();
  });

  it('serves a working Swagger UI at /api/docs under its Content-Security-Policy', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${service.url}/api/docs`);
    assert.match(response?.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 15_000 });
    assert.match(await page.locator('.swagger-ui .info .title').innerText(), /MediaLive Distributor/);
    await page.locator('.opblock').first().waitFor({ timeout: 10_000 });
    await page.close();
  });

  // Last: every page above ran under the service's Content-Security-Policy.
  it('reported no Content-Security-Policy violation on any page', () => {
    assert.deepEqual(cspViolations(), []);
  });
});
