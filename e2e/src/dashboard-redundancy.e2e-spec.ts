// Main/backup inputs (issue #12) in the dashboard, in Debian's Chromium against the real service.
// The form: the backup is off by default; turned on, it has the main input's fields and the
// failover settings, the server's backup_input.* / failover.* messages land under those fields,
// and turning it off in an edit removes the backup. Live: a channel with an RTP main and an RTP
// backup, each fed by the RTP sender, shows the main on air with both inputs' health side by
// side; the main's feed stops and the page shows the backup on air and a failover in the history;
// an operator forces the main back and the stored choice becomes "main"; a viewer gets no control.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS } from './support/browser.js';
import { Distributor } from './support/distributor.js';
import { freeUdpPort, makeTestFeed, startTsSender, stopAllTracked, type TestFeed, type TsSender } from './support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'e2e-admin-password';
const VIEWPORT = { width: 1440, height: 1000 };

describe('dashboard: main/backup inputs, failover and the operator\'s switch in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-redundancy-'));
  let service: ServiceProcess;
  let mld: Distributor;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let cspViolations: () => string[] = () => [];
  let feed: TestFeed;
  const senders: TsSender[] = [];
  let liveChannelId = '';

  async function signIn(username: string, password: string): Promise<Page> {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(`${service.url}/login`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/channels/, { timeout: 15_000 });
    return page;
  }

  /** Signals reach the DOM on the next frame, live status about once a second: poll a text instead of reading it once. */
  async function textBecomes(locator: Locator, expected: (text: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    let last = '';
    try {
      return await waitFor(what, async () => {
        // An element that is replaced (or goes) between two polls is read again on the next one.
        last = await locator.first().innerText({ timeout: 500 }).catch(() => '(absent)');
        return expected(last) ? last : undefined;
      }, timeoutMs, 200);
    } catch (e) {
      throw new Error(`${(e as Error).message}; last text: ${JSON.stringify(last)}`);
    }
  }

  async function channel(id: string): Promise<ChannelWithOutputsResponse> {
    return mld.channel(id);
  }

  async function feedPort(port: number): Promise<TsSender> {
    const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port, mode: 'rtp', loop: true, durationMs: 150_000 });
    senders.push(sender);
    return sender;
  }

  before(async () => {
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, PUBLIC_HOST: '127.0.0.1', LOGIN_RATE_LIMIT_PER_MINUTE: '100' });
    const token = await login(service.url, 'admin', ADMIN_PASSWORD);
    mld = new Distributor(service.url, token);
    for (const [username, role] of [
      ['oper', 'operator'],
      ['watcher', 'viewer'],
    ] as const) {
      assert.equal((await api(service.url, 'POST', '/api/users', token, { username, password: `${username}-password`, role })).status, 201);
    }
    feed = await makeTestFeed({ seconds: 4, bitrate: 2_000_000, cueIntervalSeconds: 2, width: 320, height: 180 });
    ({ browser, close: closeBrowser, cspViolations } = await launchBrowser());
  });

  after(async () => {
    await Promise.all(senders.map((s) => s.stop().catch(() => undefined)));
    await closeBrowser?.();
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds a backup input through the form: its own fields, the server\'s messages under them, removed again by an edit', async () => {
    const [mainPort, backupPort] = [await freeUdpPort(), await freeUdpPort()];
    const page = await signIn('admin', ADMIN_PASSWORD);
    await page.getByTestId('new-channel').click();
    const form = page.getByTestId('channel-form');
    await form.waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'channel-form-name', undefined, { timeout: 5_000 });
    await page.getByTestId('channel-form-name').fill('News with backup');
    await page.getByTestId('channel-form-port').fill(String(mainPort));
    for (const id of ['channel-form-backup-input-type', 'channel-form-backup-port', 'channel-form-failover-mode']) assert.equal(await form.getByTestId(id).count(), 0, `${id} hidden while the backup is off`);

    await page.getByTestId('channel-form-backup').locator('button').click();
    await page.getByTestId('channel-form-backup-port').waitFor({ timeout: 5_000 });
    assert.equal(await form.getAttribute('data-backup-input-type'), 'rtp');
    assert.equal(await page.getByTestId('channel-form-backup-bind-ip').inputValue(), '0.0.0.0');
    assert.equal(await page.getByTestId('channel-form-failover-loss-ms').inputValue(), '500');
    assert.equal(await page.getByTestId('channel-form-failover-restore-ms').inputValue(), '10000');
    assert.equal(await form.getByTestId('channel-form-failover-merge-window-ms').count(), 0, 'the merge window only in merge mode');
    await page.getByTestId('channel-form-failover-mode-merge').click();
    await page.getByTestId('channel-form-failover-merge-window-ms').waitFor({ timeout: 5_000 });
    assert.equal(await form.getByTestId('channel-form-failover-loss-ms').count(), 0, 'merge uses both paths: no switch settings');
    await page.getByTestId('channel-form-failover-mode-failover').click();
    await page.getByTestId('channel-form-failover-loss-ms').waitFor({ timeout: 5_000 });
    // The backup's kind is chosen on its own: SRT for the backup leaves the main RTP.
    await page.getByTestId('channel-form-backup-input-type-srt').click();
    await page.getByTestId('channel-form-backup-latency').waitFor({ timeout: 5_000 });
    assert.equal(await form.getAttribute('data-input-type'), 'rtp');
    assert.equal(await form.getByTestId('channel-form-source-ip').count(), 1, 'the main keeps its RTP fields');
    await page.getByTestId('channel-form-backup-input-type-rtp').click();
    await page.getByTestId('channel-form-backup-source-ip').waitFor({ timeout: 5_000 });

    // The server's complaints, one at a time, each under the field it names.
    await page.getByTestId('channel-form-failover-loss-ms').fill('50');
    await page.getByTestId('channel-form-backup-port').fill(String(mainPort));
    await page.getByTestId('channel-form-submit').click();
    const lossField = page.locator('mat-form-field', { has: page.getByTestId('channel-form-failover-loss-ms') });
    await lossField.getByTestId('field-error-failover.loss_ms').waitFor({ timeout: 10_000 });
    assert.match(await lossField.getByTestId('field-error-failover.loss_ms').innerText(), /^loss_ms is in milliseconds: an integer from 100 to 10000/);
    assert.equal(await page.getByTestId('form-error').count(), 0, 'the message is under its field, not in a banner');
    await page.getByTestId('channel-form-failover-loss-ms').fill('800');
    await page.getByTestId('channel-form-submit').click();
    const backupPortField = page.locator('mat-form-field', { has: page.getByTestId('channel-form-backup-port') });
    await backupPortField.getByTestId('field-error-backup_input.port').waitFor({ timeout: 10_000 });
    assert.match(await backupPortField.getByTestId('field-error-backup_input.port').innerText(), /another port than the main/);
    assert.equal(await page.getByTestId('field-error-port').count(), 0, 'the main\'s port is not blamed');
    await page.waitForTimeout(400); // the message fades in
    await page.screenshot({ path: join(SCREENSHOTS, 'channel-form-backup-port-error.png'), fullPage: true });

    await page.getByTestId('channel-form-backup-port').fill(String(backupPort));
    await page.getByTestId('channel-form-submit').click();
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    const id = (await page.getByTestId('channel-detail').getAttribute('data-channel-id')) ?? '';
    const created = await channel(id);
    assert.deepEqual(created.backup_input, { type: 'rtp', bind_ip: '0.0.0.0', port: backupPort, source_ip: null, interface_ip: null });
    assert.deepEqual(created.failover, { mode: 'failover', prefer: 'main', loss_ms: 800, restore_ms: 10_000, merge_window_ms: 200 });
    assert.equal(created.input_selection, 'auto');
    assert.equal(await page.getByTestId('channel-backup-input').innerText(), `RTP · 0.0.0.0:${backupPort}`);
    const panel = page.getByTestId('redundancy-panel');
    assert.equal(await panel.getAttribute('data-mode'), 'failover');
    assert.match(await panel.getByTestId('redundancy-config').innerText(), /^failover · switch after 800 ms without a good signal · back to main after 10 s healthy\. Backup: RTP · 0\.0\.0\.0:\d+\.$/);
    assert.match(await panel.getByTestId('redundancy-idle').innerText(), /the channel is stopped/);

    // An edit that leaves the backup alone keeps it; one that turns it off removes it.
    await page.getByTestId('channel-edit').click();
    await page.getByTestId('channel-form-backup-port').waitFor({ timeout: 5_000 });
    assert.equal(await page.getByTestId('channel-form-backup-port').inputValue(), String(backupPort));
    await page.getByTestId('channel-form-backup').locator('button').click();
    await page.getByTestId('channel-form-backup-removed').waitFor({ timeout: 5_000 });
    assert.equal(await page.getByTestId('channel-form-backup-port').count(), 0);
    await page.getByTestId('channel-form-submit').click();
    await page.getByTestId('redundancy-panel').waitFor({ state: 'detached', timeout: 10_000 });
    const edited = await channel(id);
    assert.deepEqual([edited.backup_input, edited.failover, edited.input_selection], [null, null, 'auto']);
    assert.equal(await page.getByTestId('channel-backup-input').count(), 0);
    await page.close();
  });

  it('shows the main on air, then the backup after a failover, and lets an operator force the main back', async () => {
    const [mainPort, backupPort] = [await freeUdpPort(), await freeUdpPort()];
    // prefer "none": once on the backup the channel stays there by itself, so bringing the main back is the operator's click.
    const created = await mld.createChannel({
      name: 'Redundant news',
      input: { type: 'rtp', bind_ip: '127.0.0.1', port: mainPort },
      backup_input: { type: 'rtp', bind_ip: '127.0.0.1', port: backupPort },
      failover: { mode: 'failover', prefer: 'none', loss_ms: 500 },
    });
    liveChannelId = created.id;
    assert.equal((await mld.post(`/api/channels/${created.id}/start`)).status, 200);
    let main = await feedPort(mainPort);

    const page = await signIn('oper', 'oper-password');
    await page.goto(`${service.url}/channels/${created.id}`);
    const panel = page.getByTestId('redundancy-panel');
    await panel.waitFor({ timeout: 10_000 });
    const onAir = panel.getByTestId('redundancy-on-air');
    assert.equal(await textBecomes(onAir, (t) => t === 'On air: main', 'the main on air', 20_000), 'On air: main');
    assert.equal(await onAir.getAttribute('data-role'), 'main');
    await textBecomes(panel.getByTestId('redundancy-main-health'), (t) => t.startsWith('healthy'), 'the main healthy', 15_000);
    assert.match(await textBecomes(panel.getByTestId('redundancy-main-bitrate'), (t) => /(M|k)bit\/s$/.test(t), 'the main\'s bitrate'), /^[\d.]+ (M|k)bit\/s$/);
    // The standby has no feed yet: the page says so beside the healthy main.
    assert.match(await textBecomes(panel.getByTestId('redundancy-backup-health'), (t) => t.startsWith('no data'), 'the backup without data', 15_000), /^no data/);
    assert.equal(await panel.getByTestId('redundancy-history-empty').count(), 1);
    assert.equal(await panel.getByTestId('input-selection').getAttribute('data-selection'), 'auto');
    assert.equal(await panel.getByTestId('input-switch-auto').isDisabled(), true, 'Auto is the current choice');

    // The backup is fed (hot standby, healthy side by side), then the main's feed stops.
    await feedPort(backupPort);
    await textBecomes(panel.getByTestId('redundancy-backup-health'), (t) => t.startsWith('healthy'), 'the backup healthy', 15_000);
    assert.equal(await onAir.innerText(), 'On air: main', 'a healthy backup does not take over by itself');
    await main.stop();
    await textBecomes(onAir, (t) => t === 'On air: backup', 'the backup on air after the failover', 15_000);
    assert.equal(await onAir.getAttribute('data-role'), 'backup');
    const failoverRow = panel.locator('[data-testid="redundancy-switch"][data-cause="failover"]');
    await failoverRow.first().waitFor({ timeout: 10_000 });
    assert.equal(await failoverRow.first().getByTestId('redundancy-switch-from-to').innerText(), 'main → backup');
    assert.equal(await failoverRow.first().getByTestId('redundancy-switch-cause').innerText(), 'failover');
    assert.match(await panel.getByTestId('redundancy-switches').innerText(), /^1 switch$/);
    await textBecomes(panel.getByTestId('redundancy-main-health'), (t) => /^no data|^(TS sync loss|PAT missing|PMT missing|video missing)/.test(t), 'the main at fault');
    await page.waitForTimeout(1_500);
    await page.screenshot({ path: join(SCREENSHOTS, 'channel-redundancy-failover.png'), fullPage: true });

    // The main comes back; with prefer "none" the channel stays on the backup until the operator says otherwise.
    main = await feedPort(mainPort);
    await textBecomes(panel.getByTestId('redundancy-main-health'), (t) => t.startsWith('healthy'), 'the main healthy again', 15_000);
    assert.equal(await onAir.innerText(), 'On air: backup');
    await panel.getByTestId('input-switch-main').click();
    await textBecomes(panel.getByTestId('input-selection'), (t) => t.startsWith('Forced to main'), 'the selection forced to main');
    assert.equal(await panel.getByTestId('input-selection').getAttribute('data-selection'), 'main');
    assert.equal((await channel(created.id)).input_selection, 'main', 'the choice is stored with the channel');
    await textBecomes(onAir, (t) => t === 'On air: main', 'the main on air again (at its next key frame)', 15_000);
    await textBecomes(panel.getByTestId('redundancy-on-air-detail'), (t) => t === 'pinned by an operator (main)', 'the reason: pinned');
    const forcedRow = panel.locator('[data-testid="redundancy-switch"]').first();
    await textBecomes(forcedRow.getByTestId('redundancy-switch-cause'), (t) => t === 'operator', 'the newest switch: the operator\'s');
    assert.equal(await forcedRow.getByTestId('redundancy-switch-from-to').innerText(), 'backup → main');
    assert.equal(await forcedRow.getByTestId('redundancy-switch-key-frame').innerText(), 'yes', 'a planned switch cuts at a key frame');
    assert.equal(await panel.getByTestId('input-switch-main').isDisabled(), true);
    assert.equal(await panel.getByTestId('input-switch-auto').isDisabled(), false);
    await page.waitForTimeout(1_000);
    await page.screenshot({ path: join(SCREENSHOTS, 'channel-redundancy-forced-main.png'), fullPage: true });

    const types = (await mld.events({ channel_id: created.id, limit: '100' })).map((e) => e.type);
    assert.ok(types.includes('input.failover'), `an input.failover event was logged (got ${types.join(', ')})`);
    await page.close();
  });

  it('shows a viewer the input on air and the history, without the switch control', async () => {
    const page = await signIn('watcher', 'watcher-password');
    await page.goto(`${service.url}/channels/${liveChannelId}`);
    const panel = page.getByTestId('redundancy-panel');
    await textBecomes(panel.getByTestId('redundancy-on-air'), (t) => t === 'On air: main', 'the input on air', 15_000);
    assert.equal(await panel.getByTestId('input-selection').getAttribute('data-selection'), 'main');
    assert.ok((await panel.getByTestId('redundancy-switch').count()) >= 2);
    for (const to of ['main', 'backup', 'auto']) assert.equal(await page.getByTestId(`input-switch-${to}`).count(), 0, `no ${to} button for a viewer`);
    const refused = await api(service.url, 'POST', `/api/channels/${liveChannelId}/input/switch`, await login(service.url, 'watcher', 'watcher-password'), { to: 'auto' });
    assert.equal(refused.status, 403, 'the server refuses what the page hides');
    await page.close();
  });

  it('tells the encoders of an RTMP backup and an SRT-listener backup their own URLs; the backup\'s key rotates alone', async () => {
    const rtmp = await mld.createChannel({ name: 'RTMP pair', input: { type: 'rtmp' }, backup_input: { type: 'rtmp' } });
    assert.ok(rtmp.input.type === 'rtmp' && rtmp.backup_input?.type === 'rtmp' && rtmp.input.publish_url && rtmp.backup_input.publish_url);
    const [mainUrl, backupUrl, backupKey] = [rtmp.input.publish_url, rtmp.backup_input.publish_url, rtmp.backup_input.stream_key];
    assert.notEqual(mainUrl, backupUrl, 'the backup has its own stream key');
    const page = await signIn('admin', ADMIN_PASSWORD);
    await page.goto(`${service.url}/channels/${rtmp.id}`);
    const details = page.getByTestId('connection-details');
    await details.waitFor({ timeout: 10_000 });
    assert.deepEqual(await details.locator('.connection__title').allInnerTexts(), ['Main input', 'Backup input']);
    const value = (testId: string) => page.getByTestId(testId).getByTestId('copy-field-value');
    assert.equal(await value('backup-rtmp-publish-url').innerText(), backupUrl.replace(backupKey, '****'), 'hidden until shown');
    await page.getByTestId('backup-rtmp-publish-url').getByTestId('copy-field-toggle').click();
    await page.getByTestId('rtmp-publish-url').getByTestId('copy-field-toggle').click();
    await textBecomes(value('backup-rtmp-publish-url'), (t) => t === backupUrl, 'the backup\'s publish URL');
    await textBecomes(value('rtmp-publish-url'), (t) => t === mainUrl, 'the main\'s publish URL');

    await page.getByTestId('backup-rtmp-rotate-key').click();
    await page.getByTestId('confirm-ok').click();
    const rotated = await waitFor('a new backup key', async () => {
      const c = await channel(rtmp.id);
      return c.backup_input?.type === 'rtmp' && c.backup_input.stream_key !== backupKey ? c : undefined;
    });
    assert.ok(rotated.input.type === 'rtmp' && rotated.backup_input?.type === 'rtmp');
    assert.equal(rotated.input.publish_url, mainUrl, 'the main keeps its key');
    assert.notEqual(rotated.backup_input.publish_url, backupUrl);
    await textBecomes(value('backup-rtmp-publish-url'), (t) => t === rotated.backup_input?.publish_url, 'the new backup publish URL on the page');
    assert.equal(await value('rtmp-publish-url').innerText(), mainUrl);

    const srtPort = await freeUdpPort();
    const srt = await mld.createChannel({ name: 'RTP main, SRT backup', input: { type: 'rtp', bind_ip: '127.0.0.1', port: await freeUdpPort() }, backup_input: { type: 'srt', mode: 'listener', port: srtPort } });
    await page.goto(`${service.url}/channels/${srt.id}`);
    await page.getByTestId('backup-srt-connect-url').waitFor({ timeout: 10_000 });
    assert.equal(await value('backup-srt-connect-url').innerText(), `srt://127.0.0.1:${srtPort}`);
    assert.equal(await page.getByTestId('srt-connect-url').count(), 0, 'nothing to tell the RTP main\'s encoder');
    assert.deepEqual(await page.getByTestId('connection-details').locator('.connection__title').allInnerTexts(), ['Backup input']);
    await page.close();
  });

  it('reported no Content-Security-Policy violation on any page', () => {
    assert.deepEqual(cspViolations(), []);
  });
});
