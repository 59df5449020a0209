// WHIP input against a real publisher: Debian's Chromium (fake camera and microphone) posts its
// offer through a tiny page on 127.0.0.1 to a WhipSource with its real werift peer and FFmpeg
// remux. Run under the heavy-command lock; every child is bounded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ContinuityTracker, isContinuityError, tsDiscontinuity, tsHasPayload, tsPid } from '@mld/mpegts';
import type { IngestState } from '../../types.js';
import type { SourceEvent } from '../source.js';
import { rtpPayload } from './rtp-restamper.js';
import { WhipOfferError } from './whip-offer.js';
import { WhipSource } from './whip-source.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const PAGE = `<!doctype html><meta charset="utf-8"><title>whip</title><script>
window.publish = async () => {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360, frameRate: 30 }, audio: true });
  const pc = new RTCPeerConnection();
  for (const track of media.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); setTimeout(r, 2000); });
  const res = await fetch('/whip', { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error('offer refused: ' + res.status + ' ' + await res.text());
  window.sessionId = res.headers.get('Location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  window.pc = pc;
  window.media = media;
  return pc.getTransceivers().map((t) => t.receiver.track.kind).join(',');
};
window.unpublish = async (bye) => { if (bye) await fetch('/whip/' + window.sessionId, { method: 'DELETE' }); window.pc.close(); window.media.getTracks().forEach((t) => t.stop()); };
</script>`;

async function until(what: string, check: () => boolean, timeoutMs: number, detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail ? `: ${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** H.264 NAL units of a run of RTP packets (single NAL, STAP-A, FU-A reassembled), keyed by hex. */
function nalsOfRtp(packets: Buffer[]): Set<string> {
  const nals = new Set<string>();
  let fu: Buffer[] | null = null;
  for (const p of packets) {
    const payload = Buffer.from(rtpPayload(p)!);
    const type = payload[0]! & 0x1f;
    if (type >= 1 && type <= 23) nals.add(payload.toString('hex'));
    else if (type === 24) {
      for (let off = 1; off + 2 < payload.length; ) {
        const size = payload.readUInt16BE(off);
        nals.add(payload.subarray(off + 2, off + 2 + size).toString('hex'));
        off += 2 + size;
      }
    } else if (type === 28) {
      const start = (payload[1]! & 0x80) !== 0;
      const end = (payload[1]! & 0x40) !== 0;
      if (start) fu = [Buffer.from([(payload[0]! & 0xe0) | (payload[1]! & 0x1f)])];
      if (fu) fu.push(payload.subarray(2));
      if (end && fu) {
        nals.add(Buffer.concat(fu).toString('hex'));
        fu = null;
      }
    }
  }
  return nals;
}

/** Slice NAL units (types 1 and 5) of an Annex B stream. */
function slicesOfAnnexB(data: Buffer): string[] {
  const starts: number[] = [];
  for (let i = 0; i + 3 <= data.length; i++) if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) starts.push(i + 3);
  const out: string[] = [];
  for (const [k, s] of starts.entries()) {
    let end = k + 1 < starts.length ? starts[k + 1]! - 3 : data.length;
    while (end > s && data[end - 1] === 0) end--;
    const type = data[s]! & 0x1f;
    if (type === 1 || type === 5) out.push(data.subarray(s, end).toString('hex'));
  }
  return out;
}

function openUdpSockets(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

describe('WhipSource with Chromium publishing', { timeout: 240_000 }, () => {
  const ts: Buffer[] = [];
  const video: Buffer[] = [];
  const states: IngestState[] = [];
  const events: SourceEvent[] = [];
  let source: WhipSource;
  let http: Server;
  let browser: Browser;
  let page: Page;

  before(async () => {
    source = new WhipSource({
      input: { type: 'whip', endpointId: 'spec' },
      network: { hostAddresses: ['127.0.0.1'] },
      sink: { ts: (c) => ts.push(Buffer.from(c)), rejected: () => undefined, stateChanged: (_f, to) => states.push(to), event: (e) => events.push(e) },
      observeRtp: (kind, packet) => kind === 'video' && video.push(packet),
    });
    await source.start();
    http = createServer((req, res) => {
      if (req.method === 'GET') return void res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
      if (req.method === 'DELETE') return void source.end(req.url!.split('/').at(-1)!).then((ended) => res.writeHead(ended ? 200 : 404).end());
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        source.offer(body, req.socket.remoteAddress ?? '?').then(
          (answer) => res.writeHead(201, { 'Content-Type': 'application/sdp', Location: answer.sessionId }).end(answer.sdp),
          (err: Error) => res.writeHead(err instanceof WhipOfferError ? 400 : 500).end(err.message),
        );
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    // Playwright gives every launch a fresh temporary profile (it refuses --user-data-dir).
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
    page = await browser.newPage();
    const address = http.address() as { port: number };
    await page.goto(`http://127.0.0.1:${address.port}/`);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await source?.stop();
    await new Promise((r) => http?.close(r));
  });

  it('receives H.264 as Chromium encoded it, with AAC audio, and continues the TS across a republish', async () => {
    await page.evaluate('window.publish()');
    await until('receiving', () => states.includes('receiving'), 20_000);
    await until('3 s of TS', () => ts.reduce((n, c) => n + c.length, 0) > 200_000 && source.snapshot().whip?.video.width !== null, 30_000, () => JSON.stringify({ ts: ts.length, video: video.length, snapshot: source.snapshot(), events }));
    const first = source.snapshot().whip!;
    assert.deepEqual([first.video.width, first.video.height], [640, 360]);
    assert.equal(first.audio?.transcodedTo, 'aac');
    await page.evaluate('window.unpublish(true)');
    await until('no_signal', () => source.snapshot().state === 'no_signal', 20_000);
    await until('the session ended', () => source.snapshot().whip === null, 20_000);
    const before = ts.reduce((n, c) => n + c.length, 0);
    await page.evaluate('window.publish()');
    await until('TS again', () => ts.reduce((n, c) => n + c.length, 0) > before + 150_000, 30_000);
    // Gone without DELETE: the session ends when the connection stays down.
    await page.evaluate('window.unpublish(false)');
    await until('the second session ended', () => source.snapshot().whip === null, 30_000);

    const all = Buffer.concat(ts);
    // One programme on fixed PIDs, continuity counters running on across the republish.
    const tracker = new ContinuityTracker();
    const pids = new Set<number>();
    let ccErrors = 0;
    for (let off = 0; off + 188 <= all.length; off += 188) {
      const pid = tsPid(all, off);
      pids.add(pid);
      if (tsHasPayload(all, off) && isContinuityError(tracker.observe(all, off, pid, tsDiscontinuity(all, off)))) ccErrors++;
    }
    assert.deepEqual([...pids].sort((a, b) => a - b), [0, 0x11, 0x100, 0x101, 0x1000]);
    assert.equal(ccErrors, 0);
    assert.deepEqual(events.filter((e) => e.kind === 'stream_restarted').map((e) => e.message), []);

    const dir = mkdtempSync(join(tmpdir(), 'mld-whip-ts-'));
    try {
      writeFileSync(join(dir, 'out.ts'), all);
      const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', join(dir, 'out.ts')], { timeout: 30_000, encoding: 'utf8' });
      assert.deepEqual([...new Set(probe.stdout.split('\n').filter(Boolean))].sort(), ['aac', 'h264']);
      const pts = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', join(dir, 'out.ts')], { timeout: 30_000, encoding: 'utf8' });
      const times = pts.stdout.trim().split('\n').map(Number).filter((t) => Number.isFinite(t));
      const backwards = times.filter((t, i) => i > 0 && t < times[i - 1]! - 0.5).length;
      assert.equal(backwards, 0, 'video PTS never jumps back across the republish');
      // A WebRTC encoder sends key frames only when asked: the source asks every 2 s, so the TS has a
      // GOP a later receiver can join at (without it, one IDR per session).
      const keys = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', join(dir, 'out.ts')], { timeout: 30_000, encoding: 'utf8' });
      const keyTimes = keys.stdout.trim().split('\n').filter((l) => l.split(',')[1]?.startsWith('K')).map((l) => Number(l.split(',')[0]));
      const gops = keyTimes.slice(1).map((t, i) => t - keyTimes[i]!).filter((d) => d > 0 && d < 10);
      assert.ok(keyTimes.length >= 4, `key frames in the TS: ${keyTimes.length}`);
      assert.ok(Math.max(...gops) <= 3, `GOPs ${gops.map((d) => d.toFixed(2)).join(' ')} s: a key frame at least every 3 s`);
      const h264 = spawnSync('ffmpeg', ['-v', 'error', '-i', join(dir, 'out.ts'), '-map', '0:v', '-c', 'copy', '-f', 'h264', 'pipe:1'], { timeout: 30_000, maxBuffer: 64 << 20 });
      const slices = slicesOfAnnexB(h264.stdout);
      const sent = nalsOfRtp(video);
      assert.ok(slices.length > 60, `slices in the TS: ${slices.length}`);
      const missing = slices.filter((s) => !sent.has(s)).length;
      assert.equal(missing, 0, `every H.264 slice in the TS is byte-identical to one Chromium sent (${missing} of ${slices.length} differ)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses 100 offers without leaking sockets', async () => {
    const baseline = openUdpSockets();
    const vp8Only = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:x\r\na=ice-pwd:yyyyyyyyyyyyyyyyyyyyyy\r\na=fingerprint:sha-256 AA\r\na=rtpmap:96 VP8/90000\r\n';
    const refusals = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      const sdp = i % 2 === 0 ? vp8Only : 'not sdp';
      await source.offer(sdp, '127.0.0.1').then(
        () => assert.fail('accepted'),
        (err: WhipOfferError) => refusals.set(err.code, (refusals.get(err.code) ?? 0) + 1),
      );
    }
    assert.deepEqual(Object.fromEntries(refusals), { unsupported_video_codec: 50, malformed_sdp: 50 });
    assert.ok(openUdpSockets() <= baseline, 'no socket left behind');
  });
});
