// Inputs of every kind in the dashboard, in Debian's Chromium against the real service: an admin
// creates an SRT-listener channel through the form (only SRT fields shown, the server's passphrase
// error under the passphrase field, the secret kept on an edit that leaves it empty), then an RTMP
// channel whose server URL, stream key and publish URL come with copy buttons (the clipboard holds
// the real key) and rotates the key, then a file channel picked from the media library; a viewer
// sees the key masked and no rotate button. Nothing streams: the channels are never started.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelWithOutputsResponse, MediaResponse } from '@mld/contracts';
import { makeFixture } from '@mld/mpegts/fixtures';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS } from './support/browser.js';
import { freeUdpPort } from './support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'e2e-admin-password';
const PASSPHRASE = 'contribution-passphrase-01';

describe('dashboard: SRT and RTMP inputs, connection details and key rotation in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-inputs-'));
  const work = mkdtempSync(join(tmpdir(), 'mld-e2e-inputs-files-'));
  let service: ServiceProcess;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let cspViolations: () => string[] = () => [];
  let token: string;
  let srtPort = 0;
  let rtmpChannelId = '';

  async function signIn(username: string, password: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    await page.goto(`${service.url}/login`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/channels/, { timeout: 15_000 });
    return page;
  }

  /** The dialog focuses its first field once it has opened: typing before that could land there. */
  async function openChannelForm(page: Page): Promise<Locator> {
    await page.getByTestId('new-channel').click();
    const form = page.getByTestId('channel-form');
    await form.waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'channel-form-name', undefined, { timeout: 5_000 });
    return form;
  }

  async function channel(id: string): Promise<ChannelWithOutputsResponse> {
    const r = await api<ChannelWithOutputsResponse>(service.url, 'GET', `/api/channels/${id}`, token);
    assert.equal(r.status, 200);
    return r.body;
  }

  /** Signals reach the DOM on the next frame: poll a text instead of reading it once. */
  async function textBecomes(locator: Locator, expected: (text: string) => boolean, what: string): Promise<string> {
    return waitFor(what, async () => {
      const text = await locator.innerText();
      return expected(text) ? text : undefined;
    }, 10_000);
  }

  const value = (field: Locator) => field.getByTestId('copy-field-value');

  async function clipboardAfterCopy(page: Page, field: Locator): Promise<string> {
    await field.getByTestId('copy-field-copy').click();
    await textBecomes(field.getByTestId('copy-field-copy'), (t) => t === 'Copied', 'the copy button to say Copied');
    return page.evaluate(() => navigator.clipboard.readText());
  }

  before(async () => {
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, PUBLIC_HOST: '127.0.0.1', LOGIN_RATE_LIMIT_PER_MINUTE: '100' });
    token = await login(service.url, 'admin', ADMIN_PASSWORD);
    assert.equal((await api(service.url, 'POST', '/api/users', token, { username: 'watcher', password: 'watcher-password', role: 'viewer' })).status, 201);
    srtPort = await freeUdpPort();
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

  it('creates an SRT listener through the form: only SRT fields, the server\'s passphrase error in place, the connect URL to copy', async () => {
    const page = await signIn('admin', ADMIN_PASSWORD);
    const form = await openChannelForm(page);
    await page.getByTestId('channel-form-name').fill('SRT contribution');
    await page.getByTestId('channel-form-input-type-srt').click();
    await page.waitForSelector('[data-testid="channel-form"][data-input-type="srt"]', { timeout: 5_000 });
    for (const id of ['channel-form-srt-mode', 'channel-form-bind-ip', 'channel-form-port', 'channel-form-latency', 'channel-form-pbkeylen', 'channel-form-passphrase']) {
      assert.equal(await form.getByTestId(id).count(), 1, `${id} is shown for an SRT listener`);
    }
    for (const id of ['channel-form-source-ip', 'channel-form-interface-ip', 'channel-form-media', 'channel-form-host', 'channel-form-streamid', 'channel-form-rtmp-note']) {
      assert.equal(await form.getByTestId(id).count(), 0, `${id} is not an SRT listener's field`);
    }
    assert.equal(await page.getByTestId('channel-form-latency').inputValue(), '200');
    assert.equal(await page.getByTestId('channel-form-passphrase').getAttribute('type'), 'password');
    // A caller calls a host instead of binding an address, and may send a stream id.
    await page.getByTestId('channel-form-srt-mode-caller').click();
    await page.getByTestId('channel-form-host').waitFor({ timeout: 5_000 });
    assert.equal(await form.getByTestId('channel-form-streamid').count(), 1);
    assert.equal(await form.getByTestId('channel-form-bind-ip').count(), 0);
    await page.getByTestId('channel-form-srt-mode-listener').click();
    await page.getByTestId('channel-form-bind-ip').waitFor({ timeout: 5_000 });

    await page.getByTestId('channel-form-port').fill(String(srtPort));
    await page.getByTestId('channel-form-passphrase').fill('short');
    await page.getByTestId('channel-form-submit').click();
    const passphraseField = page.locator('mat-form-field', { has: page.getByTestId('channel-form-passphrase') });
    await passphraseField.getByTestId('field-error-passphrase').waitFor({ timeout: 10_000 });
    assert.match(await passphraseField.getByTestId('field-error-passphrase').innerText(), /^passphrase must be 10-79 printable characters without spaces/);
    assert.equal(await page.getByTestId('form-error').count(), 0, 'the message is under its field, not in a banner');
    await page.waitForTimeout(400); // the message fades in
    await page.screenshot({ path: join(SCREENSHOTS, 'channel-form-srt-passphrase-error.png') });

    await page.getByTestId('channel-form-passphrase').fill(PASSPHRASE);
    await page.getByTestId('channel-form-submit').click();
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    const id = (await page.getByTestId('channel-detail').getAttribute('data-channel-id')) ?? '';
    const created = await channel(id);
    assert.deepEqual(created.input, { type: 'srt', mode: 'listener', bind_ip: '0.0.0.0', host: null, port: srtPort, latency: 200, passphrase: PASSPHRASE, pbkeylen: null, streamid: null, connect_url: `srt://127.0.0.1:${srtPort}` });

    const details = page.getByTestId('connection-details');
    const url = page.getByTestId('srt-connect-url');
    assert.equal(await value(url).innerText(), `srt://127.0.0.1:${srtPort}`);
    assert.match(await details.getByTestId('srt-latency-hint').innerText(), /^Latency: 200 ms/);
    assert.match(await details.getByTestId('srt-passphrase-hint').innerText(), /^Encrypted \(AES-128\)/);
    assert.equal(await value(page.getByTestId('srt-passphrase')).innerText(), '****', 'the passphrase is hidden until shown');
    assert.equal(await clipboardAfterCopy(page, url), `srt://127.0.0.1:${srtPort}`);
    assert.equal(await page.getByTestId('channel-input-type').innerText(), 'SRT listener');
    assert.equal(await page.getByTestId('channel-input').innerText(), `0.0.0.0:${srtPort}`);

    // Editing with the passphrase left empty keeps it (a masked value is never sent back).
    await page.getByTestId('channel-edit').click();
    await page.getByTestId('channel-form-latency').waitFor();
    assert.equal(await page.getByTestId('channel-form-passphrase').inputValue(), '');
    assert.equal(await page.getByTestId('passphrase-hint').innerText(), 'Leave empty to keep the current one');
    await page.getByTestId('channel-form-latency').fill('300');
    await page.getByTestId('channel-form-submit').click();
    await textBecomes(details.getByTestId('srt-latency-hint'), (t) => t.startsWith('Latency: 300 ms'), 'the new latency in the connection details');
    const edited = await channel(id);
    assert.equal(edited.input.type === 'srt' && edited.input.passphrase, PASSPHRASE);

    await page.getByTestId('back-to-channels').click();
    const row = page.locator(`[data-testid="channel-row"][data-channel-id="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    assert.equal(await row.getByTestId('channel-input').innerText(), `srt listener 0.0.0.0:${srtPort}`);
    assert.equal(await row.getByTestId('channel-input-type').innerText(), 'SRT');
    await page.close();
  });

  it('creates an RTMP channel: server URL, key and publish URL with copy buttons; rotating the key changes it', async () => {
    const page = await signIn('admin', ADMIN_PASSWORD);
    const form = await openChannelForm(page);
    await page.getByTestId('channel-form-name').fill('RTMP studio');
    await page.getByTestId('channel-form-input-type-rtmp').click();
    await page.getByTestId('channel-form-rtmp-note').waitFor({ timeout: 5_000 });
    assert.equal(await form.locator('input[matinput]').count(), 2, 'only name and description: the key is made by the service');
    await page.getByTestId('channel-form-submit').click();
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    rtmpChannelId = (await page.getByTestId('channel-detail').getAttribute('data-channel-id')) ?? '';
    const first = await channel(rtmpChannelId);
    assert.ok(first.input.type === 'rtmp' && first.input.stream_key.length >= 16 && first.input.publish_url);
    const key = first.input.stream_key;
    const publishUrl = first.input.publish_url;
    assert.equal(publishUrl, `${publishUrl.slice(0, publishUrl.lastIndexOf('/'))}/${key}`);

    const server = page.getByTestId('rtmp-server-url');
    const keyField = page.getByTestId('rtmp-stream-key');
    const urlField = page.getByTestId('rtmp-publish-url');
    assert.equal(await value(server).innerText(), publishUrl.slice(0, publishUrl.lastIndexOf('/')));
    assert.match(await value(server).innerText(), /^rtmp:\/\/127\.0\.0\.1(:\d+)?\/live$/);
    assert.equal(await value(keyField).innerText(), '****', 'the key is hidden until shown');
    assert.equal(await value(urlField).innerText(), publishUrl.replace(key, '****'));
    for (const field of [server, keyField, urlField]) assert.equal(await field.getByTestId('copy-field-copy').count(), 1);
    assert.equal(await clipboardAfterCopy(page, keyField), key, 'the copy holds the key itself, not the mask');
    assert.equal(await clipboardAfterCopy(page, urlField), publishUrl);
    await keyField.getByTestId('copy-field-toggle').click();
    await urlField.getByTestId('copy-field-toggle').click();
    await textBecomes(value(keyField), (t) => t === key, 'the key shown');
    await textBecomes(value(urlField), (t) => t === publishUrl, 'the publish URL shown');
    assert.equal(await page.getByTestId('channel-input-type').innerText(), 'RTMP push');
    await page.screenshot({ path: join(SCREENSHOTS, 'connection-details-rtmp.png'), fullPage: true });

    await page.getByTestId('rtmp-rotate-key').click();
    await page.getByTestId('confirm-ok').click();
    const rotated = await textBecomes(value(keyField), (t) => t !== key && t !== '****', 'a new key on the page');
    const after = await channel(rtmpChannelId);
    assert.ok(after.input.type === 'rtmp');
    assert.equal(rotated, after.input.stream_key);
    assert.notEqual(after.input.stream_key, key);
    await textBecomes(value(urlField), (t) => t === after.input.publish_url, 'the new publish URL');
    await page.close();
  });

  it('plays a file of the media library: the picker lists it with duration and codecs, loop can be turned off', async () => {
    const { tsPath } = await makeFixture({ outDir: work, name: 'slate', seconds: 2, bitrate: 1_000_000, width: 320, height: 240 });
    const upload = new FormData();
    upload.append('name', 'Studio slate');
    upload.append('file', new Blob([readFileSync(tsPath)]), 'slate.ts');
    const uploaded = await fetch(`${service.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: upload });
    assert.equal(uploaded.status, 201, await uploaded.clone().text());
    const media = (await uploaded.json()) as MediaResponse;

    const page = await signIn('admin', ADMIN_PASSWORD);
    await openChannelForm(page);
    await page.getByTestId('channel-form-name').fill('Playout');
    await page.getByTestId('channel-form-input-type-file').click();
    await page.getByTestId('channel-form-submit').click();
    await page.getByTestId('field-error-media_id').waitFor({ timeout: 5_000 });
    await page.getByTestId('channel-form-media').click();
    const option = page.locator('mat-option[data-media-name="Studio slate"]');
    assert.match(await option.innerText(), /^Studio slate · 0:0[12]\.\d · h264 \/ aac$/);
    await option.click();
    await page.getByTestId('channel-form-loop').locator('button').click();
    await page.getByTestId('channel-form-submit').click();
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    const id = (await page.getByTestId('channel-detail').getAttribute('data-channel-id')) ?? '';
    assert.deepEqual((await channel(id)).input, { type: 'file', media_id: media.id, loop: false });
    assert.equal(await page.getByTestId('channel-input').innerText(), 'played once');
    assert.equal(await page.getByTestId('connection-details').count(), 0, 'nothing to tell an encoder');
    await page.close();
  });

  it('shows a viewer the key masked, the server URL to copy, and no rotate button', async () => {
    const page = await signIn('watcher', 'watcher-password');
    await page.goto(`${service.url}/channels/${rtmpChannelId}`);
    const keyField = page.getByTestId('rtmp-stream-key');
    await keyField.waitFor({ timeout: 10_000 });
    assert.equal(await value(keyField).innerText(), '****');
    assert.match(await value(page.getByTestId('rtmp-publish-url')).innerText(), /\/live\/\*\*\*\*$/);
    assert.equal(await keyField.getAttribute('data-server-masked'), 'true');
    assert.equal(await page.getByTestId('copy-field-toggle').count(), 0, 'nothing to show');
    assert.equal(await keyField.getByTestId('copy-field-copy').count(), 0, 'nothing to copy');
    assert.equal(await page.getByTestId('rtmp-server-url').getByTestId('copy-field-copy').count(), 1);
    assert.equal(await page.getByTestId('rtmp-key-masked-note').count(), 1);
    assert.equal(await page.getByTestId('rtmp-rotate-key').count(), 0);
    assert.equal(await page.getByTestId('channel-edit').count(), 0);
    await page.close();
  });

  it('reported no Content-Security-Policy violation on any page', () => {
    assert.deepEqual(cspViolations(), []);
  });
});
