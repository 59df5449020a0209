import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtpPacket } from '@mld/mpegts';
import { TsDepacketizer } from './ts-depacketizer.js';

/** 7 TS packets whose bytes encode their index, so order and content can be checked. */
function tsChunk(index: number): Buffer {
  const buf = Buffer.alloc(1316);
  for (let p = 0; p < 7; p++) {
    buf[p * 188] = 0x47;
    buf.fill(index & 0xff, p * 188 + 1, (p + 1) * 188);
  }
  return buf;
}

function rtp(seq: number, payload: Buffer, extra: { csrcs?: number[]; extension?: Buffer; padding?: number; ssrc?: number } = {}): Buffer {
  return buildRtpPacket(
    {
      payloadType: 33,
      sequence: seq & 0xffff,
      timestamp: seq * 1000,
      ssrc: extra.ssrc ?? 0x1234,
      ...(extra.csrcs ? { csrcs: extra.csrcs } : {}),
      ...(extra.extension ? { extension: { profile: 0xbede, data: extra.extension } } : {}),
      ...(extra.padding ? { padding: extra.padding } : {}),
    },
    payload,
  );
}

describe('TsDepacketizer', () => {
  it('strips RTP headers with CSRCs, extension and padding, bit-exact', () => {
    const out: Buffer[] = [];
    const d = new TsDepacketizer('rtp', (ts) => out.push(Buffer.from(ts)));
    d.push(rtp(1, tsChunk(1)), 0);
    d.push(rtp(2, tsChunk(2), { csrcs: [1, 2, 3] }), 1);
    d.push(rtp(3, tsChunk(3), { extension: Buffer.alloc(8, 0xee) }), 2);
    d.push(rtp(4, tsChunk(4), { padding: 5 }), 3);
    assert.deepEqual(Buffer.concat(out), Buffer.concat([1, 2, 3, 4].map(tsChunk)));
    assert.equal(d.counters.malformed, 0);
  });

  it('puts reordered packets back in order and counts loss, duplicates, reorders', () => {
    const out: number[] = [];
    const d = new TsDepacketizer('rtp', (ts) => out.push(ts[1]!));
    for (const seq of [10, 12, 11, 11, 13]) d.push(rtp(seq, tsChunk(seq)), seq);
    assert.deepEqual(out, [10, 11, 12, 13]);
    assert.equal(d.reorder.stats.reordered, 1);
    assert.equal(d.reorder.stats.duplicates, 1);
    d.push(rtp(15, tsChunk(15)), 100); // 14 missing
    d.tick(1000);
    assert.deepEqual(out, [10, 11, 12, 13, 15]);
    assert.equal(d.reorder.stats.lost, 1);
  });

  it('counts and drops garbage without forwarding a byte of it', () => {
    const out: Buffer[] = [];
    const d = new TsDepacketizer('rtp', (ts) => out.push(ts));
    d.push(Buffer.from([1, 2, 3]), 0);
    d.push(Buffer.alloc(200, 0xff), 0);
    const badPadding = rtp(1, tsChunk(1));
    badPadding[0] = badPadding[0]! | 0x20; // padding bit, last byte claims 0x01.. not a valid count here
    badPadding[badPadding.length - 1] = 0xff;
    d.push(badPadding, 0);
    d.push(rtp(2, Buffer.alloc(100, 0x47)), 0); // not whole TS packets
    assert.equal(out.length, 0);
    assert.equal(d.counters.malformed, 4);
    assert.equal(d.counters.datagrams, 4);
  });

  it('tells the operator when the input type is wrong', () => {
    const rtpInput = new TsDepacketizer('rtp', () => undefined);
    rtpInput.push(tsChunk(1), 0);
    assert.match(rtpInput.counters.hint ?? '', /set the channel input_type to "udp"/);
    const udpInput = new TsDepacketizer('udp', () => undefined);
    udpInput.push(rtp(1, tsChunk(1)), 0);
    assert.match(udpInput.counters.hint ?? '', /input_type to "rtp"/);
  });

  it('forwards raw UDP TS datagrams untouched', () => {
    const out: Buffer[] = [];
    const d = new TsDepacketizer('udp', (ts) => out.push(ts));
    const chunk = tsChunk(9);
    d.push(chunk, 0);
    assert.equal(out[0], chunk);
  });
});
