// The closed-loop preview in Debian's Chromium against the real service: a channel on loopback
// fed by a looped RTP feed, the API's on-demand HLS copy played by hls.js, and the video element
// checked for real playback (time advancing, decoded frame size). Also the 409 hint for a channel
// that is not running, Stop, leaving the page, and a rejected token sending the operator back to
// the login page. The channel's thumbnail beside it: a hint while stopped, a 320 px key frame while running.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS } from './support/browser.js';
import { freeUdpPort, makeTestFeed, startTsSender, stopAllTracked, type TsSender } from './support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'e2e-admin-password';
const VIEWPORT = { width: 1440, height: 900 };
/** The feed loops for at most this long, whatever happens to the test. */
const FEED_MS = 60_000;

interface VideoSample {
  t: number;
  currentTime: number;
  videoWidth: number;
  videoHeight: number;
  paused: boolean;
  readyState: number;
  buffered: number;
}

describe('dashboard: closed-loop preview plays the channel’s input in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-preview-'));
  let service: ServiceProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let cspViolations: () => string[] = () => [];
  let token: string;
  let channelId = '';
  let inPort: number;
  let sender: TsSender | undefined;

  async function logIn(page: Page): Promise<void> {
    await page.goto(`${service.url}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/channels/, { timeout: 15_000 });
  }

  async function statusBecomes(page: Page, expected: RegExp, timeoutMs: number): Promise<string> {
    await page.waitForFunction(
      (source) => new RegExp(source).test(document.querySelector('[data-testid="preview-status"]')?.textContent?.trim() ?? ''),
      expected.source,
      { timeout: timeoutMs },
    );
    return (await page.getByTestId('preview-status').innerText()).trim();
  }

  function sample(page: Page): Promise<VideoSample> {
    return page.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="preview-video"]')!;
      return { t: performance.now(), currentTime: v.currentTime, videoWidth: v.videoWidth, videoHeight: v.videoHeight, paused: v.paused, readyState: v.readyState, buffered: v.buffered.length };
    });
  }

  before(async () => {
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, LOGIN_RATE_LIMIT_PER_MINUTE: '100' });
    token = await login(service.url, 'admin', ADMIN_PASSWORD);
    inPort = await freeUdpPort();
    const created = await api<{ id: string }>(service.url, 'POST', '/api/channels', token, { name: 'Preview loopback', bind_ip: '127.0.0.1', port: inPort });
    assert.equal(created.status, 201);
    channelId = created.body.id;
    ({ browser, close: closeBrowser, cspViolations } = await launchBrowser());
  });

  after(async () => {
    await sender?.stop();
    await closeBrowser?.();
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says the channel is not running (the API answers 409), and clears that when it starts', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    try {
      await logIn(page);
      await page.goto(`${service.url}/channels/${channelId}`);
      await page.getByTestId('preview-panel').waitFor();
      assert.match(await page.getByTestId('thumbnail-status').innerText(), /The channel is stopped/);
      assert.equal(await page.getByTestId('thumbnail-image').count(), 0);
      assert.equal(await page.getByTestId('preview-stop').isDisabled(), true, 'nothing to stop yet');
      await page.getByTestId('preview-start').click();
      assert.equal(await statusBecomes(page, /not running/, 15_000), 'channel not running: start it to preview');
      assert.equal(await page.getByTestId('preview-status').getAttribute('data-phase'), 'error');

      const started = await api(service.url, 'POST', `/api/channels/${channelId}/start`, token);
      assert.equal(started.status, 200, JSON.stringify(started.body));
      // The live state says "running": the hint goes away by itself.
      assert.equal(await statusBecomes(page, /^stopped$/, 15_000), 'stopped');
    } finally {
      await page.close();
    }
  });

  it('plays the live input (time advances, frames decoded), stops, and sends a rejected token to the login page', async () => {
    const feed = await makeTestFeed({ seconds: 4, bitrate: 2_000_000, cueIntervalSeconds: 2, width: 640, height: 360 });
    sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp', loop: true, durationMs: FEED_MS });
    const page = await browser.newPage({ viewport: VIEWPORT });
    try {
      await waitFor(
        'the input receiving',
        async () => (await api<{ runtime?: { state?: string } | null }>(service.url, 'GET', `/api/channels/${channelId}`, token)).body.runtime?.state === 'receiving',
        20_000,
        250,
      );
      await logIn(page);
      await page.goto(`${service.url}/channels/${channelId}`);
      await page.getByTestId('preview-panel').waitFor();
      // Next to the preview, before anyone presses play: one key frame as a 320 px JPEG.
      await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="thumbnail-image"]')?.naturalWidth === 320, undefined, { timeout: 15_000 });
      assert.match(await page.getByTestId('thumbnail-status').innerText(), /Key frame received at .*refreshed every 10 s/);
      assert.match((await page.getByTestId('thumbnail-image').getAttribute('alt')) ?? '', /Latest key frame of Preview loopback/);
      const video = page.getByTestId('preview-video');
      for (const attr of ['muted', 'autoplay', 'playsinline', 'controls']) assert.notEqual(await video.getAttribute(attr), null, attr);
      assert.match((await video.getAttribute('aria-label')) ?? '', /Preview of the input of Preview loopback/);
      assert.match(await page.getByTestId('preview-panel').innerText(), /Preview is a copy of the input, not of an output; no transcoding\./);

      const clickedAt = Date.now();
      await page.getByTestId('preview-start').click();
      await statusBecomes(page, /^(starting…|playing)$/, 5_000);
      // The first playlist waits for FFmpeg's first 2 s segment (up to ~12 s), then hls.js buffers.
      assert.equal(await statusBecomes(page, /^playing$/, 40_000), 'playing');
      const firstPlayMs = Date.now() - clickedAt;

      const samples: VideoSample[] = [await sample(page)];
      while (samples.at(-1)!.t - samples[0]!.t < 6_000) {
        await page.waitForTimeout(500);
        samples.push(await sample(page));
      }
      const first = samples[0]!;
      const last = samples.at(-1)!;
      const advance = last.currentTime - first.currentTime;
      const wallSeconds = (last.t - first.t) / 1000;
      console.log(
        `preview: playing ${firstPlayMs} ms after the click; currentTime ${first.currentTime.toFixed(2)} → ${last.currentTime.toFixed(2)} s ` +
          `(+${advance.toFixed(2)} s in ${wallSeconds.toFixed(2)} s wall), ${last.videoWidth}x${last.videoHeight}, readyState ${last.readyState}, ${last.buffered} buffered range(s)`,
      );
      assert.ok(advance >= 2, `currentTime advanced ${advance.toFixed(2)} s in ${wallSeconds.toFixed(2)} s`);
      assert.ok(last.videoWidth > 0 && last.videoHeight > 0, 'decoded frames have a size');
      assert.deepEqual([last.videoWidth, last.videoHeight], [640, 360], 'the source resolution: no transcoding');
      assert.equal(last.paused, false);
      assert.equal(await page.getByTestId('preview-stop').isDisabled(), false);

      await page.getByTestId('preview-panel').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'preview.png') });

      // Stop destroys the player: the element lets go of the stream.
      await page.getByTestId('preview-stop').click();
      assert.equal(await statusBecomes(page, /^stopped$/, 5_000), 'stopped');
      await page.waitForFunction(() => !document.querySelector('[data-testid="preview-video"]')?.getAttribute('src'), undefined, { timeout: 5_000 });

      // Leaving the page destroys the player: no more playlist or segment requests.
      const previewRequests: number[] = [];
      page.on('request', (request) => {
        if (request.url().includes(`/api/channels/${channelId}/preview/`)) previewRequests.push(Date.now());
      });
      await page.getByTestId('preview-start').click();
      assert.equal(await statusBecomes(page, /^playing$/, 40_000), 'playing');
      await page.getByTestId('back-to-channels').click();
      await page.getByTestId('channel-row').first().waitFor({ timeout: 10_000 });
      const leftAt = Date.now();
      await page.waitForTimeout(5_000); // more than two playlist reloads (2 s segments)
      assert.deepEqual(previewRequests.filter((at) => at > leftAt + 250), [], 'requests after leaving the page');
      assert.ok(previewRequests.length > 0, 'the player did request the preview while on the page');
      // The overview shows a small thumbnail of the running channel (a 320 px JPEG drawn smaller).
      await page.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="channel-thumbnail"]')?.naturalWidth === 320, undefined, { timeout: 15_000 });
      await page.goBack();
      await page.getByTestId('preview-panel').waitFor();

      // Watching again, then a token the server does not know (revoked, or signed before a key
      // change): the next playlist reload gets 401 and the app goes to the login page as for any call.
      await page.getByTestId('preview-start').click();
      assert.equal(await statusBecomes(page, /^playing$/, 40_000), 'playing');
      await page.evaluate(() => {
        const session = JSON.parse(sessionStorage.getItem('mld.session')!) as { token: string };
        sessionStorage.setItem('mld.session', JSON.stringify({ ...session, token: 'not-a-valid-token' }));
      });
      await page.waitForURL(/\/login\?.*expired=1/, { timeout: 15_000 });
      await page.getByTestId('login-expired').waitFor({ timeout: 5_000 });
      assert.match(decodeURIComponent(page.url()), new RegExp(`returnUrl=/channels/${channelId}`));
    } finally {
      await page.close();
      await sender.stop();
    }
  });

  // Last: every page above ran under the service's Content-Security-Policy.
  it('reported no Content-Security-Policy violation on any page', () => {
    assert.deepEqual(cspViolations(), []);
  });
});
