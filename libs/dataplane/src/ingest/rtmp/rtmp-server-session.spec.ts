import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FakeClock } from '@mld/supervisor/testing';
import { decodeAmf0, encodeAmf0 } from '../../rtmp/amf0.js';
import { CSID, MSG, type RtmpMessage } from '../../rtmp/chunk-stream.js';
import { HANDSHAKE_SIZE } from '../../rtmp/handshake.js';
import { RtmpServerSession, type SessionDelegate, type SessionPhase } from './rtmp-server-session.js';
import { RecordingConnection, ScriptedClient, tagBodies } from './testing/scripted-rtmp-client.js';

interface Recorded {
  session: RtmpServerSession;
  connection: RecordingConnection;
  client: ScriptedClient;
  clock: FakeClock;
  published: string[];
  media: RtmpMessage[];
  closed: Array<{ reason: string; phase: SessionPhase }>;
}

/** A session on fake time whose delegate accepts app "live" and every publish, unless told otherwise. */
function start(opts: { publish?: 'accept' | 'reject' | 'wait' } = {}): Recorded {
  const clock = new FakeClock();
  const connection = new RecordingConnection();
  const r: Omit<Recorded, 'session'> = { connection, client: new ScriptedClient(), clock, published: [], media: [], closed: [] };
  const delegate: SessionDelegate = {
    connect: (_s, app) => (app === 'live' ? null : 'Unknown application.'),
    publish: (s, name) => {
      r.published.push(name);
      if (opts.publish === 'reject') s.rejectPublish('Stream key not accepted.');
      else if (opts.publish !== 'wait') s.acceptPublish();
    },
    media: (_s, m) => r.media.push(m),
    closed: (_s, reason, phase) => r.closed.push({ reason, phase }),
  };
  const session = new RtmpServerSession(connection, '10.0.0.9:50000', delegate, clock, { setupTimeoutMs: 10_000, idleTimeoutMs: 5000, maxMessageBytes: 1 << 20 });
  return { ...r, session };
}

describe('RtmpServerSession: what an encoder sees', () => {
  it('answers the handshake, then connect with window/bandwidth/chunk size and _result, createStream with stream 1, publish with StreamBegin and Publish.Start', () => {
    const r = start();
    const bytes = Buffer.concat([r.client.handshake(), r.client.publishSequence('key-1')]);
    // In pieces, as TCP delivers them.
    for (let i = 0; i < bytes.length; i += 700) r.session.receive(bytes.subarray(i, i + 700));
    assert.equal(r.connection.handshake().length, 1 + 2 * HANDSHAKE_SIZE);
    const messages = r.connection.messages();
    assert.deepEqual(messages.slice(0, 3).map((m) => m.type), [MSG.WindowAckSize, MSG.SetPeerBandwidth, MSG.SetChunkSize]);
    assert.equal(messages[2]!.payload.readUInt32BE(0), 4096);
    const commands = r.connection.commands();
    assert.deepEqual(commands.map((c) => c.values.slice(0, 2)), [['_result', 1], ['_result', 4], ['onStatus', 0]]);
    assert.equal((commands[0]!.values[3] as Record<string, unknown>)['code'], 'NetConnection.Connect.Success');
    assert.equal(commands[1]!.values[3], 1, 'createStream gives stream 1');
    assert.equal(commands[2]!.streamId, 1);
    assert.equal((commands[2]!.values[3] as Record<string, unknown>)['code'], 'NetStream.Publish.Start');
    assert.ok(messages.some((m) => m.type === MSG.UserControl && m.payload.equals(Buffer.from([0, 0, 0, 0, 0, 1]))), 'StreamBegin 1');
    assert.deepEqual(r.published, ['key-1']);
    assert.equal(r.session.phase, 'publishing');
    assert.equal(r.session.flashVer, 'FMLE/3.0 (compatible; scripted)');
    assert.equal(r.session.app, 'live');
  });

  it('passes audio, video and onMetaData (without @setDataFrame) on once publishing, whatever chunk size the client sets', () => {
    const r = start();
    r.session.receive(Buffer.concat([r.client.handshake(), r.client.publishSequence('k'), r.client.setChunkSize(60_000)]));
    const key = tagBodies.avcKeyframe(100_000);
    r.session.receive(Buffer.concat([r.client.media(MSG.DataAmf0, 0, tagBodies.metadata({ width: 1280 })), r.client.media(MSG.Video, 0, key), r.client.media(MSG.Audio, 21, tagBodies.aacFrame())]));
    assert.deepEqual(r.media.map((m) => [m.type, m.timestamp]), [[MSG.DataAmf0, 0], [MSG.Video, 0], [MSG.Audio, 21]]);
    assert.deepEqual(decodeAmf0(r.media[0]!.payload)[0], 'onMetaData');
    assert.ok(r.media[1]!.payload.equals(key));
  });

  it('acknowledges every window of bytes the client announced, and answers pings', () => {
    const r = start();
    r.session.receive(Buffer.concat([r.client.handshake(), r.client.message({ csid: 2, type: MSG.WindowAckSize, streamId: 0, timestamp: 0, payload: Buffer.from([0, 0, 0x27, 0x10]) }), r.client.publishSequence('k')]));
    r.session.receive(r.client.message({ csid: 2, type: MSG.UserControl, streamId: 0, timestamp: 0, payload: Buffer.from([0, 6, 0, 0, 0, 9]) }));
    for (let i = 0; i < 12; i++) r.session.receive(r.client.media(MSG.Video, i * 40, tagBodies.avcFrame(1000)));
    const acks = r.connection.messages().filter((m) => m.type === MSG.Acknowledgement);
    assert.ok(acks.length >= 1, 'at least one acknowledgement for > 10,000 bytes');
    assert.ok(r.connection.messages().some((m) => m.type === MSG.UserControl && m.payload.equals(Buffer.from([0, 7, 0, 0, 0, 9]))));
  });

  it('refuses another application with NetConnection.Connect.Rejected and closes', () => {
    const r = start();
    r.session.receive(Buffer.concat([r.client.handshake(), r.client.publishSequence('k', 'other')]));
    const [answer] = r.connection.commands();
    assert.deepEqual(answer!.values.slice(0, 2), ['_error', 1]);
    assert.equal((answer!.values[3] as Record<string, unknown>)['code'], 'NetConnection.Connect.Rejected');
    assert.equal(r.connection.closes, 1);
    assert.deepEqual(r.closed, [{ reason: 'Unknown application.', phase: 'connect' }]);
    assert.deepEqual(r.published, [], 'the rest of the read is not acted on');
  });

  it('refuses a publish with NetStream.Publish.BadName (error level) and closes; nothing it sends later is passed on', () => {
    const r = start({ publish: 'reject' });
    r.session.receive(Buffer.concat([r.client.handshake(), r.client.publishSequence('wrong')]));
    const status = r.connection.commands().at(-1)!;
    assert.deepEqual(status.values[3], Object.assign(Object.create(null), { level: 'error', code: 'NetStream.Publish.BadName', description: 'Stream key not accepted.' }));
    r.session.receive(r.client.media(MSG.Video, 0, tagBodies.avcKeyframe()));
    assert.equal(r.media.length, 0);
    assert.equal(r.closed[0]!.phase, 'publish_pending');
  });

  it('refuses to play (publishers only)', () => {
    const r = start();
    r.session.receive(Buffer.concat([r.client.handshake(), r.client.command('connect', 1, { app: 'live' }), r.client.command('createStream', 2, null), r.client.command('play', 3, null, 'x')]));
    assert.equal((r.connection.commands().at(-1)!.values[3] as Record<string, unknown>)['code'], 'NetStream.Play.Failed');
    assert.match(r.closed[0]!.reason, /asked to play/);
  });

  it('ends the session when the publisher deletes its stream', () => {
    const r = start();
    r.session.receive(Buffer.concat([r.client.handshake(), r.client.publishSequence('k'), r.client.command('FCUnpublish', 6, null, 'k'), r.client.command('deleteStream', 7, null, 1)]));
    assert.deepEqual(r.closed, [{ reason: 'the publisher stopped (deleteStream)', phase: 'publishing' }]);
  });

  it('closes a client that connects and never publishes, and a publisher that goes quiet (fake time)', () => {
    const idle = start();
    idle.session.receive(idle.client.handshake());
    idle.clock.advance(9_999);
    assert.equal(idle.closed.length, 0);
    idle.clock.advance(1);
    assert.deepEqual(idle.closed, [{ reason: 'no publish within 10 s of connecting', phase: 'connect' }]);

    const quiet = start();
    quiet.session.receive(Buffer.concat([quiet.client.handshake(), quiet.client.publishSequence('k')]));
    quiet.clock.advance(4000);
    quiet.session.receive(quiet.client.media(MSG.Video, 0, tagBodies.avcKeyframe()));
    quiet.clock.advance(4000);
    assert.equal(quiet.closed.length, 0);
    quiet.clock.advance(1000);
    assert.match(quiet.closed[0]!.reason, /nothing received from the publisher for 5 s/);
  });

  it('a publisher we pause ourselves is not idle', () => {
    const r = start();
    r.session.receive(Buffer.concat([r.client.handshake(), r.client.publishSequence('k')]));
    r.session.pause();
    assert.equal(r.connection.paused, true);
    r.clock.advance(60_000);
    assert.equal(r.closed.length, 0);
    r.session.resume();
    r.clock.advance(5000);
    assert.equal(r.closed.length, 1);
  });

  it('malformed input ends the session with a reason, never an exception', () => {
    const cases: Array<[string, (c: ScriptedClient) => Buffer, RegExp]> = [
      ['HTTP on the port', () => Buffer.from('GET / HTTP/1.1\r\n\r\n'), /HTTP/],
      ['continuation with no header', (c) => Buffer.concat([c.handshake(), Buffer.from([0xc3, 1, 2, 3])]), /no previous header/],
      ['bad AMF', (c) => Buffer.concat([c.handshake(), c.message({ csid: CSID.Command, type: MSG.CommandAmf0, streamId: 0, timestamp: 0, payload: Buffer.from([0x02, 0x00, 0x10, 0x41]) })]), /AMF0 truncated/],
      ['a 1 MiB command before publish', (c) => Buffer.concat([c.handshake(), c.message({ csid: CSID.Command, type: MSG.CommandAmf0, streamId: 0, timestamp: 0, payload: encodeAmf0('x'.repeat(70_000)) })]), /at most 65536 accepted/],
      ['chunk size 0', (c) => Buffer.concat([c.handshake(), Buffer.from([0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0])]), /chunk size 0/],
    ];
    for (const [what, bytes, reason] of cases) {
      const r = start();
      assert.doesNotThrow(() => r.session.receive(bytes(r.client)), what);
      assert.match(r.closed[0]?.reason ?? '', reason, what);
      assert.match(r.closed[0]!.reason, /^protocol error/, what);
    }
  });

  it('after publish a larger message (a keyframe) is fine, but not beyond the configured limit', () => {
    const r = start();
    r.session.receive(Buffer.concat([r.client.handshake(), r.client.publishSequence('k')]));
    r.session.receive(r.client.media(MSG.Video, 0, tagBodies.avcKeyframe(500_000)));
    assert.equal(r.media.length, 1);
    r.session.receive(r.client.media(MSG.Video, 40, tagBodies.avcKeyframe(2 << 20)));
    assert.match(r.closed[0]!.reason, /message of \d+ bytes \(at most 1048576/);
  });

  it('random bytes at any stage never throw out of the session (property, 300 cases)', () => {
    fc.assert(
      fc.property(fc.constantFrom('handshake', 'connected', 'publishing'), fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 8 }), (stage, pieces) => {
        const r = start();
        const prefix = stage === 'handshake' ? Buffer.alloc(0) : Buffer.concat([r.client.handshake(), stage === 'publishing' ? r.client.publishSequence('k') : r.client.command('connect', 1, { app: 'live' })]);
        r.session.receive(prefix);
        for (const piece of pieces) r.session.receive(Buffer.from(piece));
        r.clock.advance(20_000);
        // Whatever came, the session is either still alive or closed with one reason.
        assert.ok(r.closed.length <= 1);
        assert.ok(r.session.phase === 'closed' ? r.closed.length === 1 : r.closed.length === 0);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
