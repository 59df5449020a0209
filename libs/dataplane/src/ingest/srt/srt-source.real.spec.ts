// SrtSource against real srt-live-transmit peers on loopback (127.0.0.x only): a caller with the
// right passphrase (TS byte-identical, every SCTE-35 cue intact), a wrong one (refused, no byte
// through), a caller leaving and coming back three times, and caller mode pulling from a listener.
// Every peer is killed by its pid and every wait is bounded.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { inspectTs, makeNullPacket } from '@mld/mpegts';
import { buildSyntheticTs, insertScte35, padToCbr } from '@mld/mpegts/fixtures';
import type { IngestState, SrtInputConfig } from '../../types.js';
import type { SourceEvent } from '../source.js';
import { SrtSource } from './srt-source.js';

const PASSPHRASE = 'correct-horse-77';
const peers = new Set<ChildProcess>();
after(() => {
  for (const peer of peers) if (peer.exitCode === null && peer.signalCode === null) peer.kill('SIGKILL');
});

/**
 * 4 s of a 2 Mbit/s CBR stream with a SCTE-35 cue every second, in whole 7-packet chunks: the
 * sending srt-live-transmit reads stdin in chunks of exactly `-chunk` bytes and drops a final
 * partial one at end of input (measured), which would otherwise look like a loss on our side.
 */
const FIXTURE = (() => {
  const base = buildSyntheticTs({ seconds: 4, frameBytes: 6000 });
  const withCues = insertScte35(padToCbr(base.ts, 2_000_000).ts, { intervalSeconds: 1 });
  const packets = withCues.ts.length / 188;
  const padding = Buffer.concat(Array.from({ length: (7 - (packets % 7)) % 7 }, () => makeNullPacket()));
  return { ts: Buffer.concat([withCues.ts, padding]), cues: withCues.cues };
})();

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/**
 * srt-live-transmit sending its stdin to `uri` as an encoder does (7 TS packets per SRT packet),
 * ended by SIGTERM or after 30 s. Fed from a pipe it holds data back (measured, 1.5.1): it reads up
 * to `-buffering` (10) chunks before sending and blocks on the next one, and it reads only when
 * epoll says stdin is readable, so what stdio had buffered waits. `-buffering:1` and unbuffered
 * stdin make it send every chunk as it comes, so a whole file arrives while it stays connected.
 */
function sender(uri: string): ChildProcess {
  const child = spawn('stdbuf', ['-i0', 'srt-live-transmit', '-t:30', '-buffering:1', '-chunk:1316', 'file://con', uri], { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin!.on('error', () => undefined);
  child.stderr!.resume();
  peers.add(child);
  child.once('exit', () => peers.delete(child));
  return child;
}

function stopPeer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Writes `data` to the peer's stdin at `bps`, in 7-packet chunks, until done or the peer exits. */
async function pace(child: ChildProcess, data: Buffer, bps = 8_000_000): Promise<void> {
  const start = Date.now();
  const step = 1316 * 10;
  for (let off = 0; off < data.length && child.exitCode === null && child.signalCode === null; off += step) {
    const due = start + ((off * 8) / bps) * 1000;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    child.stdin!.write(data.subarray(off, Math.min(off + step, data.length)));
  }
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function harness(input: SrtInputConfig) {
  const states: IngestState[] = [];
  const events: SourceEvent[] = [];
  const chunks: Buffer[] = [];
  const source = new SrtSource({
    input,
    sink: {
      ts: (b) => chunks.push(Buffer.from(b)),
      rejected: () => undefined,
      stateChanged: (_from, to) => states.push(to),
      event: (e) => events.push(e),
    },
  });
  return { source, states, events, received: () => Buffer.concat(chunks), state: () => source.snapshot().state };
}

const listener = (port: number, passphrase: string | null): SrtInputConfig => ({
  type: 'srt',
  mode: 'listener',
  bindIp: '127.0.0.1',
  host: null,
  port,
  latencyMs: 120,
  passphrase,
  pbkeylen: passphrase ? 16 : null,
  streamId: null,
});

describe('SrtSource with real srt-live-transmit peers', { timeout: 90_000 }, () => {
  it('listener, passphrase: the TS arrives byte-identical with every SCTE-35 cue; statistics and peer', async () => {
    const port = await freeUdpPort();
    const h = harness(listener(port, PASSPHRASE));
    await h.source.start();
    try {
      await waitFor('no_signal', () => h.state() === 'no_signal');
      const tx = sender(`srt://127.0.0.1:${port}?mode=caller&passphrase=${PASSPHRASE}&pbkeylen=16&adapter=127.0.0.5`);
      await waitFor('the caller', () => h.events.some((e) => e.kind === 'peer_connected'));
      await pace(tx, FIXTURE.ts);
      await waitFor('the stream', () => h.received().length >= FIXTURE.ts.length).catch((e: Error) => { throw new Error(`${e.message}: ${h.received().length} of ${FIXTURE.ts.length} bytes, ${JSON.stringify(h.source.snapshot())}`); });
      const s = h.source.snapshot();
      assert.equal(s.state, 'receiving');
      assert.match(s.peer ?? '', /^127\.0\.0\.5:\d+$/);
      assert.ok(s.bitrateBps > 0);
      assert.ok(s.srt && s.srt.latencyMs >= 120 && s.srt.packetsReceived > 0, JSON.stringify(s.srt));
      assert.equal(h.source.lostPackets(), 0);
      assert.equal(h.received().length, FIXTURE.ts.length);
      assert.ok(h.received().equals(FIXTURE.ts), 'byte-identical, and all of it while the caller is still connected (stdout unbuffered)');
      await stopPeer(tx);
      const r = inspectTs(h.received());
      assert.equal(r.cues.length, FIXTURE.cues.length);
      assert.ok(FIXTURE.cues.length >= 3 && r.cues.every((c) => c.crcValid));
      await waitFor('the caller to leave', () => h.events.length === 2);
      assert.deepEqual(h.events.map((e) => e.kind), ['peer_connected', 'peer_disconnected']);
      assert.match(h.events[0]!.message, /^caller 127\.0\.0\.5:\d+ connected$/);
    } finally {
      await h.source.stop();
    }
  });

  it('listener, wrong passphrase: peer_rejected naming the caller, not one byte through', async () => {
    const port = await freeUdpPort();
    const h = harness(listener(port, PASSPHRASE));
    await h.source.start();
    try {
      await waitFor('no_signal', () => h.state() === 'no_signal');
      const tx = sender(`srt://127.0.0.1:${port}?mode=caller&passphrase=wrong-horse-99&adapter=127.0.0.6`);
      const feeding = pace(tx, FIXTURE.ts.subarray(0, 500_000), 4_000_000);
      await waitFor('the refusal', () => h.events.some((e) => e.kind === 'peer_rejected'));
      await feeding;
      await stopPeer(tx);
      const rejected = h.events.filter((e) => e.kind === 'peer_rejected');
      assert.equal(rejected.length, 1, 'one event, however often it retried');
      assert.match(rejected[0]!.message, /^caller 127\.0\.0\.6:\d+ rejected: bad passphrase$/);
      assert.equal(h.received().length, 0);
      const s = h.source.snapshot();
      assert.equal(s.state, 'no_signal');
      assert.equal(s.bytes, 0);
      assert.equal(s.peer, null);
      assert.ok(!JSON.stringify([s, h.events]).includes(PASSPHRASE));
    } finally {
      await h.source.stop();
    }
  });

  it('listener: a caller leaving and another coming, three times: no_signal ⇄ receiving, events, one child', async () => {
    const port = await freeUdpPort();
    const h = harness(listener(port, null));
    await h.source.start();
    try {
      await waitFor('no_signal', () => h.state() === 'no_signal');
      for (const n of [7, 8, 9]) {
        const tx = sender(`srt://127.0.0.1:${port}?mode=caller&adapter=127.0.0.${n}`);
        await waitFor(`caller ${n}`, () => h.events.some((e) => e.kind === 'peer_connected' && e.peer?.startsWith(`127.0.0.${n}:`)));
        await pace(tx, FIXTURE.ts.subarray(0, 300_000));
        await waitFor('receiving', () => h.state() === 'receiving');
        await stopPeer(tx);
        await waitFor(`caller ${n} to leave`, () => h.events.some((e) => e.kind === 'peer_disconnected' && e.peer?.startsWith(`127.0.0.${n}:`)));
        await waitFor('no_signal again', () => h.state() === 'no_signal', 5000);
      }
      assert.deepEqual(h.states, ['starting', 'no_signal', 'receiving', 'no_signal', 'receiving', 'no_signal', 'receiving', 'no_signal']);
      assert.deepEqual(
        h.events.map((e) => e.message.replace(/:\d+ /, ':* ')),
        ['caller 127.0.0.7:* connected', 'caller 127.0.0.7:* left', 'caller 127.0.0.8:* connected', 'caller 127.0.0.8:* left', 'caller 127.0.0.9:* connected', 'caller 127.0.0.9:* left'],
      );
    } finally {
      await h.source.stop();
    }
  });

  it('listener: one caller at a time; a second waits unanswered until the first leaves, then gets in', async () => {
    const port = await freeUdpPort();
    const h = harness(listener(port, null));
    await h.source.start();
    try {
      await waitFor('no_signal', () => h.state() === 'no_signal');
      const first = sender(`srt://127.0.0.1:${port}?mode=caller&adapter=127.0.0.10`);
      await waitFor('the first caller', () => h.events.some((e) => e.kind === 'peer_connected'));
      const feeding = pace(first, FIXTURE.ts, 2_000_000); // 4 s
      const second = sender(`srt://127.0.0.1:${port}?mode=caller&adapter=127.0.0.11`);
      // Fed too: srt-live-transmit with nothing on stdin blocks in read() and never calls again.
      const feedingSecond = pace(second, Buffer.concat([FIXTURE.ts, FIXTURE.ts, FIXTURE.ts]), 2_000_000);
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual(h.events.map((e) => e.kind), ['peer_connected'], 'the second caller is not even answered');
      assert.match(h.source.snapshot().peer ?? '', /^127\.0\.0\.10:/);
      assert.equal(h.state(), 'receiving');
      await feeding;
      await waitFor('the whole stream', () => h.received().length >= FIXTURE.ts.length);
      assert.ok(h.received().equals(FIXTURE.ts), 'the first caller\'s stream undisturbed');
      await stopPeer(first);
      // srt-live-transmit as a caller tries again every 3 s (connect timeout): the second gets in then.
      await waitFor('the second caller', () => h.events.some((e) => e.kind === 'peer_connected' && e.peer?.startsWith('127.0.0.11:')), 8000);
      await stopPeer(second);
      await feedingSecond;
    } finally {
      await h.source.stop();
    }
  });

  it('listener: a port already taken is an error, retried, and the input comes up once it is free', async () => {
    const port = await freeUdpPort();
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind({ port, address: '127.0.0.1', exclusive: true }, resolve));
    const h = harness(listener(port, null));
    await h.source.start();
    try {
      await waitFor('the error', () => h.state() === 'error');
      assert.equal(h.source.snapshot().error, `cannot listen on 127.0.0.1:${port}: the port is already used by another program (retrying in 1 s)`);
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
      await waitFor('no_signal', () => h.state() === 'no_signal', 6000);
      assert.equal(h.source.snapshot().error, null);
    } finally {
      await h.source.stop();
    }
  });

  it('caller: a listener with another passphrase refuses the call: error, backoff, one event', async () => {
    const port = await freeUdpPort();
    const tx = sender(`srt://127.0.0.1:${port}?mode=listener&passphrase=${PASSPHRASE}`);
    const h = harness({ ...listener(port, 'another-horse-12'), mode: 'caller', bindIp: '0.0.0.0', host: '127.0.0.1' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      await h.source.start();
      await waitFor('the refusal', () => h.state() === 'error');
      assert.equal(h.source.snapshot().error, `listener 127.0.0.1:${port} refused the call: bad passphrase (retrying in 1 s)`);
      // Called again after the backoff (0.5-1 s, jittered), refused again, and the delay grows.
      await waitFor('the second refusal', () => h.states.filter((s) => s === 'error').length === 2, 5000);
      assert.match(h.source.snapshot().error ?? '', /refused the call: bad passphrase \(retrying in [12] s\)$/);
      assert.deepEqual(h.events.map((e) => e.message), [`listener 127.0.0.1:${port} refused the call: bad passphrase`]);
      assert.equal(h.received().length, 0);
    } finally {
      await h.source.stop();
      await stopPeer(tx);
    }
  });

  it('caller: pulls from an srt-live-transmit listener, byte-identical', async () => {
    const port = await freeUdpPort();
    const tx = sender(`srt://127.0.0.1:${port}?mode=listener&passphrase=${PASSPHRASE}`);
    const h = harness({ ...listener(port, PASSPHRASE), mode: 'caller', bindIp: '127.0.0.4', host: '127.0.0.1' });
    try {
      await new Promise((r) => setTimeout(r, 300)); // the listener binds
      await h.source.start();
      await waitFor('the call answered', () => h.events.some((e) => e.kind === 'peer_connected'));
      assert.equal(h.events[0]!.message, `connected to listener 127.0.0.1:${port}`);
      // Only now: srt-live-transmit drops what it reads while nobody is connected.
      await pace(tx, FIXTURE.ts);
      await waitFor('the stream', () => h.received().length >= FIXTURE.ts.length).catch((e: Error) => { throw new Error(`${e.message}: ${h.received().length} of ${FIXTURE.ts.length} bytes, ${JSON.stringify(h.source.snapshot())}`); });
      assert.equal(h.source.snapshot().peer, `127.0.0.1:${port}`);
      assert.ok(h.received().equals(FIXTURE.ts), `byte-identical (${h.received().length} of ${FIXTURE.ts.length} bytes)`);
      assert.equal(inspectTs(h.received()).cues.length, FIXTURE.cues.length);
    } finally {
      await h.source.stop();
      await stopPeer(tx);
    }
  });
});
