// The MediaLive page as a new user meets it: the real service (dist) with the real AWS SDK pointed
// at the wire-level fake (built with the API's specs: apps/api/src/medialive/testing), in Debian's
// Chromium. Two MediaLive channels: "news" correct, "sports" with SCTE-35 removed and its port on
// another channel of ours. Then the same page with no AWS settings.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS } from './support/browser.js';
import { api, killLeftovers, login, processesMentioning, repoRoot, startService, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'e2e-admin-password';

interface Fake {
  add(channel: Record<string, unknown>): void;
  start(): Promise<string>;
  stop(): Promise<void>;
  requests: unknown[];
}
type FakeModule = { FakeMediaLive: new (o: { startMs: number; stopMs: number }) => Fake };
type FixturesModule = { wireChannel(o: Record<string, unknown>): Record<string, unknown> };

const built = (path: string) => pathToFileURL(join(repoRoot, 'out-tsc/apps/api/medialive/testing', path)).href;

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/channels/, { timeout: 15_000 });
}

describe('MediaLive page in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-ml-'));
  const plainDir = mkdtempSync(join(tmpdir(), 'mld-e2e-ml-off-'));
  let fake: Fake;
  let service: ServiceProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const port = 47000 + Math.floor(Math.random() * 1000);

  before(async () => {
    const { FakeMediaLive } = (await import(built('fake-medialive.js'))) as FakeModule;
    const { wireChannel } = (await import(built('wire-fixtures.js'))) as FixturesModule;
    fake = new FakeMediaLive({ startMs: 1500, stopMs: 1000 });
    fake.add(wireChannel({ id: '1111111', name: 'news', urls: [`rtp://127.0.0.1:${port}`, `rtp://127.0.0.1:${port + 10}`], scte35Control: 'PASSTHROUGH' }));
    fake.add(wireChannel({ id: '2222222', name: 'sports', urls: [`rtp://127.0.0.1:${port + 20}`, `rtp://127.0.0.1:${port + 30}`], scte35Control: 'NONE' }));
    const endpoint = await fake.start();
    service = await startService({
      DATA_DIR: dataDir,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_MEDIALIVE: endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFORTESTS0001',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-key-for-tests-only-000000000',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      MEDIALIVE_POLL_INTERVAL_MS: '200',
      MEDIALIVE_CACHE_MS: '200',
    });
    // "sports" sends to a port one of our (unlinked) channels already receives on: its wrong port.
    const token = await login(service.url, 'admin', ADMIN_PASSWORD);
    await api(service.url, 'POST', '/api/channels', token, { name: 'legacy', bind_ip: '127.0.0.1', port: port + 20 });
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  after(async () => {
    await closeBrowser?.();
    await service?.stop('SIGTERM').catch(() => undefined);
    await fake?.stop();
    killLeftovers();
    for (const dir of [dataDir, plainDir]) {
      for (const pid of processesMentioning(dir)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists both channels, flags sports with the exact settings, links news, starts and stops it with live progress', async () => {
    const page = await browser.newPage();
    await signIn(page, service.url);
    await page.getByTestId('nav-medialive').click();
    await page.getByTestId('ml-channel-1111111').waitFor({ timeout: 15_000 });
    await page.getByTestId('ml-channel-2222222').waitFor();

    const sports = page.getByTestId('ml-channel-2222222');
    await sports.getByTestId('ml-preflight-2222222').click();
    const results = page.getByTestId('ml-preflight-results-2222222');
    await results.waitFor({ timeout: 10_000 });
    const scte = await results.locator('tr[data-status="fail"]', { hasText: 'scte35' }).innerText();
    assert.match(scte, /M2tsSettings\.Scte35Control/);
    assert.match(scte, /PASSTHROUGH/);
    const wrongPort = await results.locator('tr', { hasText: 'pipeline0.destination.port' }).innerText();
    assert.match(wrongPort, /port \d+ is the input of our channel "legacy"/);
    assert.match(wrongPort, /Destinations\["udp-dest"\]\.Settings\[0\]\.Url/);

    const news = page.getByTestId('ml-channel-1111111');
    await news.getByTestId('ml-link-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="ml-channel-1111111"] [data-testid="ml-link"]')?.textContent?.includes('medialive news'), undefined, { timeout: 10_000 });
    assert.match(await news.getByTestId('ml-link').innerText(), /pipeline 1 .* for the backup input/);
    const token = await login(service.url, 'admin', ADMIN_PASSWORD);
    const channels = await api<Array<{ name: string; input_type: string; bind_ip: string; port: number }>>(service.url, 'GET', '/api/channels', token);
    assert.deepEqual(channels.body.filter((c) => c.name === 'medialive news').map((c) => [c.input_type, c.bind_ip, c.port]), [['rtp', '127.0.0.1', port]]);

    await news.getByTestId('ml-start').click();
    await page.waitForFunction(() => /start: STARTING/.test(document.querySelector('[data-testid="ml-channel-1111111"] [data-testid="ml-progress"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await page.waitForFunction(() => /start: RUNNING after \d+ s — done/.test(document.querySelector('[data-testid="ml-channel-1111111"] [data-testid="ml-progress"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="ml-channel-1111111"] [data-testid="ml-state"]')?.textContent?.trim() === 'RUNNING', undefined, { timeout: 10_000 });
    // The whole chain on one page: MediaLive, our input (started with it), our outputs; and the alerts.
    let chain = '';
    for (let i = 0; i < 100 && !/our input (starting|no_signal|receiving)/.test(chain); i++) {
      chain = (await news.getByTestId('ml-chain').innerText().catch(() => '')).replace(/\s+/g, ' ');
      if (!/our input (starting|no_signal|receiving)/.test(chain)) await page.waitForTimeout(100);
    }
    assert.match(chain, /Chain: MediaLive RUNNING \(2 pipeline\(s\)\) → our input (starting|no_signal|receiving) → outputs 0 of 0 running/);
    await news.getByTestId('ml-alerts-button').click();
    await news.getByTestId('ml-alerts').waitFor({ timeout: 10_000 });
    assert.match(await news.getByTestId('ml-alerts').innerText(), /No active MediaLive alerts/);
    await page.screenshot({ path: join(SCREENSHOTS, 'medialive-running.png'), fullPage: true });

    await news.getByTestId('ml-stop').click();
    await page.waitForFunction(() => /stop: IDLE after \d+ s — done/.test(document.querySelector('[data-testid="ml-channel-1111111"] [data-testid="ml-progress"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
    await page.close();
  });

  it('without AWS settings, the page explains how to enable the module', async () => {
    const plain = await startService({ DATA_DIR: plainDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, AWS_REGION: '', AWS_ENDPOINT_URL_MEDIALIVE: '' });
    try {
      const page = await browser.newPage();
      await signIn(page, plain.url);
      await page.goto(`${plain.url}/medialive`);
      const card = page.getByTestId('medialive-disabled');
      await card.waitFor({ timeout: 15_000 });
      const text = await card.innerText();
      assert.match(text, /AWS_REGION is not set/);
      assert.match(text, /docs\/medialive\.md/);
      await page.screenshot({ path: join(SCREENSHOTS, 'medialive-disabled.png'), fullPage: true });
      await page.close();
    } finally {
      await plain.stop('SIGTERM').catch(() => undefined);
    }
  });
});
