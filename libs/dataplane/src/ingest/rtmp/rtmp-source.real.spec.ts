// RTMP push input against real FFmpeg encoders on 127.0.0.1: the shared server, an RtmpSource and
// its real FFmpeg remux child (supervised, pdeathsig). Every child is bounded by a timeout.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContinuityTracker, inspectTs, isContinuityError, tsDiscontinuity, tsHasPayload, tsPid } from '@mld/mpegts';
import { runProcess } from '@mld/mpegts/fixtures';
import type { IngestState } from '../../types.js';
import type { SourceEvent } from '../source.js';
import { RtmpIngestServer, type RtmpRejection } from './rtmp-ingest-server.js';
import { RtmpSource } from './rtmp-source.js';

const KEY = 'real-spec-key-5b9e2c';
const children = new Set<ChildProcess>();

/** `ffmpeg -re -i <fixture> -c copy -f flv rtmp://…`, killed after `timeoutMs`. */
function ffmpeg(args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stderr });
    });
  });
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Rig {
  server: RtmpIngestServer;
  source: RtmpSource;
  ts: Buffer[];
  states: IngestState[];
  events: SourceEvent[];
  rejections: RtmpRejection[];
  url: (key: string) => string;
}

async function rig(): Promise<Rig> {
  const rejections: RtmpRejection[] = [];
  const server = new RtmpIngestServer({ host: '127.0.0.1', port: 0, rejectDelayMs: 100, onRejected: (r) => rejections.push(r) });
  await server.listen();
  const ts: Buffer[] = [];
  const states: IngestState[] = [];
  const events: SourceEvent[] = [];
  const source = new RtmpSource({
    input: { type: 'rtmp', streamKey: KEY },
    server,
    sink: { ts: (c) => ts.push(Buffer.from(c)), rejected: () => undefined, stateChanged: (_f, to) => states.push(to), event: (e) => events.push(e) },
  });
  await source.start();
  return { server, source, ts, states, events, rejections, url: (key) => `rtmp://127.0.0.1:${server.port}/live/${key}` };
}

async function teardown(r: Rig): Promise<void> {
  await r.source.stop();
  await r.server.close();
}

/** PIDs seen and continuity errors over the whole output, with the project's continuity rule. */
function continuity(ts: Buffer): { pids: number[]; errors: number; discontinuityIndicators: number } {
  const tracker = new ContinuityTracker();
  const pids = new Set<number>();
  let errors = 0;
  let discontinuityIndicators = 0;
  for (let off = 0; off + 188 <= ts.length; off += 188) {
    const pid = tsPid(ts, off);
    pids.add(pid);
    const disc = tsDiscontinuity(ts, off);
    if (disc) discontinuityIndicators++;
    if (tsHasPayload(ts, off) && isContinuityError(tracker.observe(ts, off, pid, disc))) errors++;
  }
  return { pids: [...pids].sort((a, b) => a - b), errors, discontinuityIndicators };
}

/** Video frames ffprobe decodes in a TS, with the first and last video PTS. */
async function probe(dir: string, ts: Buffer): Promise<{ frames: number; firstPts: number; lastPts: number }> {
  const path = join(dir, `out-${Date.now()}.ts`);
  writeFileSync(path, ts);
  const out = await new Promise<string>((resolve) => {
    const child = spawn('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', path], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
  const pts = out.split('\n').map(Number).filter((n) => Number.isFinite(n) && n > 0);
  return { frames: pts.length, firstPts: Math.min(...pts), lastPts: Math.max(...pts) };
}

describe('RTMP push input with real FFmpeg encoders', { timeout: 120_000 }, () => {
  let dir = '';
  let fixture = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mld-rtmp-in-'));
    fixture = join(dir, 'av.flv');
    // 8 s of H.264 (2 s GOP, B-frames) + AAC, as an encoder would send it.
    const r = await runProcess('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000', '-t', '8', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-bf', '2', '-b:v', '1500k', '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', fixture], 60_000);
    assert.equal(r.code, 0, r.stderr);
  });

  after(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a publish: TS with fixed PIDs (PMT 0x1000, video 0x100, audio 0x101) that ffprobe decodes; the encoder in the snapshot', async () => {
    const r = await rig();
    try {
      const publishing = ffmpeg(['-re', '-i', fixture, '-t', '4', '-c', 'copy', '-f', 'flv', r.url(KEY)], 30_000);
      await until('receiving', () => r.states.includes('receiving'), 10_000);
      await until('onMetaData', () => r.source.snapshot().rtmp?.width === 640, 5000);
      const info = r.source.snapshot().rtmp!;
      assert.match(info.encoder ?? '', /^Lavf/);
      assert.deepEqual([info.videoCodec, info.audioCodec, info.width, info.height, info.frameRate], ['h264', 'aac', 640, 360, 25]);
      assert.match(info.clientAddress, /^127\.0\.0\.1:\d+$/);
      const { code } = await publishing;
      assert.equal(code, 0);
      await until('no_signal after the publisher left', () => r.states.at(-1) === 'no_signal', 5000);
      const ts = Buffer.concat(r.ts);
      const report = inspectTs(ts);
      assert.deepEqual(report.pmts.map((p) => p.streams.map((s) => s.pid)), [[0x100, 0x101]]);
      assert.equal(report.pat?.programs[0]?.pmtPid, 0x1000);
      assert.equal(report.ccErrors, 0);
      const decoded = await probe(dir, ts);
      assert.ok(decoded.frames >= 95, `${decoded.frames} frames of ~100`);
      assert.ok(r.events.some((e) => e.kind === 'peer_connected') && r.events.some((e) => e.kind === 'peer_disconnected'));
      assert.ok(!JSON.stringify([r.events, r.source.snapshot()]).includes(KEY));
    } finally {
      await teardown(r);
    }
  });

  it('a wrong key: FFmpeg fails with the server\'s words, the rejection carries the address and not the key', async () => {
    const r = await rig();
    try {
      const { code, stderr } = await ffmpeg(['-re', '-i', fixture, '-t', '2', '-c', 'copy', '-f', 'flv', r.url('not-the-key')], 20_000);
      assert.notEqual(code, 0);
      assert.match(stderr, /Stream key not accepted/);
      assert.equal(r.rejections.length, 1);
      assert.equal(r.rejections[0]!.kind, 'stream_key');
      assert.match(r.rejections[0]!.clientAddress, /^127\.0\.0\.1:\d+$/);
      assert.ok(!JSON.stringify(r.rejections).includes('not-the-key'));
      assert.equal(r.ts.length, 0);
      assert.ok(!r.states.includes('receiving'));
    } finally {
      await teardown(r);
    }
  });

  it('a publisher that stops for 5 s and starts again: one TS, same PIDs throughout, continuity counters continuous, frames of both sessions decode', async (t) => {
    const r = await rig();
    try {
      assert.equal((await ffmpeg(['-re', '-i', fixture, '-t', '3', '-c', 'copy', '-f', 'flv', r.url(KEY)], 30_000)).code, 0);
      await until('no_signal', () => r.states.at(-1) === 'no_signal', 5000);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      assert.equal((await ffmpeg(['-re', '-i', fixture, '-t', '3', '-c', 'copy', '-f', 'flv', r.url(KEY)], 30_000)).code, 0);
      await until('no_signal again', () => r.states.filter((s) => s === 'no_signal').length >= 3, 5000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(r.states, ['starting', 'no_signal', 'receiving', 'no_signal', 'receiving', 'no_signal']);
      assert.ok(!r.events.some((e) => e.kind === 'stream_restarted'), 'the remux was not restarted');
      const ts = Buffer.concat(r.ts);
      const cc = continuity(ts);
      assert.deepEqual(cc.pids, [0x0000, 0x0011, 0x0100, 0x0101, 0x1000]);
      assert.equal(cc.errors, 0);
      assert.equal(cc.discontinuityIndicators, 0);
      const decoded = await probe(dir, ts);
      // 2 × 3 s at 25 fps; the second session's last frames may still sit in FFmpeg's interleaving queue.
      assert.ok(decoded.frames >= 140, `${decoded.frames} frames of ~150`);
      const span = decoded.lastPts - decoded.firstPts;
      t.diagnostic(`${ts.length} TS bytes, PIDs ${cc.pids.map((p) => `0x${p.toString(16)}`).join(' ')}, ${cc.errors} CC errors, ${decoded.frames} frames decoded, video PTS span ${span.toFixed(2)} s`);
      assert.ok(span > 10.5 && span < 12.5, `PTS span ${span} s: 3 s + the 5 s gap (+ publisher start-up) + 3 s`);
    } finally {
      await teardown(r);
    }
  });

  it('a second encoder on the same key takes over; the first one is disconnected', async () => {
    const r = await rig();
    try {
      const first = ffmpeg(['-re', '-i', fixture, '-c', 'copy', '-f', 'flv', r.url(KEY)], 30_000);
      await until('first receiving', () => r.states.includes('receiving'), 10_000);
      const second = ffmpeg(['-re', '-i', fixture, '-t', '2', '-c', 'copy', '-f', 'flv', r.url(KEY)], 30_000);
      const firstResult = await first;
      assert.notEqual(firstResult.code, 0, 'the replaced encoder sees its connection end');
      assert.equal((await second).code, 0);
      const replaced = r.events.find((e) => e.kind === 'peer_disconnected' && /replaced by/.test(e.message));
      assert.match(replaced?.message ?? '', /^publisher 127\.0\.0\.1:\d+ replaced by 127\.0\.0\.1:\d+$/);
    } finally {
      await teardown(r);
    }
  });

  // FFmpeg signs its C1 (digest scheme 0) and, when it plays, verifies S1 and S2: a wrong digest fails the handshake.
  it('FFmpeg as a player checks our signed handshake and gets past it (then is told this server takes publishers only)', async () => {
    const r = await rig();
    try {
      const { code, stderr } = await ffmpeg(['-i', r.url(KEY), '-t', '1', '-f', 'null', '-'], 20_000);
      assert.notEqual(code, 0);
      assert.doesNotMatch(stderr, /validating failed|Signature mismatch|handshake/i);
      assert.match(stderr, /publishers only/);
      assert.equal(r.rejections.at(-1)?.kind, 'play');
    } finally {
      await teardown(r);
    }
  });
});
