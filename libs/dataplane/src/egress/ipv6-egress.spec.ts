// IPv6 destinations really sent over ::1 with the real tools: UDP/RTP from the service's own
// socket (udp6 for an IPv6 destination) and SRT through srt-live-transmit to a receiver
// listening on [::1]. Before, UDP sent from a udp4 socket to "[::1]" and SRT was given
// srt://[[::1]]:port: neither left the host.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { parseOutputUrl, type OutputProtocol } from '@mld/contracts';
import type { OutputConfig } from '../types.js';
import { createEgress } from './create-egress.js';

function config(protocol: OutputProtocol, url: string): OutputConfig {
  const parsed = parseOutputUrl(protocol, url);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { id: `o-${protocol}`, name: protocol, protocol, url, host: parsed.value.host, port: parsed.value.port, path: parsed.value.path, options: parsed.value.options };
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function udp6Receiver(): Promise<{ socket: Socket; port: number; bytes: () => number }> {
  const socket = createSocket('udp6');
  let total = 0;
  socket.on('message', (m) => (total += m.length));
  return new Promise((resolve) => socket.bind(0, '::1', () => resolve({ socket, port: socket.address().port, bytes: () => total })));
}

async function freeUdp6Port(): Promise<number> {
  const rx = await udp6Receiver();
  await new Promise<void>((r) => rx.socket.close(() => r()));
  return rx.port;
}

describe('IPv6 destinations over ::1', () => {
  for (const protocol of ['udp', 'rtp'] as const) {
    it(`${protocol}: datagrams arrive at a udp6 receiver on ::1`, async () => {
      const rx = await udp6Receiver();
      const egress = createEgress(config(protocol, `${protocol}://[::1]:${rx.port}`));
      try {
        egress.start();
        await until('running', () => egress.snapshot().state === 'running', 2_000);
        egress.accept(Buffer.alloc(1316 * 10, 0x47));
        const expected = protocol === 'rtp' ? 10 * (1316 + 12) : 1316 * 10;
        await until(`${expected} bytes`, () => rx.bytes() >= expected, 2_000);
        assert.equal(rx.bytes(), expected);
        assert.equal(egress.snapshot().lastError, null);
      } finally {
        await egress.stop();
        rx.socket.close();
      }
    });
  }

  it('srt: srt-live-transmit connects to a listener on [::1] and the bytes arrive', async () => {
    const port = await freeUdp6Port();
    let received = 0;
    const rx = spawn('srt-live-transmit', [`srt://[::1]:${port}?mode=listener`, 'file://con'], { stdio: ['ignore', 'pipe', 'ignore'] });
    // It never exits by itself (EVIDENCE §5): bounded whatever happens to the test.
    const bound = setTimeout(() => rx.kill('SIGKILL'), 30_000).unref();
    rx.stdout.on('data', (chunk: Buffer) => (received += chunk.length));
    const egress = createEgress(config('srt', `srt://[::1]:${port}?latency=120`));
    const feed = setInterval(() => egress.accept(Buffer.alloc(1316 * 20, 0x47)), 20);
    try {
      egress.start();
      await until('an SRT connection and 200 kB at the receiver', () => received >= 200_000, 20_000);
      assert.equal(egress.snapshot().connected, true);
      assert.equal(egress.snapshot().state, 'running');
    } finally {
      clearInterval(feed);
      await egress.stop();
      clearTimeout(bound);
      rx.kill('SIGKILL');
    }
  });
});
