import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { FakeSpawner } from '@mld/supervisor/testing';
import type { OutputConfig } from '../../types.js';
import { createEgress } from '../create-egress.js';
import { FLV_AUDIO, FLV_VIDEO, writeFlv } from '../../rtmp/flv-tag-reader.js';
import { PUBLISH_CONFIRM_MS } from './rtmp-publisher.js';
import { startScriptedServer } from './testing/scripted-rtmp-server.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KEY = 'egress-key-42';

function rtmpConfig(port: number): OutputConfig {
  return { id: 'r1', name: 'rtmp', protocol: 'rtmp', url: `rtmp://127.0.0.1:${port}/live/${KEY}`, host: '127.0.0.1', port, path: `/live/${KEY}`, options: {} };
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** FLV as FFmpeg writes it: header, then tags of `frameBytes` every 40 ms of timeline. */
function flv(frames: number, frameBytes: number, fromMs = 0): Buffer {
  const tags = [];
  for (let i = 0; i < frames; i++) {
    tags.push({ type: FLV_VIDEO, timestamp: fromMs + i * 40, data: Buffer.alloc(frameBytes, 1) });
    tags.push({ type: FLV_AUDIO, timestamp: fromMs + i * 40 + 20, data: Buffer.alloc(64, 2) });
  }
  return writeFlv(tags);
}

describe('RTMP egress: FFmpeg child + the service publisher', () => {
  it('fed TS while its destination refuses, it is never running: backoff, "connection refused by host:port"', async () => {
    const port = await closedPort();
    const spawner = new FakeSpawner();
    const states: string[] = [];
    const egress = createEgress(rtmpConfig(port), { spawner, onStateChange: ({ to }) => states.push(to) });
    egress.start();
    for (let i = 0; i < 50; i++) egress.accept(Buffer.alloc(1316, 0x47));
    await wait(200);
    // The supervisor SIGKILLs the child; the fake child exits when told.
    assert.deepEqual(spawner.last.signals, ['SIGKILL']);
    await spawner.last.exit(null, 'SIGKILL');
    const snap = egress.snapshot();
    assert.equal(snap.state, 'backoff');
    assert.equal(snap.lastError, `connection refused by 127.0.0.1:${port}`);
    assert.ok(snap.nextRetryAt !== null);
    assert.equal(snap.bitrateBps, 0);
    assert.ok(!states.includes('running'), `states: ${states.join(' → ')}`);
    assert.ok(!spawner.last.request.args.some((a) => a.includes(KEY) || a.includes('rtmp://')), 'no URL or key in the child argv');
    await egress.stop();
  });

  it('is running only once media reached the socket after Publish.Start; bytes are the socket\'s', async () => {
    const server = await startScriptedServer();
    const spawner = new FakeSpawner();
    const egress = createEgress(rtmpConfig(server.port), { spawner });
    try {
      egress.start();
      for (let i = 0; i < 20; i++) egress.accept(Buffer.alloc(1316, 0x47));
      await wait(150);
      spawner.last.acceptStdin();
      assert.equal(egress.snapshot().state, 'starting', 'TS handed to FFmpeg is not delivery');
      assert.equal(egress.snapshot().connected, false, 'a publish session just opened is not "connected" yet: a server that denies publishing closes it a moment later');
      spawner.last.stdout!.write(flv(25, 4000));
      await wait(PUBLISH_CONFIRM_MS / 2);
      assert.equal(egress.snapshot().state, 'starting', 'a session must survive a moment after Publish.Start');
      await wait(PUBLISH_CONFIRM_MS / 2 + 300);
      const snap = egress.snapshot();
      assert.equal(snap.state, 'running');
      assert.equal(snap.connected, true, 'the publish session survived: connected');
      assert.ok(snap.bytesOut > 25 * 4000 && snap.bytesOut < 25 * 4000 * 1.1 + 10_000, `bytesOut ${snap.bytesOut}`);
      assert.equal(server.received.filter((m) => m.type === 9).length, 25);
      await wait(600);
      assert.equal(egress.snapshot().ffmpeg?.frames, 25);
      assert.equal(egress.snapshot().ffmpeg?.outTimeSeconds, 0.98);
    } finally {
      const stopping = egress.stop();
      await spawner.last.exit(null, 'SIGTERM');
      await stopping;
      await server.close();
    }
  });

  it('a destination that stops taking data is a stall: the child is killed and the output backs off', async () => {
    const server = await startScriptedServer({ stopReadingAfterPublish: true });
    const spawner = new FakeSpawner();
    const egress = createEgress(rtmpConfig(server.port), { spawner, stallTimeoutMs: { rtmp: 2500 } });
    try {
      egress.start();
      await wait(100);
      // More than loopback socket buffers hold: writes back up, nothing more is accepted.
      for (let i = 0; i < 40; i++) spawner.last.stdout!.write(flv(25, 40_000, i * 1000).subarray(i === 0 ? 0 : 13));
      await waitUntil(() => spawner.last.signals.includes('SIGKILL'), 8000);
      await spawner.last.exit(null, 'SIGKILL');
      const snap = egress.snapshot();
      assert.equal(snap.state, 'backoff');
      assert.match(snap.lastError ?? '', /^stalled: no progress for 2\.5 s/);
    } finally {
      await egress.stop();
      await server.close();
    }
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await wait(50);
  }
}
