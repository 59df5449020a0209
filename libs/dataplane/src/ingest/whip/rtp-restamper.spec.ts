import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { h264PayloadNals, rtpPayload, RtpRestamper } from './rtp-restamper.js';

function rtp(seq: number, ts: number, payload: number[], opts: { ssrc?: number; pt?: number; marker?: boolean; extension?: boolean } = {}): Buffer {
  const ext = opts.extension ? [0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0] : [];
  const b = Buffer.alloc(12 + ext.length + payload.length);
  b[0] = 0x80 | (opts.extension ? 0x10 : 0);
  b[1] = (opts.marker ? 0x80 : 0) | (opts.pt ?? 102);
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(ts >>> 0, 4);
  b.writeUInt32BE(opts.ssrc ?? 0x1234, 8);
  Buffer.from(ext).copy(b, 12);
  Buffer.from(payload).copy(b, 12 + ext.length);
  return b;
}

const head = (b: Buffer) => ({ seq: b.readUInt16BE(2), ts: b.readUInt32BE(4), ssrc: b.readUInt32BE(8), pt: b[1]! & 0x7f, marker: (b[1]! & 0x80) !== 0 });

describe('RtpRestamper', () => {
  it('keeps the first session as sent, with its own SSRC and payload type, extensions dropped', () => {
    const r = new RtpRestamper(90000, 0xabc, 96);
    const out = r.rewrite(rtp(100, 5000, [1, 2, 3], { marker: true, extension: true }), 0)!;
    assert.deepEqual(head(out), { seq: 100, ts: 5000, ssrc: 0xabc, pt: 96, marker: true });
    assert.deepEqual([...out.subarray(12)], [1, 2, 3]);
  });

  it('continues sequence and timestamps across a republish by the wall-clock gap', () => {
    const r = new RtpRestamper(90000, 1, 96);
    r.rewrite(rtp(65534, 4294967000, [0]), 1000);
    r.rewrite(rtp(65535, 4294967000 + 3000, [0]), 1033);
    r.startSession();
    // The new publisher starts at random numbers, 2 s later.
    const first = head(r.rewrite(rtp(7, 123, [0], { ssrc: 99 }), 3033)!);
    assert.equal(first.seq, 0);
    assert.equal(first.ts, (4294967000 + 3000 + 180000) >>> 0);
    const next = head(r.rewrite(rtp(8, 123 + 3000, [0], { ssrc: 99 }), 3066)!);
    assert.equal(next.seq, 1);
    assert.equal(next.ts, (first.ts + 3000) >>> 0);
    assert.equal(r.sessions, 2);
  });

  it('keeps gaps and reordering inside a session, and a late packet does not move the join point', () => {
    const r = new RtpRestamper(48000, 1, 111);
    r.rewrite(rtp(10, 960, [0]), 0);
    assert.equal(head(r.rewrite(rtp(13, 4 * 960, [0]), 60)!).seq, 13);
    assert.equal(head(r.rewrite(rtp(11, 2 * 960, [0]), 61)!).seq, 11);
    r.startSession();
    assert.equal(head(r.rewrite(rtp(500, 0, [0]), 61)!).seq, 14);
  });

  it('refuses what is not RTP', () => {
    const r = new RtpRestamper(90000, 1, 96);
    assert.equal(r.rewrite(Buffer.from([0x40, 0, 0, 0]), 0), null);
    assert.equal(rtpPayload(Buffer.alloc(11)), null);
  });
});

describe('h264PayloadNals', () => {
  it('finds an SPS and an IDR in a STAP-A, and an IDR at the start of a FU-A', () => {
    const sps = [0x67, 0x42, 0xc0, 0x1e];
    const stap = [24, 0, sps.length, ...sps, 0, 2, 0x68, 0xce, 0, 2, 0x65, 0x88];
    const found = h264PayloadNals(Buffer.from(stap));
    assert.deepEqual(found.types, [7, 8, 5]);
    assert.deepEqual([...found.sps!], sps);
    assert.deepEqual(h264PayloadNals(Buffer.from([0x7c, 0x85, 1])).types, [5]);
    assert.deepEqual(h264PayloadNals(Buffer.from([0x7c, 0x05, 1])).types, []);
    assert.deepEqual(h264PayloadNals(Buffer.from([0x41, 1])).types, [1]);
  });
});
