// The Media page in a real Chromium against the real service: an admin uploads an MPEG-TS made by
// FFmpeg over a throttled link and watches the progress bar move, sees it listed with its codecs
// and duration, gets the server's 415 sentence for an MPEG-4 Part 2 MP4, the 409 naming the channel
// when deleting a file in use, and deletes it once free; a viewer sees the list without controls.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaResponse } from '@mld/contracts';
import { makeFixture, runProcess } from '@mld/mpegts/fixtures';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS } from './support/browser.js';
import { api, killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'e2e-admin-password';

describe('dashboard media library in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-media-'));
  const work = mkdtempSync(join(tmpdir(), 'mld-e2e-media-files-'));
  let service: ServiceProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let cspViolations: () => string[] = () => [];
  let tsPath = '';
  let mpeg4Path = '';

  before(async () => {
    // 4 s at 3 Mbit/s: ~1.5 MB, a few seconds at the throttled upload rate below.
    ({ tsPath } = await makeFixture({ outDir: work, name: 'studio-slate', seconds: 4, bitrate: 3_000_000, width: 320, height: 240 }));
    mpeg4Path = join(work, 'old-codec.mp4');
    const made = await runProcess('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '2', '-c:v', 'mpeg4', mpeg4Path], 60_000);
    assert.equal(made.code, 0, made.stderr);
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD });
    const token = await login(service.url, 'admin', ADMIN_PASSWORD);
    await api(service.url, 'POST', '/api/users', token, { username: 'watcher', password: 'watcher-password', role: 'viewer' });
    ({ browser, close: closeBrowser, cspViolations } = await launchBrowser());
  });

  after(async () => {
    await closeBrowser?.();
    await service?.stop('SIGTERM').catch(() => undefined);
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  async function signIn(username: string, password: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${service.url}/login`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-media').waitFor({ timeout: 15_000 });
    await page.getByTestId('nav-media').click();
    await page.waitForURL(/\/media$/, { timeout: 10_000 });
    return page;
  }

  /** The service's own embedded PostgreSQL (port from its log, password from DATA_DIR). */
  async function database(): Promise<pg.Client> {
    const port = /embedded PostgreSQL running on 127\.0\.0\.1:(\d+)/.exec(service.output())?.[1];
    assert.ok(port, 'embedded PostgreSQL port not in the log');
    const password = readFileSync(join(dataDir, 'embedded-postgres.password'), 'utf8').trim();
    const client = new pg.Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', password, database: 'medialive' });
    await client.connect();
    return client;
  }

  it('uploads a file with a moving progress bar, lists it with codecs and duration, and shows a 415', async () => {
    const page = await signIn('admin', ADMIN_PASSWORD);
    await page.getByTestId('media-empty').waitFor({ timeout: 10_000 });
    // A slow link, so the bar can be seen between 0 and 100 %.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 500_000 });
    await page.getByTestId('media-file').setInputFiles(tsPath);
    await page.getByTestId('media-name').fill('Studio slate');
    await page.getByTestId('media-upload-start').click();
    const seen = await waitFor(
      'the progress bar between 1 and 99 %',
      async () => {
        const percent = Number(await page.getByTestId('media-progress').getAttribute('data-percent', { timeout: 1_000 }).catch(() => null));
        return percent > 0 && percent < 100 ? percent : undefined;
      },
      20_000,
      50,
    );
    assert.match(await page.getByTestId('media-progress-text').innerText(), /^Uploading: \d+ % \([\d.]+ [kM]B of 1\.\d MB\)$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'media-upload-progress.png'), fullPage: true });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    const row = page.locator('[data-testid="media-row"][data-media-name="Studio slate"]');
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.getByTestId('media-codecs').innerText().then((t) => t.split('\n')[0]), 'h264 / aac');
    assert.match(await row.getByTestId('media-duration').innerText(), /^0:0[34]\.\d$/);
    assert.equal(await page.getByTestId('media-progress').count(), 0, 'the bar stays after the upload finished');
    assert.equal(await page.getByTestId('media-upload-start').isDisabled(), true, 'the uploaded file is still selected');
    assert.ok(seen > 0 && seen < 100);

    await page.getByTestId('media-file').setInputFiles(mpeg4Path);
    await page.getByTestId('media-name').fill('');
    await page.getByTestId('media-upload-start').click();
    await page.getByTestId('media-upload-error').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('media-upload-error').innerText(), /^the file is mp4 with video mpeg4 and audio none; accepted: MPEG-TS/);
    assert.equal(await page.getByTestId('media-row').count(), 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'media-list-415.png'), fullPage: true });
    await page.close();
  });

  it('shows a viewer the list without upload or delete', async () => {
    const page = await signIn('watcher', 'watcher-password');
    await page.getByTestId('media-row').first().waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('media-upload').count(), 0);
    assert.equal(await page.getByTestId('media-delete').count(), 0);
    await page.close();
  });

  it('refuses to delete a file a channel plays with the server\'s 409, then deletes it once free', async () => {
    const token = await login(service.url, 'admin', ADMIN_PASSWORD);
    const media = (await api<MediaResponse[]>(service.url, 'GET', '/api/media', token)).body[0]!;
    const channel = await api<{ id: string }>(service.url, 'POST', '/api/channels', token, { name: 'Playout B', rtp_ip: '127.0.0.1', rtp_port: 5004 });
    const db = await database();
    try {
      // What the channel form will do once a channel's input can be a file.
      await db.query('UPDATE channels SET input_media_id = $1 WHERE id = $2', [media.id, channel.body.id]);
      const page = await signIn('admin', ADMIN_PASSWORD);
      const row = page.locator('[data-testid="media-row"][data-media-name="Studio slate"]');
      await row.waitFor({ timeout: 10_000 });
      assert.equal(await row.getByTestId('media-used-by').innerText(), 'Playout B');
      await row.getByTestId('media-delete').click();
      await page.getByTestId('confirm-ok').click();
      const snack = page.locator('.snack-error');
      await snack.waitFor({ timeout: 10_000 });
      assert.match(await snack.innerText(), /Could not delete "Studio slate": media "Studio slate" is the input of channel "Playout B"/);
      await page.screenshot({ path: join(SCREENSHOTS, 'media-delete-409.png'), fullPage: true });

      await db.query('UPDATE channels SET input_media_id = NULL WHERE id = $1', [channel.body.id]);
      await page.reload();
      await row.getByTestId('media-delete').click();
      await page.getByTestId('confirm-ok').click();
      await page.getByTestId('media-empty').waitFor({ timeout: 10_000 });
      await page.close();
    } finally {
      await db.end();
    }
  });

  it('reported no Content-Security-Policy violation on any page', () => {
    assert.deepEqual(cspViolations(), []);
  });
});
