import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkReader, ChunkWriter, control, CSID, MSG, RtmpProtocolError, type RtmpMessage } from './chunk-stream.js';

const msg = (over: Partial<RtmpMessage> = {}): RtmpMessage => ({ csid: CSID.Video, type: MSG.Video, streamId: 1, timestamp: 40, payload: Buffer.alloc(300, 9), ...over });

describe('ChunkWriter', () => {
  it('writes a type-0 header then type-3 continuations of at most the chunk size (byte layout of the spec)', () => {
    const w = new ChunkWriter(); // 128 until we say otherwise
    const parts = w.encode(msg());
    const bytes = Buffer.concat(parts);
    // fmt 0 | csid 6; timestamp 40; length 300; type 9; stream id 1 little-endian
    assert.deepEqual(bytes.subarray(0, 12), Buffer.from([0x06, 0, 0, 40, 0, 0x01, 0x2c, 9, 1, 0, 0, 0]));
    assert.equal(bytes[12 + 128], 0xc6); // fmt 3 | csid 6
    assert.equal(bytes[12 + 128 + 1 + 128], 0xc6);
    assert.equal(bytes.length, 12 + 300 + 2);
  });

  it('carries timestamps past 0xFFFFFF in the extended field, in continuations too', () => {
    const w = new ChunkWriter();
    const bytes = Buffer.concat(w.encode(msg({ timestamp: 0x01000000 })));
    assert.equal(bytes.readUIntBE(1, 3), 0xffffff);
    assert.equal(bytes.readUInt32BE(12), 0x01000000);
    assert.equal(bytes[16 + 128], 0xc6);
    assert.equal(bytes.readUInt32BE(16 + 128 + 1), 0x01000000);
  });

  it('uses 2- and 3-byte basic headers for high chunk stream ids', () => {
    const w = new ChunkWriter();
    assert.deepEqual(Buffer.concat(w.encode(msg({ csid: 100, payload: Buffer.alloc(1) }))).subarray(0, 2), Buffer.from([0x00, 36]));
    assert.deepEqual(Buffer.concat(w.encode(msg({ csid: 1000, payload: Buffer.alloc(1) }))).subarray(0, 3), Buffer.from([0x01, 0xa8, 0x03]));
  });
});

describe('ChunkReader', () => {
  it('reassembles what the writer produced, whatever the read sizes, after a SetChunkSize', () => {
    const w = new ChunkWriter();
    const messages = [control.setChunkSize(4096), msg({ payload: Buffer.alloc(10_000, 1) }), msg({ csid: CSID.Audio, type: MSG.Audio, timestamp: 0x02000000, payload: Buffer.alloc(5000, 2) }), msg({ payload: Buffer.alloc(0) })];
    const parts: Buffer[] = [];
    for (const [i, m] of messages.entries()) {
      parts.push(...w.encode(m));
      if (i === 0) w.setChunkSize(4096);
    }
    const bytes = Buffer.concat(parts);
    for (const step of [1, 5, 127, 4096, bytes.length]) {
      const r = new ChunkReader();
      const got: RtmpMessage[] = [];
      for (let i = 0; i < bytes.length; i += step) got.push(...r.push(bytes.subarray(i, i + step)));
      // SetChunkSize applies to the chunks after it (and is passed on too).
      assert.deepEqual(got.map((m) => [m.type, m.timestamp, m.payload.length]), [[MSG.SetChunkSize, 0, 4], [MSG.Video, 40, 10_000], [MSG.Audio, 0x02000000, 5000], [MSG.Video, 40, 0]], `step ${step}`);
      assert.equal(r.bytesReceived, bytes.length);
    }
  });

  it('reads the compressed headers servers send (types 1, 2 and 3 with deltas)', () => {
    const payload = Buffer.from([0, 6, 0, 0, 0, 1]); // user control: ping request, timestamp 1
    const bytes = Buffer.concat([
      Buffer.from([0x02, 0, 0, 10, 0, 0, 6, 4, 0, 0, 0, 0]), payload, // type 0, ts 10
      Buffer.from([0x42, 0, 0, 5, 0, 0, 6, 4]), payload, // type 1, delta 5
      Buffer.from([0x82, 0, 0, 7]), payload, // type 2, delta 7
      Buffer.from([0xc2]), payload, // type 3: same delta again
    ]);
    const got = new ChunkReader().push(bytes);
    assert.deepEqual(got.map((m) => m.timestamp), [10, 15, 22, 29]);
    assert.ok(got.every((m) => m.type === MSG.UserControl && m.payload.equals(payload)));
  });

  it('refuses a continuation with no header before it, and oversized messages', () => {
    assert.throws(() => new ChunkReader().push(Buffer.from([0xc3, 1, 2])), RtmpProtocolError);
    assert.throws(() => new ChunkReader().push(Buffer.from([0x03, 0, 0, 0, 0x7f, 0xff, 0xff, 20, 0, 0, 0, 0])), /at most 4194304 accepted/);
  });

  it('holds no more than its limits, whatever the peer sends', () => {
    const w = new ChunkWriter();
    const big = Buffer.concat(w.encode(msg({ payload: Buffer.alloc(5000) })));
    assert.throws(() => new ChunkReader({ maxMessageBytes: 4096 }).push(big), /message of 5000 bytes \(at most 4096 accepted\)/);
    assert.throws(() => new ChunkReader({ maxChunkSize: 65536 }).push(Buffer.concat(w.encode(control.setChunkSize(1 << 20)))), /chunk size 1048576 \(at most 65536/);
    const many = Buffer.concat(Array.from({ length: 5 }, (_, i) => Buffer.concat(w.encode(msg({ csid: 10 + i, payload: Buffer.alloc(1) })))));
    assert.throws(() => new ChunkReader({ maxChunkStreams: 4 }).push(many), /more than 4 chunk streams/);
    // Unfinished messages on several chunk streams: 3 × 128 bytes held, 256 allowed.
    const parts = [10, 11, 12].map((csid) => Buffer.concat(w.encode(msg({ csid, payload: Buffer.alloc(1000) }))).subarray(0, 12 + 128));
    assert.throws(() => new ChunkReader({ maxPendingBytes: 256 }).push(Buffer.concat(parts)), /more than 256 bytes of unfinished messages/);
  });

  it('joins a large chunk read in small pieces once, when it is complete', () => {
    const w = new ChunkWriter();
    const setSize = Buffer.concat(w.encode(control.setChunkSize(1 << 20)));
    w.setChunkSize(1 << 20);
    const frame = Buffer.concat(w.encode(msg({ payload: Buffer.alloc(1 << 20, 7) })));
    const r = new ChunkReader();
    const got = r.push(setSize);
    const started = process.hrtime.bigint();
    for (let i = 0; i < frame.length; i += 1400) got.push(...r.push(frame.subarray(i, i + 1400)));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(got.length, 2);
    assert.equal(got[1]!.payload.length, 1 << 20);
    assert.equal(r.bufferedBytes, 0);
    // Joining on every read would copy ~400 MB here.
    assert.ok(ms < 200, `${ms} ms`);
  });
});

describe('protocol control messages', () => {
  it('answers a ping request with a ping response of the same timestamp', () => {
    const m = control.pingResponse(0xdeadbeef);
    assert.equal(m.type, MSG.UserControl);
    assert.deepEqual(m.payload, Buffer.from([0, 7, 0xde, 0xad, 0xbe, 0xef]));
    assert.deepEqual(control.windowAckSize(2_500_000).payload, Buffer.from([0, 0x26, 0x25, 0xa0]));
    assert.equal(control.acknowledgement(5).type, MSG.Acknowledgement);
  });
});
