// The full dashboard against the real service in Debian's Chromium: forms with the API's field
// errors, presets, live state over Socket.IO with a real SRT peer and RTP feed, roles, events,
// users/tokens and the reconnect banner. Only loopback destinations are ever started: the channel
// holding the YouTube output (an internet URL) is never started.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { launchBrowser, SCREENSHOTS } from './support/browser.js';
import { freeUdpPort, makeTestFeed, type SrtReceiver, startSrtReceiver, startTsSender, stopAllTracked, type TsSender } from './support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'e2e-admin-password';
const YT_KEY = 'yt-e2e-secret-key-0042';
const VIEWPORT = { width: 1440, height: 900 };

describe('dashboard: channels, outputs, live state and roles in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-dash-'));
  let service: ServiceProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let cspViolations: () => string[] = () => [];
  let token: string;
  let receiver: SrtReceiver;
  let sender: TsSender | undefined;
  let inPort: number;
  let loopbackChannelId = '';
  let internetChannelId = '';

  async function newPage(): Promise<Page> {
    return browser.newPage({ viewport: VIEWPORT });
  }

  async function logIn(page: Page, username: string, password: string): Promise<void> {
    await page.goto(`${service.url}/login`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/channels/, { timeout: 15_000 });
  }

  async function waitForAttribute(page: Page, selector: string, name: string, value: RegExp, timeoutMs = 30_000): Promise<void> {
    await page.waitForFunction(
      ([sel, attr, source]) => {
        const el = document.querySelector(sel as string);
        return !!el && new RegExp(source as string).test(el.getAttribute(attr as string) ?? '');
      },
      [selector, name, value.source],
      { timeout: timeoutMs },
    );
  }

  /** The DOM follows signals on the next frame: poll a locator's text instead of reading it once. */
  async function textOf(page: Page, testIdScope: ReturnType<Page['locator']>, expected: RegExp | string, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await testIdScope.innerText();
      if (typeof expected === 'string' ? text === expected : expected.test(text)) return text;
      if (Date.now() > deadline) throw new assert.AssertionError({ message: `text did not become ${String(expected)}`, actual: text, expected });
      await page.waitForTimeout(100);
    }
  }

  /** Socket.IO connects by long-polling, then upgrades: wait for the WebSocket before cutting it. */
  async function upgraded(routes: readonly WebSocketRoute[], timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (routes.length === 0) {
      if (Date.now() > deadline) throw new Error('the live connection never upgraded to a WebSocket');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  before(async () => {
    // Every test logs in through the form: more than the default 10 logins a minute for one user.
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, LOGIN_RATE_LIMIT_PER_MINUTE: '100' });
    token = await login(service.url, 'admin', ADMIN_PASSWORD);
    for (const [username, role] of [
      ['watcher', 'viewer'],
      ['oper', 'operator'],
    ]) {
      const r = await api(service.url, 'POST', '/api/users', token, { username, password: `${username}-password`, role });
      assert.equal(r.status, 201);
    }
    receiver = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort() });
    inPort = await freeUdpPort();
    // The channel with the internet destination: created by API, given its output through the UI, never started.
    const internet = await api<{ id: string }>(service.url, 'POST', '/api/channels', token, { name: 'Internet (never started)', bind_ip: '127.0.0.1', port: await freeUdpPort() });
    assert.equal(internet.status, 201);
    internetChannelId = internet.body.id;
    ({ browser, close: closeBrowser, cspViolations } = await launchBrowser());
  });

  after(async () => {
    sender?.stop();
    await closeBrowser?.();
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a channel through the form, showing the API’s error next to the port field first', async () => {
    const page = await newPage();
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByTestId('new-channel').click();
    await page.getByTestId('channel-form').waitFor();
    // The dialog focuses its first field once it has opened: typing before that could land there.
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'channel-form-name', undefined, { timeout: 5_000 });
    await page.getByTestId('channel-form-name').fill('Studio loopback');
    await page.getByTestId('channel-form-bind-ip').fill('127.0.0.1');
    await page.getByTestId('channel-form-port').fill('70000');
    await page.getByTestId('channel-form-submit').click();
    const portError = page.getByTestId('field-error-port');
    await portError.waitFor({ timeout: 10_000 });
    assert.match(await portError.innerText(), /port must be an integer from 1 to 65535/);
    // The message sits inside the port's form field, not in a banner.
    assert.equal(await page.locator('mat-form-field', { has: page.getByTestId('channel-form-port') }).getByTestId('field-error-port').count(), 1);
    await page.waitForTimeout(500); // the message fades in
    await page.screenshot({ path: join(SCREENSHOTS, 'channel-form-error.png') });

    await page.getByTestId('channel-form-port').fill(String(inPort));
    await portError.waitFor({ state: 'detached', timeout: 5_000 }); // typing clears the server's complaint
    await page.getByTestId('channel-form-submit').click();
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    await page.getByTestId('channel-detail').waitFor();
    loopbackChannelId = (await page.getByTestId('channel-detail').getAttribute('data-channel-id')) ?? '';
    assert.match(loopbackChannelId, /^[0-9a-f-]{36}$/);
    assert.equal(await page.getByTestId('channel-name').innerText(), 'Studio loopback');
    await page.close();
  });

  it('adds an SRT output (custom SRT preset, caller to a local listener) and a YouTube output asking only for the key', async () => {
    const page = await newPage();
    await logIn(page, 'admin', ADMIN_PASSWORD);

    await page.goto(`${service.url}/channels/${loopbackChannelId}`);
    await page.getByTestId('add-output').click();
    await page.getByTestId('output-form').waitFor();
    await page.getByTestId('output-preset').click();
    await page.getByRole('option', { name: 'Custom SRT', exact: true }).click();
    assert.equal(await page.getByTestId('scte35-rtmp-note').count(), 0, 'SRT carries SCTE-35: no RTMP note');
    await page.getByTestId('output-form-name').fill('Loopback SRT');
    await page.getByTestId('output-form-host').fill('127.0.0.1');
    await page.getByTestId('output-form-port').fill(String(receiver.port));
    await page.getByTestId('output-form-latency').fill('120');
    await page.getByTestId('output-form-passphrase').fill('short');
    await page.getByTestId('output-form-submit').click();
    // The API refuses the passphrase; the message lands under the passphrase field.
    await page.getByTestId('field-error-passphrase').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('field-error-passphrase').innerText(), /10 to 79 characters/);
    await page.getByTestId('output-form-passphrase').fill('');
    await page.getByTestId('output-form-submit').click();
    const srtRow = page.locator('[data-testid="output-row"][data-output-name="Loopback SRT"]');
    await srtRow.waitFor({ timeout: 10_000 });
    assert.match(await srtRow.getByTestId('output-url').innerText(), new RegExp(`srt://127\\.0\\.0\\.1:${receiver.port}`));
    assert.equal(await srtRow.getAttribute('data-state'), 'waiting', 'channel not started yet');

    await page.goto(`${service.url}/channels/${internetChannelId}`);
    await page.getByTestId('add-output').click();
    await page.getByTestId('output-form').waitFor();
    await page.getByTestId('output-preset').click();
    await page.getByRole('option', { name: 'YouTube (RTMP)', exact: true }).click();
    await page.getByTestId('scte35-rtmp-note').waitFor();
    // YouTube reads its own cue points: the preset turns them on (ADR 0015).
    assert.match(await page.getByTestId('output-form-ad-markers').innerText(), /YouTube cue points/);
    assert.match(await page.getByTestId('scte35-rtmp-note').innerText(), /YouTube cue point/);
    assert.equal(await page.getByTestId('output-form-server').count(), 0, 'YouTube needs no server URL');
    assert.equal(await page.getByTestId('output-form-host').count(), 0);
    assert.equal(await page.getByTestId('output-form-key').getAttribute('type'), 'password', 'the key is hidden while typed');
    await page.locator('.mat-mdc-select-panel').waitFor({ state: 'detached' });
    await page.getByTestId('output-form-key').fill(YT_KEY);
    await textOf(page, page.getByTestId('output-url-preview'), 'rtmp://a.rtmp.youtube.com/live2/****');
    await page.screenshot({ path: join(SCREENSHOTS, 'output-form.png') });
    await page.getByTestId('output-form-submit').click();
    const ytRow = page.locator('[data-testid="output-row"][data-output-name="YouTube"]');
    await ytRow.waitFor({ timeout: 10_000 });
    const masked = await ytRow.getByTestId('output-url').innerText();
    assert.equal(masked, 'rtmp://a.rtmp.youtube.com/live2/****', 'masked after saving');
    await ytRow.getByTestId('output-secret-toggle').click();
    await textOf(page, ytRow.getByTestId('output-url'), `rtmp://a.rtmp.youtube.com/live2/${YT_KEY}`); // admin may reveal it
    assert.equal(await page.getByTestId('channel-desired-state').innerText(), 'stopped');
    await page.close();
  });

  it('starts the loopback channel and follows input and output state live', async () => {
    const page = await newPage();
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`${service.url}/channels/${loopbackChannelId}`);
    await page.getByTestId('channel-detail').waitFor();
    await page.getByTestId('live-indicator').waitFor();
    await waitForAttribute(page, '[data-testid="live-indicator"]', 'data-connection', /^connected$/, 15_000);

    await page.getByTestId('channel-start').click();
    await page.getByTestId('channel-stop').waitFor({ timeout: 10_000 });
    // No reload from here on: what changes arrives over the socket.
    await waitForAttribute(page, '[data-testid="output-row"]', 'data-state', /^running$/, 30_000);
    await receiver.waitConnected(10_000);

    const feed = await makeTestFeed({ seconds: 4, bitrate: 2_000_000, cueIntervalSeconds: 2, width: 320, height: 180 });
    sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp', loop: true, durationMs: 120_000 });
    await waitForAttribute(page, '[data-testid="input-state"]', 'data-state', /^receiving$/, 20_000);
    await waitForAttribute(page, '[data-testid="channel-detail"] [data-testid="health-badge"]', 'data-level', /^green$/, 20_000);
    assert.match(await page.locator('[data-testid="channel-detail"] [data-testid="health-reason"]').first().innerText(), /^receiving [\d.]+ (M|k)bit\/s, 1\/1 output running$/);
    await receiver.waitForBytes(100_000, 20_000);
    await page.waitForTimeout(6_000); // a few seconds of chart
    assert.match(await page.getByTestId('output-bitrate').first().innerText(), /[\d.]+ (M|k)bit\/s/);
    await page.screenshot({ path: join(SCREENSHOTS, 'channel-detail.png'), fullPage: true });

    // The output's process is killed: the page shows it failing, then recovering, by itself.
    const running = await api<{ outputs: Array<{ runtime: { pid: number | null } | null }> }>(service.url, 'GET', `/api/channels/${loopbackChannelId}`, token);
    const pid = running.body.outputs[0]!.runtime!.pid!;
    process.kill(pid, 'SIGKILL');
    await waitForAttribute(page, '[data-testid="output-row"]', 'data-state', /^(backoff|starting)$/, 15_000);
    await waitForAttribute(page, '[data-testid="output-row"]', 'data-state', /^running$/, 30_000);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="output-row"] [data-testid="output-restarts"]')?.textContent?.trim() ?? '0') >= 1, undefined, { timeout: 10_000 });

    await page.getByTestId('nav-channels').click();
    const row = page.locator(`[data-testid="channel-row"][data-channel-id="${loopbackChannelId}"]`);
    await row.waitFor();
    await waitForAttribute(page, `[data-testid="channel-row"][data-channel-id="${loopbackChannelId}"]`, 'data-health', /^green$/, 15_000);
    assert.match(await row.getByTestId('health-reason').innerText(), /receiving .* 1\/1 output running/);
    assert.match(await row.getByTestId('channel-outputs-summary').innerText(), /1 running/);
    assert.equal(await row.getByTestId('bitrate-sparkline').count(), 1);
    const other = page.locator(`[data-testid="channel-row"][data-channel-id="${internetChannelId}"]`);
    assert.equal(await other.getAttribute('data-health'), 'idle');
    assert.equal(await other.getByTestId('channel-start').count(), 1);
    await page.waitForTimeout(3_000);
    await page.screenshot({ path: join(SCREENSHOTS, 'channels-overview.png') });

    // The feed stops: the input loses signal and the health turns red, live.
    sender.stop();
    sender = undefined;
    await waitForAttribute(page, `[data-testid="channel-row"][data-channel-id="${loopbackChannelId}"]`, 'data-health', /^red$/, 20_000);
    assert.match(await row.getByTestId('health-reason').innerText(), /no input signal/);

    await row.getByTestId('channel-stop').click();
    await row.getByTestId('channel-start').waitFor({ timeout: 10_000 });
    await waitForAttribute(page, `[data-testid="channel-row"][data-channel-id="${loopbackChannelId}"]`, 'data-health', /^idle$/, 15_000);
    await page.close();
  });

  it('lists, filters and pages the event log', async () => {
    const page = await newPage();
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByTestId('nav-events').click();
    await page.getByTestId('event-row').first().waitFor({ timeout: 10_000 });
    // channel.stopped is recorded once the outputs have stopped (an SRT child may take its 3 s stop grace):
    // it arrives live on top of the list.
    const wanted = ['channel.started', 'channel.stopped', 'output.running', 'config.changed'];
    await page
      .waitForFunction((types) => {
        const seen = Array.from(document.querySelectorAll('[data-testid="event-row"]')).map((r) => r.getAttribute('data-type'));
        return types.every((t) => seen.includes(t));
      }, wanted, { timeout: 10_000 })
      .catch(() => undefined);
    const types = await page.getByTestId('event-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    for (const t of wanted) assert.ok(types.includes(t), `${t} in ${types.join(',')}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'events.png') });

    await page.getByTestId('events-filter-type').click();
    await page.getByRole('option', { name: 'output.running', exact: true }).click();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('[data-testid="event-row"]'));
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-type') === 'output.running');
    }, undefined, { timeout: 10_000 });

    await page.getByTestId('events-filter-clear').click();
    await page.getByTestId('events-filter-channel').selectOption(internetChannelId);
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('[data-testid="event-row"]'));
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-type') === 'config.changed');
    }, undefined, { timeout: 10_000 });
    await page.close();
  });

  it('shows a viewer no mutating controls and only masked keys', async () => {
    const page = await newPage();
    await logIn(page, 'watcher', 'watcher-password');
    await page.getByTestId('channel-row').first().waitFor({ timeout: 15_000 });
    for (const id of ['new-channel', 'channel-start', 'channel-stop', 'nav-users', 'nav-tokens']) {
      assert.equal(await page.getByTestId(id).count(), 0, `viewer sees ${id}`);
    }
    await page.goto(`${service.url}/channels/${internetChannelId}`);
    await page.getByTestId('output-row').first().waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('output-url').first().innerText(), 'rtmp://a.rtmp.youtube.com/live2/****');
    for (const id of ['channel-start', 'channel-edit', 'channel-delete', 'add-output', 'outputs-start-all', 'output-stop', 'output-start', 'output-retry', 'output-edit', 'output-remove', 'output-secret-toggle']) {
      assert.equal(await page.getByTestId(id).count(), 0, `viewer sees ${id}`);
    }
    assert.ok(!(await page.content()).includes(YT_KEY), 'the key reached the viewer’s page');
    await page.getByTestId('secrets-masked-note').waitFor();
    await page.goto(`${service.url}/admin/users`);
    await page.waitForURL(/\/channels$/, { timeout: 10_000 });
    await page.close();
  });

  it('lets an operator run outputs but not change channels or users', async () => {
    const page = await newPage();
    await logIn(page, 'oper', 'oper-password');
    await page.getByTestId('channel-row').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('new-channel').count(), 0);
    assert.ok((await page.getByTestId('channel-start').count()) >= 1, 'operators start channels');
    assert.equal(await page.getByTestId('nav-users').count(), 0);
    await page.goto(`${service.url}/channels/${internetChannelId}`);
    await page.getByTestId('output-row').first().waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('channel-edit').count(), 0);
    assert.equal(await page.getByTestId('channel-delete').count(), 0);
    assert.equal(await page.getByTestId('add-output').count(), 1);
    assert.equal(await page.getByTestId('output-edit').count(), 1);
    assert.equal(await page.getByTestId('output-url').first().innerText(), 'rtmp://a.rtmp.youtube.com/live2/****', 'masked until shown');
    assert.equal(await page.getByTestId('output-secret-toggle').count(), 1);
    await page.close();
  });

  it('manages users and API tokens (admin), showing a new token once', async () => {
    const page = await newPage();
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.getByTestId('nav-users').click();
    await page.getByTestId('user-row').first().waitFor();
    await page.getByTestId('new-user').click();
    await page.getByTestId('user-form-username').fill('x');
    await page.getByTestId('user-form-password').fill('short');
    await page.getByTestId('user-form-submit').click();
    await page.getByTestId('field-error-username').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('field-error-password').innerText(), /at least 8 characters/);
    await page.getByTestId('user-form-username').fill('newbie');
    await page.getByTestId('user-form-password').fill('newbie-password');
    await page.getByTestId('user-form-submit').click();
    const newbie = page.locator('[data-testid="user-row"][data-username="newbie"]');
    await newbie.waitFor({ timeout: 10_000 });
    await newbie.getByTestId('user-role-select').selectOption('operator');
    await page.waitForFunction(() => document.querySelector('.mat-mdc-snack-bar-label')?.textContent?.includes('is now operator'), undefined, { timeout: 10_000 });

    await page.getByTestId('nav-tokens').click();
    await page.getByTestId('new-token').click();
    await page.getByTestId('token-form-name').fill('ci');
    await page.getByTestId('token-form-submit').click();
    const secret = await page.getByTestId('token-secret').innerText({ timeout: 10_000 });
    assert.match(secret, /^mld_\S{20,}$/);
    await page.getByTestId('token-copy').waitFor();
    await page.getByTestId('token-done').click();
    const row = page.locator('[data-testid="token-row"][data-token-name="ci"]');
    await row.waitFor({ timeout: 10_000 });
    assert.ok(!(await page.content()).includes(secret), 'the token is shown only once');
    await row.getByTestId('token-revoke').click();
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="token-row"][data-token-name="ci"]')?.getAttribute('data-status') === 'revoked', undefined, { timeout: 10_000 });
    const check = await api(service.url, 'GET', '/api/channels', secret);
    assert.equal(check.status, 401, 'a revoked token no longer works');
    await page.close();
  });

  it('lets a user change their own password, showing a wrong current password next to its field', async () => {
    assert.equal((await api(service.url, 'POST', '/api/users', token, { username: 'changer', password: 'changer-password', role: 'viewer' })).status, 201);
    const page = await newPage();
    await logIn(page, 'changer', 'changer-password');
    await page.getByTestId('change-password').click();
    await page.getByTestId('password-current').fill('not-my-password');
    await page.getByTestId('password-new').fill('changer-new-password');
    await page.getByTestId('password-submit').click();
    await page.getByTestId('field-error-current_password').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('field-error-current_password').innerText(), /wrong/i);
    await page.getByTestId('password-current').fill('changer-password');
    await page.getByTestId('password-submit').click();
    await page.waitForURL(/\/login/, { timeout: 10_000 });
    assert.equal((await api(service.url, 'POST', '/api/auth/login', undefined, { username: 'changer', password: 'changer-password' })).status, 401);
    await logIn(page, 'changer', 'changer-new-password');
    await page.close();
  });

  it('shows "Reconnecting…" while the live connection is down and recovers by itself', async () => {
    const page = await newPage();
    let outage = false;
    const routes: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (outage) {
        void ws.close({ code: 1001, reason: 'test outage' });
        return;
      }
      ws.connectToServer();
      routes.push(ws);
    });
    // Socket.IO starts (and restarts) with HTTP long-polling before upgrading: cut that too.
    await page.route(/\/socket\.io\//, (route) => (outage ? route.abort('connectionrefused') : route.continue()));
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await waitForAttribute(page, '[data-testid="live-indicator"]', 'data-connection', /^connected$/, 15_000);
    assert.equal(await page.getByTestId('reconnect-banner').count(), 0);
    await upgraded(routes);

    outage = true;
    for (const ws of routes) await ws.close({ code: 1001, reason: 'test outage' });
    // Usually seen at once; if the transport had not upgraded yet, Socket.IO notices only at its
    // ping timeout (25 s + 20 s by default), so allow that much on a busy machine.
    await page.getByTestId('reconnect-banner').waitFor({ timeout: 50_000 });
    assert.match(await page.getByTestId('reconnect-banner').innerText(), /Reconnecting…/);

    outage = false;
    await page.getByTestId('reconnect-banner').waitFor({ state: 'detached', timeout: 20_000 });
    await waitForAttribute(page, '[data-testid="live-indicator"]', 'data-connection', /^connected$/, 5_000);
    await page.close();
  });

  it('sends the operator back to login when the socket refuses the token', async () => {
    const page = await newPage();
    const routes: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      ws.connectToServer();
      routes.push(ws);
    });
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await waitForAttribute(page, '[data-testid="live-indicator"]', 'data-connection', /^connected$/, 15_000);
    await upgraded(routes);
    // A password change ends every session opened before it (JWT iat has a one-second resolution).
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = await login(service.url, 'admin', ADMIN_PASSWORD);
    const changed = await api(service.url, 'POST', '/api/auth/password', fresh, { current_password: ADMIN_PASSWORD, new_password: `${ADMIN_PASSWORD}-2` });
    assert.equal(changed.status, 204);
    // Drop the socket: its reconnection handshake is refused for the token, with no REST call involved.
    for (const ws of routes) await ws.close({ code: 1001, reason: 'test' });
    await page.waitForURL(/\/login\?expired=1/, { timeout: 20_000 });
    await page.getByTestId('login-expired').waitFor({ timeout: 10_000 });
    await page.close();
  });

  // Last: every page above ran under the service's Content-Security-Policy.
  it('reported no Content-Security-Policy violation on any page', () => {
    assert.deepEqual(cspViolations(), []);
  });
});
