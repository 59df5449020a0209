// The closed-loop preview follows its channel (real service, real FFmpeg): stopping the channel
// stops the preview and removes its files, requests answer 409 while it is stopped, and after a
// restart a new viewer gets a fresh, advancing playlist within seconds. Before, the stale
// playlist of the first run was served (frozen) after the channel stopped and even after it
// started again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort, makeTestFeed, startTsSender, stopAllTracked, type TsSender } from './support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'preview-lifecycle-password';
const SEGMENTS = /seg\d{5}\.ts/g;

describe('preview lifecycle follows its channel (real FFmpeg)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-preview-life-'));
  let service: ServiceProcess;
  let token: string;
  let sender: TsSender | undefined;

  before(async () => {
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, DASHBOARD_DIR: join(dataDir, 'none') });
    token = await login(service.url, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await sender?.stop();
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (base: string, file: string) => fetch(`${base}/preview/${file}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(20_000) });
  const segmentsOf = (playlist: string) => playlist.match(SEGMENTS) ?? [];
  /** The playlist once it lists segments. */
  const livePlaylist = (base: string, timeoutMs: number) =>
    waitFor('a playlist with segments', async () => {
      const r = await get(base, 'index.m3u8');
      const text = r.status === 200 ? await r.text() : '';
      return segmentsOf(text).length > 0 ? text : undefined;
    }, timeoutMs, 250);
  /** Preview directories the service keeps for the channel (under its mld-preview-* root). */
  const previewDirs = (channelId: string) =>
    readdirSync(tmpdir())
      .filter((d) => d.startsWith('mld-preview-'))
      .map((d) => join(tmpdir(), d, channelId))
      .filter((d) => existsSync(d));

  it('stops with the channel (409, files gone, FFmpeg gone) and serves live segments again soon after a restart', async () => {
    const inPort = await freeUdpPort();
    const created = await api<{ id: string }>(service.url, 'POST', '/api/channels', token, { name: 'preview lifecycle', bind_ip: '127.0.0.1', port: inPort });
    assert.equal(created.status, 201);
    const channelId = created.body.id;
    const base = `${service.url}/api/channels/${channelId}`;
    const feed = await makeTestFeed({ seconds: 4, bitrate: 2_000_000, cueIntervalSeconds: 2, width: 640, height: 360 });
    sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp', loop: true, durationMs: 120_000 });

    assert.equal((await api(service.url, 'POST', `/api/channels/${channelId}/start`, token)).status, 200);
    const firstRun = await livePlaylist(base, 30_000);
    const oldSegment = segmentsOf(firstRun).at(-1)!;
    assert.equal((await get(base, oldSegment)).status, 200);
    assert.ok(previewDirs(channelId).length === 1, 'the preview writes into its directory');
    assert.ok(processesMentioning(channelId).length > 0, 'an FFmpeg writes the preview');

    // Stopped: no stale playlist, no stale segment, no files, no FFmpeg.
    assert.equal((await api(service.url, 'POST', `/api/channels/${channelId}/stop`, token)).status, 200);
    for (const file of ['index.m3u8', oldSegment]) {
      const r = await get(base, file);
      const text = await r.text();
      assert.equal(r.status, 409, `${file} while stopped: ${r.status} ${text.slice(0, 200)}`);
      assert.match((JSON.parse(text) as { message: string }).message, /not running: start it to preview it/);
    }
    await waitFor('the preview files to be removed', () => previewDirs(channelId).length === 0, 5_000);
    await waitFor('the preview FFmpeg to exit', () => processesMentioning(channelId).length === 0, 10_000);

    // Restarted: a new viewer gets a fresh playlist, and it advances (live, not frozen).
    assert.equal((await api(service.url, 'POST', `/api/channels/${channelId}/start`, token)).status, 200);
    const restartedAt = Date.now();
    const fresh = await livePlaylist(base, 20_000);
    const firstSegmentMs = Date.now() - restartedAt;
    const lastFresh = segmentsOf(fresh).at(-1)!;
    const advanced = await waitFor('the playlist to advance', async () => {
      const r = await get(base, 'index.m3u8');
      const last = r.status === 200 ? segmentsOf(await r.text()).at(-1) : undefined;
      return last !== undefined && last !== lastFresh ? last : undefined;
    }, 8_000, 250);
    const advancedMs = Date.now() - restartedAt;
    console.log(`preview after restart: first segment listed ${firstSegmentMs} ms after start, playlist advanced (${lastFresh} → ${advanced}) after ${advancedMs} ms`);
    assert.ok(firstSegmentMs <= 15_000, `first segment after ${firstSegmentMs} ms`);
    const seg = await get(base, advanced);
    assert.equal(seg.status, 200);
    const bytes = Buffer.from(await seg.arrayBuffer());
    assert.ok(bytes.length > 10_000 && bytes[0] === 0x47, 'a TS segment of the new run');

    await sender.stop();
    sender = undefined;
    assert.equal((await api(service.url, 'POST', `/api/channels/${channelId}/stop`, token)).status, 200);
  });
});
