// "Go live from this browser" (issue #15) in Debian's Chromium with its fake camera and microphone,
// against the real service: a WHIP channel with an SRT output (recorded by srt-live-transmit) and an
// RTMP output (nginx-rtmp); the page publishes, the channel receives, the SRT recording is a TS with
// H.264 (copied as Chromium encoded it) and AAC, nginx-rtmp records both; Stop and Start again keep
// the SRT connection (one connection, 0 CC errors) and the one RTMP publish.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ContinuityTracker, isContinuityError, tsDiscontinuity, tsHasPayload, tsPid } from '@mld/mpegts';
import { launchBrowser, SCREENSHOTS } from './support/browser.js';
import { freeUdpPort, startRtmpServer, startSrtReceiver, stopAllTracked, type RtmpServer, type SrtReceiver } from './support/media/index.js';
import { api, login, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'e2e-admin-password';

describe('dashboard: go live from this browser (WHIP)', { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-whip-'));
  let service: ServiceProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let cspViolations: () => string[] = () => [];
  let token: string;
  let channelId = '';
  let rx: SrtReceiver;
  let nginx: RtmpServer;

  before(async () => {
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, LOGIN_RATE_LIMIT_PER_MINUTE: '100', WHIP_HOST_ADDRESSES: '127.0.0.1' });
    token = await login(service.url, 'admin', ADMIN_PASSWORD);
    rx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort(), latencyMs: 120 });
    nginx = await startRtmpServer({ record: 'append' });
    const created = await api<{ id: string }>(service.url, 'POST', '/api/channels', token, { name: 'Browser live', input: { type: 'whip' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    channelId = created.body.id;
    assert.equal((await api(service.url, 'POST', `/api/channels/${channelId}/outputs`, token, { name: 'srt out', protocol: 'srt', url: `srt://127.0.0.1:${rx.port}?latency=120` })).status, 201);
    assert.equal((await api(service.url, 'POST', `/api/channels/${channelId}/outputs`, token, { name: 'rtmp out', protocol: 'rtmp', url: nginx.url('live', 'whip') })).status, 201);
    assert.ok((await api(service.url, 'POST', `/api/channels/${channelId}/start`, token)).status < 300);
    ({ browser, close: closeBrowser, cspViolations } = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']));
  });

  after(async () => {
    await closeBrowser?.();
    await rx?.stop();
    await nginx?.stop();
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function logIn(page: Page): Promise<void> {
    await page.goto(`${service.url}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/channels/, { timeout: 15_000 });
  }

  const phase = (page: Page) => page.getByTestId('go-live-status').getAttribute('data-phase');

  it('publishes the camera; the preview and the thumbnail show it; SRT and RTMP outputs carry H.264 and AAC; stop and start keep both connections', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await logIn(page);
      await page.goto(`${service.url}/channels/${channelId}`);
      await page.getByTestId('whip-go-live').click();
      await page.waitForURL(/\/go-live$/, { timeout: 15_000 });
      // The page offers a microphone (the fake one, or the browser's default before permission).
      assert.notEqual(await page.getByTestId('go-live-microphone').inputValue(), '');
      await page.getByTestId('go-live-start').click();
      await waitFor('the page to be live', async () => (await phase(page)) === 'live', 30_000);
      await waitFor('the channel receiving', async () => (await api<{ runtime: { state: string } }>(service.url, 'GET', `/api/channels/${channelId}`, token)).body.runtime?.state === 'receiving', 20_000);
      await rx.waitForBytes(400_000, 30_000);
      await page.screenshot({ path: join(SCREENSHOTS, 'whip-go-live.png') });
      const health = (await api<{ runtime: { whip: { video: { width: number | null; height: number | null; profile: string }; audio: { transcoded_to: string } | null } | null } }>(service.url, 'GET', `/api/channels/${channelId}`, token)).body.runtime.whip;
      assert.equal(health?.audio?.transcoded_to, 'aac', JSON.stringify(health));
      assert.ok(health?.video.width, 'the SPS size is known');

      // The channel's preview plays what the browser publishes, and its thumbnail shows it (a second
      // tab, as an operator would open it): both join mid-stream and need a key frame, which a WebRTC
      // encoder sends only when the service asks (every 2 s).
      const viewer = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      try {
        await logIn(viewer);
        await viewer.goto(`${service.url}/channels/${channelId}`);
        await viewer.waitForFunction(() => document.querySelector<HTMLImageElement>('[data-testid="thumbnail-image"]')?.naturalWidth === 320, undefined, { timeout: 20_000 });
        await viewer.getByTestId('preview-start').click();
        await waitFor('the preview playing', async () => (await viewer.getByTestId('preview-status').innerText()).trim() === 'playing', 45_000);
        const currentTime = () => viewer.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="preview-video"]')!.currentTime);
        const t0 = await currentTime();
        await viewer.waitForTimeout(4000);
        const advanced = (await currentTime()) - t0;
        assert.ok(advanced > 2, `the preview advanced ${advanced.toFixed(2)} s in 4 s`);
        const size = await viewer.evaluate(() => {
          const v = document.querySelector<HTMLVideoElement>('[data-testid="preview-video"]')!;
          return [v.videoWidth, v.videoHeight];
        });
        // Chromium adapts its resolution while its bandwidth estimate ramps up (960x540, then 1280x720): same shape.
        assert.ok(size[0]! >= 320 && Math.abs(size[0]! / size[1]! - health!.video.width! / health!.video.height!) < 0.02, `the preview decodes the published picture: ${size.join('x')} vs ${health!.video.width}x${health!.video.height} published`);
        t.diagnostic(`preview playing at ${size.join('x')} (published ${health!.video.width}x${health!.video.height} when first read)`);
        await viewer.getByTestId('preview-stop').click();
      } finally {
        await viewer.close();
      }

      await page.getByTestId('go-live-stop').click();
      await waitFor('the page to stop', async () => (await phase(page)) === 'idle', 10_000);
      await waitFor('the channel without signal', async () => (await api<{ runtime: { state: string } }>(service.url, 'GET', `/api/channels/${channelId}`, token)).body.runtime?.state === 'no_signal', 20_000);
      const before = rx.bytes();
      await page.getByTestId('go-live-start').click();
      await waitFor('the page live again', async () => (await phase(page)) === 'live', 30_000);
      await rx.waitForBytes(before + 300_000, 30_000);
      await page.getByTestId('go-live-stop').click();

      await nginx.waitForPublish('whip', 30_000);
      assert.equal(rx.connections, 1, 'one SRT connection throughout: the output never restarted');
      assert.deepEqual(nginx.published(), ['whip'], 'one RTMP publish throughout');
      const flv = await nginx.probe(nginx.recordingPath('whip'));
      assert.deepEqual(flv.streams.map((st) => st.codec_name).sort(), ['aac', 'h264']);
      const ts = rx.received();
      const tracker = new ContinuityTracker();
      let ccErrors = 0;
      for (let off = 0; off + 188 <= ts.length; off += 188) {
        const pid = tsPid(ts, off);
        if (tsHasPayload(ts, off) && isContinuityError(tracker.observe(ts, off, pid, tsDiscontinuity(ts, off)))) ccErrors++;
      }
      assert.equal(ccErrors, 0);
      const dir = mkdtempSync(join(tmpdir(), 'mld-e2e-whip-ts-'));
      try {
        writeFileSync(join(dir, 'rx.ts'), ts);
        const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', join(dir, 'rx.ts')], { timeout: 30_000, encoding: 'utf8' });
        assert.deepEqual([...new Set(probe.stdout.split('\n').filter(Boolean))].sort(), ['aac', 'h264']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      assert.deepEqual(cspViolations(), []);
    } finally {
      await page.close();
    }
  });
});
