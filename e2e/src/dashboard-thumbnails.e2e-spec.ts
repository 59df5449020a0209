// The channels overview as an operator sees it in Debian's Chromium (issue #14, part 3): a live
// thumbnail per running channel, and a black input flagged — in its row, in its health reason and
// in the event log — while a moving picture is not; when the black input's picture comes back,
// the flag goes and input.video_ok is logged. The check decodes nothing of its own: it reads the
// gray copy of the key frames the overview's thumbnails already decode.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ChannelRuntime, EventPage } from '@mld/contracts';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, logIn, SCREENSHOTS } from './support/browser.js';
import { freeUdpPort, makeEncoderFeed, makeTestFeed, startTsSender, type TsSender } from './support/media/index.js';
import { api, waitFor, type ServiceProcess } from './support/service-process.js';
import { startServiceRig, type ServiceRig } from './support/service-rig.js';

const ADMIN_PASSWORD = 'e2e-thumbnails-admin-password';
const VIEWPORT = { width: 1440, height: 900 };
const FEED_MS = 150_000;

describe('dashboard: the overview shows a thumbnail per channel and flags a black input', { timeout: 240_000 }, () => {
  let rig: ServiceRig;
  let workDir: string;
  let service: ServiceProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let token: string;
  const senders: TsSender[] = [];

  before(async () => {
    rig = await startServiceRig('mld-e2e-thumbs', ADMIN_PASSWORD, { dashboard: true, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '100' } });
    ({ service, workDir } = rig);
    token = rig.mld.token;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  after(async () => {
    await Promise.all(senders.map((s) => s.stop()));
    await closeBrowser?.();
    await rig?.close();
  });

  async function startedChannel(name: string): Promise<{ id: string; port: number }> {
    const port = await freeUdpPort();
    const created = await api<{ id: string }>(service.url, 'POST', '/api/channels', token, { name, bind_ip: '127.0.0.1', port, input_type: 'rtp' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await api(service.url, 'POST', `/api/channels/${created.body.id}/start`, token)).status, 200);
    return { id: created.body.id, port };
  }

  const runtimeOf = async (id: string): Promise<ChannelRuntime | null> => (await api<{ runtime: ChannelRuntime | null }>(service.url, 'GET', `/api/channels/${id}`, token)).body.runtime;
  const eventsOf = async (id: string): Promise<EventPage['events']> =>
    (await api<EventPage>(service.url, 'GET', `/api/events?channel_id=${id}&type=input.video_black,input.video_frozen,input.video_ok&limit=50`, token)).body.events.reverse();
  const row = (page: Page, id: string) => page.locator(`[data-testid="channel-row"][data-channel-id="${id}"]`);

  it('black is flagged within a few refreshes, the moving picture is not; the picture coming back clears it', async (t) => {
    // A black studio feed (flat black with a little noise: what an encoder sends with no camera) and a moving test card.
    const [black, moving] = await Promise.all([
      makeEncoderFeed({ dir: workDir, name: 'black', seconds: 8, bitrate: 1_500_000, colour: 'black', gopSeconds: 1, scte35Pid: 0x1f6 }),
      // Looped content looks frozen to thumbnails taken one loop apart (an 8 s loop did, the page's
      // requests come every 10 s or sooner): 31 s, a key frame every 2 s, no two successive ones the same.
      makeTestFeed({ seconds: 31, bitrate: 1_500_000, width: 640, height: 360, dir: workDir }),
    ]);
    const studio = await startedChannel('Studio black');
    const card = await startedChannel('Test card');
    let studioTx = await startTsSender({ ts: black.ts, host: '127.0.0.1', port: studio.port, mode: 'rtp', loop: true, maxDurationMs: FEED_MS });
    senders.push(studioTx);
    senders.push(await startTsSender({ ts: moving.ts, host: '127.0.0.1', port: card.port, mode: 'rtp', loop: true, maxDurationMs: FEED_MS }));
    for (const c of [studio, card]) await waitFor('the inputs receiving', async () => (await runtimeOf(c.id))?.state === 'receiving', 20_000, 250);
    assert.equal((await runtimeOf(studio.id))?.picture ?? null, null, 'nobody looks yet: no picture verdict (nothing decoded)');

    const page = await browser.newPage({ viewport: VIEWPORT });
    try {
      await logIn(page, service.url, 'admin', ADMIN_PASSWORD);
      const openedAt = Date.now();

      // A thumbnail per channel, each a 320 px key frame drawn small.
      for (const c of [studio, card]) {
        await row(page, c.id).locator('[data-testid="channel-thumbnail"]').waitFor({ timeout: 15_000 });
        await page.waitForFunction((id) => document.querySelector<HTMLImageElement>(`[data-channel-id="${id}"] [data-testid="channel-thumbnail"]`)?.naturalWidth === 320, c.id, { timeout: 15_000 });
      }

      // The overview refreshes every 10 s; two black key frames ≥ 2 s apart raise the flag.
      const flag = row(page, studio.id).getByTestId('channel-picture-flag');
      await flag.waitFor({ timeout: 40_000 });
      const flaggedMs = Date.now() - openedAt;
      assert.equal((await flag.innerText()).trim(), 'black picture');
      await page.waitForFunction((id) => /black picture/.test(document.querySelector(`[data-channel-id="${id}"] [data-testid="health-reason"]`)?.textContent ?? ''), studio.id, { timeout: 5_000 });
      assert.equal(await row(page, studio.id).getAttribute('data-health'), 'amber');
      await page.screenshot({ path: join(SCREENSHOTS, 'overview-black-input.png') });

      const studioRuntime = (await runtimeOf(studio.id))!;
      assert.equal(studioRuntime.state, 'degraded', 'a black picture degrades a receiving input');
      assert.equal(studioRuntime.picture?.state, 'black');
      assert.ok(studioRuntime.picture!.mean_luma! <= 32, `mean luma ${studioRuntime.picture!.mean_luma}`);
      const [raised] = await eventsOf(studio.id);
      assert.equal(raised?.type, 'input.video_black');
      assert.equal(raised?.severity, 'warning');
      assert.match(raised!.message, /^channel "Studio black" input: black picture for \d+\.\d s/);

      const cardRuntime = (await runtimeOf(card.id))!;
      assert.equal(cardRuntime.picture?.state, 'ok', `the test card moves: ${JSON.stringify(cardRuntime.picture)}`);
      assert.equal(cardRuntime.state, 'receiving');
      assert.equal(await row(page, card.id).getByTestId('channel-picture-flag').count(), 0);
      assert.deepEqual(await eventsOf(card.id), []);

      // The camera comes back: the studio now sends the moving picture.
      await studioTx.stop();
      studioTx = await startTsSender({ ts: moving.ts, host: '127.0.0.1', port: studio.port, mode: 'rtp', loop: true, maxDurationMs: FEED_MS });
      senders.push(studioTx);
      const backAt = Date.now();
      await waitFor('the flag gone', async () => (await flag.count()) === 0, 40_000, 250);
      const clearedMs = Date.now() - backAt;
      const types = (await eventsOf(studio.id)).map((e) => e.type);
      assert.deepEqual(types, ['input.video_black', 'input.video_ok']);
      assert.equal((await runtimeOf(studio.id))?.picture?.state, 'ok');
      assert.deepEqual(await eventsOf(card.id), [], 'still nothing on the test card');
      const runs = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/thumbnail')).length);
      t.diagnostic(`black flagged ${flaggedMs} ms after the overview opened; cleared ${clearedMs} ms after the picture came back; ${runs} thumbnail requests from the page`);
    } finally {
      await page.close();
    }
  });
});
