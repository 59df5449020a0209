// "When the input stops" as an admin sees it in Debian's Chromium (ADR 0016): the channel form
// refuses an after_ms out of range under the field and saves nothing, then saves a slate with an
// uploaded image; with an RTMP output pushing to nginx-rtmp, the feed stopping puts "slate on air"
// in the channel list and the input panel, and the feed coming back takes it away. The image
// cannot be deleted while the channel shows it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, logIn, SCREENSHOTS } from './support/browser.js';
import type { Distributor } from './support/distributor.js';
import { freeUdpPort, makeTestFeed, runTracked, startRtmpServer, startTsSender, type RtmpServer, type TsSender } from './support/media/index.js';
import { waitFor } from './support/service-process.js';
import { startServiceRig, type ServiceRig } from './support/service-rig.js';

const ADMIN_PASSWORD = 'e2e-input-loss-admin-password';
const VIEWPORT = { width: 1440, height: 900 };
const FEED_MS = 60_000;

describe('dashboard: the input-loss slate in the channel form, the channel list and the input panel', { timeout: 180_000 }, () => {
  let rig: ServiceRig;
  let workDir: string;
  let mld: Distributor;
  let rtmp: RtmpServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let cspViolations: () => string[] = () => [];
  const senders: TsSender[] = [];
  const pages: Page[] = [];

  before(async () => {
    rig = await startServiceRig('mld-e2e-loss-ui', ADMIN_PASSWORD, { dashboard: true, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '100' } });
    ({ mld, workDir } = rig);
    rtmp = await startRtmpServer();
    ({ browser, close: closeBrowser, cspViolations } = await launchBrowser());
  });

  after(async () => {
    await Promise.all(senders.map((s) => s.stop()));
    for (const page of pages) await page.close().catch(() => undefined);
    await closeBrowser?.();
    await rtmp?.stop().catch(() => undefined);
    await rig?.close();
  });

  async function signedIn(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: VIEWPORT });
    pages.push(page);
    await logIn(page, mld.url, 'admin', ADMIN_PASSWORD);
    if (path !== '/channels') await page.goto(`${mld.url}${path}`);
    return page;
  }

  const inputLossOf = async (id: string): Promise<ChannelWithOutputsResponse['input_loss']> => (await mld.channel(id)).input_loss;

  it('refuses after_ms 50 under the field, saves a slate with the image, shows it on air while the feed is away', async (t) => {
    const startedAt = Date.now();
    const png = join(workDir, 'off-air.png');
    const made = await runTracked('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0xff00ff:s=320x240', '-frames:v', '1', '-y', png], 30_000);
    assert.equal(made.code, 0, made.stderr);
    const image = await mld.uploadMedia('off-air.png', readFileSync(png));
    const feed = await makeTestFeed({ seconds: 6, bitrate: 1_500_000, width: 640, height: 360, dir: workDir });
    const port = await freeUdpPort();
    const channel = await mld.createChannel({ name: 'Studio A', rtp_ip: '127.0.0.1', rtp_port: port });
    const untouched = channel.input_loss;
    assert.equal(untouched.action, 'none');

    // The form: Slate, 50 ms (below 200) and the image → the server's sentence under the field.
    const detail = await signedIn(`/channels/${channel.id}`);
    await detail.getByTestId('channel-edit').click();
    const section = detail.getByTestId('channel-form-input-loss');
    await section.waitFor({ timeout: 10_000 });
    assert.match(await section.innerText(), /The outputs get nothing/);
    await detail.getByTestId('channel-form-loss-action-slate').click();
    await detail.getByTestId('channel-form-loss-after-ms').fill('50');
    await detail.getByTestId('channel-form-loss-image').click();
    const option = detail.locator(`mat-option[data-media-name="${image.name}"]`);
    assert.equal((await option.innerText()).trim(), 'off-air.png (320×240)');
    await option.click();
    await detail.getByTestId('channel-form-submit').click();
    const afterError = detail.getByTestId('field-error-input_loss.after_ms');
    await afterError.waitFor({ timeout: 10_000 });
    assert.equal((await afterError.innerText()).trim(), 'after_ms is in milliseconds without input: an integer from 200 to 60000');
    assert.equal(await detail.getByTestId('channel-form-submit').isVisible(), true, 'the dialog stays open');
    await detail.screenshot({ path: join(SCREENSHOTS, 'channel-form-input-loss-refused.png') });
    assert.deepEqual(await inputLossOf(channel.id), untouched, 'nothing saved');

    // 500 ms: saved, the dialog closes, and the API says so.
    await detail.getByTestId('channel-form-loss-after-ms').fill('500');
    await afterError.waitFor({ state: 'detached', timeout: 5_000 });
    await detail.getByTestId('channel-form-submit').click();
    await detail.getByTestId('channel-form-input-loss').waitFor({ state: 'detached', timeout: 10_000 });
    assert.deepEqual(await inputLossOf(channel.id), { action: 'slate', after_ms: 500, slate_media_id: image.id, ts_outputs: false });
    // Opened again, the form shows what was stored.
    await detail.getByTestId('channel-edit').click();
    await detail.getByTestId('channel-form-loss-after-ms').waitFor({ timeout: 10_000 });
    assert.equal(await detail.getByTestId('channel-form-loss-action-slate').getAttribute('class').then((c) => /mat-button-toggle-checked/.test(c ?? '')), true);
    assert.equal(await detail.getByTestId('channel-form-loss-after-ms').inputValue(), '500');
    await waitFor('the image in the picker', async () => /off-air\.png \(320×240\)/.test(await detail.getByTestId('channel-form-loss-image').innerText()), 10_000);
    await detail.getByTestId('channel-form-cancel').click();
    await detail.getByTestId('channel-form-input-loss').waitFor({ state: 'detached', timeout: 10_000 });

    // The image is the channel's slate: the library refuses to delete it.
    const refused = await mld.delete(`/api/media/${image.id}`);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match((refused.body as { message: string }).message, /^media "off-air\.png" is the slate of channel "Studio A": give it another slate before deleting it$/);
    const library = await signedIn('/media');
    const mediaRow = library.locator(`[data-testid="media-row"][data-media-name="${image.name}"]`);
    await mediaRow.waitFor({ timeout: 10_000 });
    assert.equal(await mediaRow.getByTestId('media-used-by').innerText(), 'Studio A');
    await mediaRow.getByTestId('media-delete').click();
    await library.getByTestId('confirm-ok').waitFor({ timeout: 5_000 });
    assert.match(await library.locator('mat-dialog-container').innerText(), /It is the slate of Studio A: the server will refuse until they use another slate\./);
    await library.close();

    // On air: RTP in, RTMP out to nginx-rtmp.
    const key = `loss-ui-${Date.now()}`;
    const output = await mld.addOutput(channel.id, { protocol: 'rtmp', url: rtmp.url('live', key), name: 'platform' });
    await detail.getByTestId('channel-start').click();
    let sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port, mode: 'rtp', loop: true, maxDurationMs: FEED_MS });
    senders.push(sender);
    await mld.waitOutput(channel.id, output.id, 'running with media', (r) => r.state === 'running' && r.bytes_out > 50_000, 20_000);
    await rtmp.waitForPublish(key, 10_000);
    const armed = detail.getByTestId('input-slate-armed');
    await armed.waitFor({ timeout: 10_000 });
    assert.match(await armed.innerText(), /^On input loss: slate after 500 ms/);

    const list = await signedIn('/channels');
    const row = list.locator(`[data-testid="channel-row"][data-channel-id="${channel.id}"]`);
    await waitFor('the row receiving', async () => (await row.getByTestId('channel-input-state').innerText().catch(() => '')) === 'receiving', 15_000, 100);
    const badge = row.getByTestId('channel-slate-on-air');
    assert.equal(await badge.count(), 0, 'no slate while the feed arrives');

    // The feed stops: the slate goes on air, in the list and on the detail page.
    await sender.stop();
    const stoppedAt = Date.now();
    await badge.waitFor({ timeout: 10_000 });
    const badgeMs = Date.now() - stoppedAt;
    assert.equal((await badge.innerText()).trim(), 'slate on air');
    const onAir = detail.getByTestId('input-slate-on-air');
    await onAir.waitFor({ timeout: 5_000 });
    assert.match(await onAir.innerText(), /^Input lost: RTMP outputs get the slate since \d/);
    assert.equal(await armed.count(), 0);
    assert.equal((await mld.channel(channel.id)).runtime?.slate?.on_air, true);
    await list.screenshot({ path: join(SCREENSHOTS, 'channel-list-slate-on-air.png') });
    await detail.screenshot({ path: join(SCREENSHOTS, 'input-panel-slate-on-air.png'), fullPage: true });

    // The feed comes back: the programme again, the badge and the notice go.
    sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port, mode: 'rtp', loop: true, maxDurationMs: FEED_MS });
    senders.push(sender);
    const backAt = Date.now();
    await badge.waitFor({ state: 'detached', timeout: 15_000 });
    const clearedMs = Date.now() - backAt;
    await onAir.waitFor({ state: 'detached', timeout: 5_000 });
    await waitFor('the panel armed again, shown once', async () => /shown 1×, last \d+\.\d s/.test(await armed.innerText().catch(() => '')), 5_000);
    const slate = (await mld.channel(channel.id)).runtime?.slate;
    assert.equal(slate?.on_air, false);
    assert.equal(slate?.shown, 1);
    assert.equal((await mld.outputRuntime(channel.id, output.id))?.restarts ?? 0, 0, 'the RTMP output never restarted');
    assert.deepEqual(rtmp.published().filter((k) => k === key), [key], 'one publish to nginx-rtmp');
    const events = (await mld.events({ channel_id: channel.id, type: 'input.slate_on,input.slate_off', limit: '10' })).reverse();
    assert.deepEqual(events.map((e) => e.type), ['input.slate_on', 'input.slate_off']);
    assert.deepEqual(cspViolations(), []);
    t.diagnostic(`badge ${badgeMs} ms after the feed stopped (after_ms 500; the log: "${events[0]!.message}"); gone ${clearedMs} ms after it came back; ${Date.now() - startedAt} ms for the test`);
  });
});
