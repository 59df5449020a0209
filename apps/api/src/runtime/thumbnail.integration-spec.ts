// GET /api/channels/{id}/thumbnail against a real app with a real H.264 feed over UDP: a JPEG a
// viewer can read, 320 px wide (ffprobe says so), cached for a few seconds, and no FFmpeg run
// at all while the channel runs and nobody asks.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { makeFixture } from '@mld/mpegts/fixtures';
import { freeUdpPort, startTestApp, tokenForRole, type TestApp } from '../testing/test-app.js';
import { ThumbnailService } from './thumbnail.service.js';

const FFMPEG = '/usr/bin/ffmpeg';
const FFPROBE = '/usr/bin/ffprobe';

function ffprobeSize(path: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out.trim());
    });
  });
}

/** Plays the file to 127.0.0.1:port in real time (by size over duration), 7 packets a datagram, looping. */
function playLooped(ts: Buffer, seconds: number, port: number): () => void {
  const socket = createSocket('udp4');
  const datagram = 7 * 188;
  const perTick = Math.max(1, Math.round(ts.length / datagram / (seconds * 100)));
  let off = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      if (off + datagram > ts.length) off = 0;
      socket.send(ts.subarray(off, off + datagram), port, '127.0.0.1');
      off += datagram;
    }
  }, 10);
  return () => {
    clearInterval(timer);
    socket.close();
  };
}

async function getJpeg(app: TestApp, id: string, token: string): Promise<{ status: number; body: Buffer; headers: Headers; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${app.url}/api/channels/${id}/thumbnail`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(20_000) });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, body, headers: response.headers, ms: performance.now() - started };
}

describe('channel thumbnail', () => {
  let app: TestApp;
  let dir: string;
  let feed: Buffer;
  let admin: string;
  let viewer: string;
  let stopFeed: (() => void) | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mld-thumb-it-'));
    const fixture = await makeFixture({ outDir: dir, seconds: 4, bitrate: 1_500_000, ffmpegPath: FFMPEG });
    feed = await readFile(fixture.tsPath);
    app = await startTestApp({ FFMPEG_PATH: FFMPEG });
    admin = await app.login();
    viewer = await tokenForRole(app, admin, 'viewer');
  });
  after(async () => {
    stopFeed?.();
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves a viewer a 320 px JPEG of the running channel, made only when asked', async () => {
    const thumbnails = app.running.app.get(ThumbnailService);
    const unknown = await getJpeg(app, randomUUID(), viewer);
    assert.equal(unknown.status, 404);

    const port = await freeUdpPort();
    const created = await app.request<{ id: string }>('POST', '/api/channels', { token: admin, body: { name: 'thumb', bind_ip: '127.0.0.1', port, input_type: 'udp' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    const stopped = await getJpeg(app, id, viewer);
    assert.equal(stopped.status, 409);
    assert.match(JSON.parse(stopped.body.toString('utf8')).message, /not running/);

    assert.equal((await app.request('POST', `/api/channels/${id}/start`, { token: admin })).status, 200);
    stopFeed = playLooped(feed, 4, port);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(thumbnails.runs, 0, 'the channel runs, nobody asked: no FFmpeg');

    // Two viewers at once share one FFmpeg run.
    const [first, twin] = await Promise.all([getJpeg(app, id, viewer), getJpeg(app, id, admin)]);
    assert.equal(first.status, 200, first.body.toString('utf8'));
    assert.equal(first.headers.get('content-type'), 'image/jpeg');
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const at = Date.parse(first.headers.get('x-thumbnail-at') ?? '');
    assert.ok(Date.now() - at < 10_000, `the key frame is recent (${first.headers.get('x-thumbnail-at')})`);
    assert.ok(first.headers.get('last-modified'));
    assert.deepEqual([...first.body.subarray(0, 2)], [0xff, 0xd8]);
    const jpegPath = join(dir, 'thumb.jpg');
    await writeFile(jpegPath, first.body);
    assert.equal(await ffprobeSize(jpegPath), 'mjpeg,320,180');
    assert.equal(thumbnails.runs, 1);
    assert.equal(twin.status, 200);
    assert.deepEqual(twin.body, first.body);

    const again = await getJpeg(app, id, viewer);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body, 'within 5 s: the cached picture');
    assert.equal(thumbnails.runs, 1, 'no second FFmpeg run');

    await new Promise((r) => setTimeout(r, 5200));
    const later = await getJpeg(app, id, viewer);
    assert.equal(later.status, 200);
    assert.ok(Date.parse(later.headers.get('x-thumbnail-at') ?? '') > at, 'a newer key frame');
    assert.equal(thumbnails.runs, 2);
    console.log(`thumbnail: first ${first.ms.toFixed(0)} ms (waits for a key frame), cached ${again.ms.toFixed(0)} ms, refresh ${later.ms.toFixed(0)} ms; ${first.body.length} B`);

    stopFeed();
    stopFeed = undefined;
    assert.equal((await app.request('POST', `/api/channels/${id}/stop`, { token: admin })).status, 200);
    const afterStop = await getJpeg(app, id, viewer);
    assert.equal(afterStop.status, 409);
  });
});
