// The shared server over real TCP/TLS on 127.0.0.1, with the project's own RTMP publisher as the
// encoder (FFmpeg as the encoder is in rtmp-source.real.spec.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RtmpPublisher } from '../../egress/rtmp/rtmp-publisher.js';
import { defaultConnector, rtmpTarget } from '../../egress/rtmp/rtmp-target.js';
import { FLV_VIDEO } from '../../rtmp/flv-tag-reader.js';
import { RtmpIngestServer, type RtmpPublisherHandler, type RtmpRejection, type RtmpIngestServerOptions } from './rtmp-ingest-server.js';
import type { RtmpPublishSession } from './rtmp-server-session.js';
import { tagBodies } from './testing/scripted-rtmp-client.js';

const KEY = 'chan-a-0123456789abcdef';

async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

class RecordingHandler implements RtmpPublisherHandler {
  readonly log: string[] = [];
  readonly sessions: RtmpPublishSession[] = [];
  media = 0;
  publishStarted(session: RtmpPublishSession): void {
    this.sessions.push(session);
    this.log.push(`started ${session.id}`);
  }
  message(): void {
    this.media += 1;
  }
  publishEnded(session: RtmpPublishSession, reason: string, replacedBy?: RtmpPublishSession): void {
    this.log.push(`ended ${session.id}${replacedBy ? ` replaced by ${replacedBy.id}` : ''}: ${reason}`);
  }
}

async function withServer(options: Partial<RtmpIngestServerOptions>, run: (server: RtmpIngestServer, rejections: RtmpRejection[]) => Promise<void>): Promise<void> {
  const rejections: RtmpRejection[] = [];
  const server = new RtmpIngestServer({ host: '127.0.0.1', port: 0, rejectDelayMs: 50, ...options, onRejected: (r) => rejections.push(r) });
  await server.listen();
  try {
    await run(server, rejections);
  } finally {
    await server.close();
  }
}

/** Publishes with the egress publisher; resolves once published or failed. */
function publish(port: number, key: string, extra: { secure?: boolean; ca?: string; app?: string } = {}): Promise<{ publisher: RtmpPublisher; error?: string; errors: string[] }> {
  const scheme = extra.secure ? 'rtmps' : 'rtmp';
  const parsed = rtmpTarget({ protocol: scheme, url: `${scheme}://127.0.0.1:${port}/live/${key}`, host: '127.0.0.1', port });
  const target = extra.app ? { ...parsed, app: extra.app } : parsed;
  const errors: string[] = [];
  return new Promise((resolve) => {
    const publisher: RtmpPublisher = new RtmpPublisher({
      target,
      connector: defaultConnector(extra.ca ? { ca: extra.ca } : {}),
      setupTimeoutMs: 3000,
      onPublished: () => resolve({ publisher, errors }),
      onError: (error) => {
        errors.push(error);
        resolve({ publisher, error, errors });
      },
    });
    publisher.start();
  });
}

describe('RtmpIngestServer', () => {
  it('routes a publish to the handler of its key; media flows', async () => {
    await withServer({}, async (server) => {
      const handler = new RecordingHandler();
      server.register(KEY, handler);
      const { publisher, error } = await publish(server.port!, KEY);
      assert.equal(error, undefined);
      await until('publishStarted', () => handler.sessions.length === 1);
      assert.match(handler.sessions[0]!.clientAddress, /^127\.0\.0\.1:\d+$/);
      for (let i = 0; i < 5; i++) publisher.writeTag({ type: FLV_VIDEO, timestamp: i * 40, data: tagBodies.avcFrame() });
      await until('media', () => handler.media === 5);
      publisher.close();
      await until('publishEnded', () => handler.log.length === 2);
      assert.match(handler.log[1]!, /ended \d+: the publisher stopped \(deleteStream\)/);
    });
  });

  it('refuses an unknown key with BadName after the delay; the rejection names the address, never the key', async () => {
    await withServer({ rejectDelayMs: 300 }, async (server, rejections) => {
      server.register(KEY, new RecordingHandler());
      const started = Date.now();
      const { error } = await publish(server.port!, 'guess-0001');
      assert.ok(Date.now() - started >= 280, 'answered after the delay');
      assert.equal(error, 'publish rejected by the server: NetStream.Publish.BadName: Stream key not accepted.');
      assert.equal(rejections.length, 1);
      assert.equal(rejections[0]!.kind, 'stream_key');
      assert.match(rejections[0]!.clientAddress, /^127\.0\.0\.1:\d+$/);
      assert.ok(!JSON.stringify(rejections).includes('guess-0001'));
    });
  });

  it('a query after the key (some encoders add one) is not part of the key', async () => {
    await withServer({}, async (server) => {
      const handler = new RecordingHandler();
      server.register(KEY, handler);
      const { error, publisher } = await publish(server.port!, `${KEY}?encoder=x`);
      assert.equal(error, undefined);
      await until('started', () => handler.sessions.length === 1);
      publisher.close();
    });
  });

  it('refuses an application other than "live"', async () => {
    await withServer({}, async (server, rejections) => {
      server.register(KEY, new RecordingHandler());
      // The whole URL pasted as the server: the key ends up in the app, which is therefore never echoed.
      const { error } = await publish(server.port!, 'x', { app: `live/${KEY}` });
      assert.match(error ?? '', /connection rejected by the server: NetConnection.Connect.Rejected/);
      assert.equal(rejections[0]!.kind, 'app');
      assert.equal(rejections[0]!.reason, 'unknown application (publish to /live/<stream key>)');
      assert.ok(!JSON.stringify(rejections).includes(KEY));
    });
  });

  it('takeover: a second publisher of the same key replaces the first, which is disconnected', async () => {
    await withServer({}, async (server) => {
      const handler = new RecordingHandler();
      server.register(KEY, handler);
      const first = await publish(server.port!, KEY);
      await until('first', () => handler.sessions.length === 1);
      const second = await publish(server.port!, KEY);
      assert.equal(second.error, undefined);
      await until('second', () => handler.sessions.length === 2);
      const [a, b] = handler.sessions;
      assert.deepEqual(handler.log, [`started ${a!.id}`, `ended ${a!.id} replaced by ${b!.id}: replaced by a new publisher from ${b!.clientAddress}`, `started ${b!.id}`]);
      await until('the first publisher sees its connection closed', () => first.errors.length === 1);
      assert.match(first.errors[0]!, /closed the connection/);
      second.publisher.writeTag({ type: FLV_VIDEO, timestamp: 0, data: tagBodies.avcFrame() });
      await until('media of the second', () => handler.media === 1);
      second.publisher.close();
    });
  });

  it('one key per input; unregistering disconnects the publisher and refuses the key from then on', async () => {
    await withServer({}, async (server, rejections) => {
      const handler = new RecordingHandler();
      const registration = server.register(KEY, handler);
      assert.throws(() => server.register(KEY, new RecordingHandler()), /already used by another RTMP input/);
      assert.throws(() => server.register('', new RecordingHandler()), /needs a stream key/);
      const { errors } = await publish(server.port!, KEY);
      await until('started', () => handler.sessions.length === 1);
      registration.unregister();
      await until('ended', () => handler.log.length === 2 && errors.length === 1);
      assert.match(handler.log[1]!, /the channel input stopped/);
      const again = await publish(server.port!, KEY);
      assert.match(again.error ?? '', /BadName/);
      assert.equal(rejections.at(-1)!.kind, 'stream_key');
    });
  });

  it('bounds connections and closes a client that never publishes', async () => {
    await withServer({ maxConnections: 2, setupTimeoutMs: 300 }, async (server, rejections) => {
      const sockets: Socket[] = [];
      for (let i = 0; i < 3; i++) {
        const s = connect(server.port!, '127.0.0.1');
        s.on('error', () => undefined);
        sockets.push(s);
        await new Promise((r) => s.once('connect', r));
      }
      await until('limit', () => rejections.some((r) => r.kind === 'limit'));
      await until('setup timeouts', () => rejections.filter((r) => r.kind === 'timeout').length === 2);
      assert.match(rejections.find((r) => r.kind === 'timeout')!.reason, /no publish within 0.3 s/);
      await until('closed', () => server.connections === 0);
      for (const s of sockets) s.destroy();
    });
  });

  it('reports a port it cannot take', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as AddressInfo).port;
    const server = new RtmpIngestServer({ host: '127.0.0.1', port });
    await assert.rejects(server.listen(), /cannot listen for RTMP on 127.0.0.1:\d+: EADDRINUSE/);
    assert.match(server.listenError ?? '', /EADDRINUSE/);
    await new Promise<void>((r) => holder.close(() => r()));
  });

  describe('RTMPS', () => {
    let dir = '';
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'mld-rtmps-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore', timeout: 30_000 });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('takes a publish over TLS with the configured certificate', async () => {
      const key = readFileSync(join(dir, 'key.pem'), 'utf8');
      const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      await withServer({ tls: { host: '127.0.0.1', port: 0, key, cert } }, async (server) => {
        const handler = new RecordingHandler();
        server.register(KEY, handler);
        const { error, publisher } = await publish(server.tlsPort!, KEY, { secure: true, ca: cert });
        assert.equal(error, undefined);
        await until('started', () => handler.sessions.length === 1);
        publisher.close();
      });
    });
  });
});
