import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MSG } from '../../rtmp/chunk-stream.js';
import { decodeAmf0 } from '../../rtmp/amf0.js';
import { FLV_VIDEO } from '../../rtmp/flv-tag-reader.js';
import { RtmpPublisher, type RtmpPublisherOptions } from './rtmp-publisher.js';
import { defaultConnector, rtmpTarget } from './rtmp-target.js';
import { startScriptedServer, type ServerScript } from './testing/scripted-rtmp-server.js';

const KEY = 'sk-live-0123456789';

function target(port: number, secure = false) {
  return rtmpTarget({ protocol: secure ? 'rtmps' : 'rtmp', url: `${secure ? 'rtmps' : 'rtmp'}://127.0.0.1:${port}/live/${KEY}`, host: '127.0.0.1', port });
}

/** Runs a session until it publishes or fails; resolves with what happened. */
function session(port: number, extra: Partial<RtmpPublisherOptions> = {}): Promise<{ publisher: RtmpPublisher; published: boolean; error?: string }> {
  return new Promise((resolve) => {
    const publisher: RtmpPublisher = new RtmpPublisher({
      target: target(port),
      setupTimeoutMs: 2000,
      ...extra,
      onPublished: () => resolve({ publisher, published: true }),
      onError: (error) => resolve({ publisher, published: false, error }),
    });
    publisher.start();
  });
}

async function withServer<T>(script: ServerScript, run: (port: number, received: Awaited<ReturnType<typeof startScriptedServer>>['received']) => Promise<T>): Promise<T> {
  const server = await startScriptedServer(script);
  try {
    return await run(server.port, server.received);
  } finally {
    await server.close();
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RtmpPublisher against a scripted server', () => {
  it('connects with app and tcUrl (no key), creates the stream, publishes the key, answers pings, then sends tags', async () => {
    await withServer({ pingRequest: 77 }, async (port, received) => {
      const { publisher, published } = await session(port);
      assert.equal(published, true);
      const commands = received.filter((m) => m.command).map((m) => m.command!);
      assert.deepEqual(commands.map((c) => c[0]), ['connect', 'releaseStream', 'FCPublish', 'createStream', 'publish']);
      const connect = commands[0]![2] as Record<string, unknown>;
      assert.equal(connect['app'], 'live');
      assert.equal(connect['tcUrl'], `rtmp://127.0.0.1:${port}/live`);
      assert.deepEqual(commands[4]!.slice(3), [KEY, 'live']);
      assert.equal(received.find((m) => m.command?.[0] === 'publish')!.streamId, 1);
      const ping = received.find((m) => m.type === MSG.UserControl);
      assert.deepEqual(ping?.payload, Buffer.from([0, 7, 0, 0, 0, 77]));
      assert.ok(received.some((m) => m.type === MSG.SetChunkSize) && received.some((m) => m.type === MSG.WindowAckSize));

      publisher.insertDataMessage(40, 'onCuePoint', { name: 'cue-1' });
      publisher.writeTag({ type: FLV_VIDEO, timestamp: 40, data: Buffer.alloc(9000, 3) });
      await wait(100);
      const media = received.filter((m) => m.type === MSG.Video || m.type === MSG.DataAmf0);
      assert.deepEqual(media.map((m) => [m.type, m.timestamp, m.streamId]), [[MSG.DataAmf0, 40, 1], [MSG.Video, 40, 1]]);
      assert.deepEqual(decodeAmf0(media[0]!.payload), ['onCuePoint', Object.assign(Object.create(null), { name: 'cue-1' })]);
      assert.equal(media[1]!.payload.length, 9000);
      assert.ok(publisher.bytesWritten > 9000);
      publisher.close();
    });
  });

  it('a connect _error is reported with the server\'s code and description', async () => {
    await withServer({ connect: { code: 'NetConnection.Connect.Rejected', description: 'invalid app' } }, async (port) => {
      const { error } = await session(port);
      assert.equal(error, 'connection rejected by the server: NetConnection.Connect.Rejected: invalid app');
    });
  });

  it('a refused publish says so, with the server\'s words', async () => {
    await withServer({ publish: { code: 'NetStream.Publish.BadName', description: 'Stream already publishing' } }, async (port) => {
      const { error } = await session(port);
      assert.equal(error, 'publish rejected by the server: NetStream.Publish.BadName: Stream already publishing');
    });
  });

  it('a hang-up names the step it answered', async () => {
    await withServer({ connect: 'close' }, async (port) => {
      assert.match((await session(port)).error ?? '', /closed the connection in answer to connect: application "live" refused or unknown/);
    });
    await withServer({ publish: 'close' }, async (port) => {
      assert.match((await session(port)).error ?? '', /closed the connection in answer to publish: stream key rejected/);
    });
  });

  it('a closed port is "connection refused by host:port"; silence is a timeout naming the step', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    assert.equal((await session(port)).error, `connection refused by 127.0.0.1:${port}`);
    await withServer({ publish: 'silent' }, async (p) => {
      assert.equal((await session(p, { setupTimeoutMs: 300 })).error, `no answer from 127.0.0.1:${p} within 0.3 s (while waiting for the answer to publish)`);
    });
  });

  it('never puts the stream key in an error message it builds', async () => {
    await withServer({ publish: 'close' }, async (port) => {
      assert.ok(!((await session(port)).error ?? '').includes(KEY));
    });
  });
});

describe('RtmpPublisher over TLS (rtmps)', () => {
  let dir = '';
  let tls: { key: string; cert: string } = { key: '', cert: '' };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mld-rtmps-'));
    // A self-signed certificate for 127.0.0.1, made with the openssl CLI.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore', timeout: 30_000 });
    tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies the certificate: a self-signed one is refused with a TLS error', async () => {
    await withServer({ tls }, async (port) => {
      const { error } = await session(port, { target: target(port, true) });
      assert.match(error ?? '', new RegExp(`^TLS with 127\\.0\\.0\\.1:${port} failed: self[- ]signed certificate`));
    });
  });

  it('publishes over TLS when the certificate is trusted', async () => {
    await withServer({ tls }, async (port, received) => {
      const { publisher, published, error } = await session(port, { target: target(port, true), connector: defaultConnector({ ca: tls.cert }) });
      assert.equal(error, undefined);
      assert.equal(published, true);
      const connect = received.find((m) => m.command?.[0] === 'connect')!.command![2] as Record<string, unknown>;
      assert.equal(connect['tcUrl'], `rtmps://127.0.0.1:${port}/live`);
      publisher.close();
    });
  });
});
