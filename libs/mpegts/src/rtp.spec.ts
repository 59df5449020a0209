import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildRtpPacket,
  emptyRtpHeader,
  parseRtpHeader,
  readRtpCsrcs,
  readRtpHeader,
  RtpPacketizer,
  rtpTimestampFromMs,
} from './rtp.js';

const payload = Buffer.from(Array.from({ length: 1316 }, (_, i) => i & 0xff));

function header(buf: Uint8Array) {
  const r = parseRtpHeader(buf);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.header;
}

describe('parseRtpHeader', () => {
  it('reads the fixed header of a MediaLive-style datagram', () => {
    const pkt = Buffer.concat([Buffer.from('80a1fffe0001e2400badcafe', 'hex'), payload]);
    const h = header(pkt);
    assert.equal(h.version, 2);
    assert.equal(h.marker, true);
    assert.equal(h.payloadType, 33);
    assert.equal(h.sequence, 0xfffe);
    assert.equal(h.timestamp, 0x0001e240);
    assert.equal(h.ssrc, 0x0badcafe);
    assert.equal(h.payloadOffset, 12);
    assert.equal(h.payloadLength, 1316);
    assert.equal(h.extensionProfile, -1);
  });

  it('skips CSRCs, a header extension and padding to find the payload', () => {
    const ext = { profile: 0xbede, data: Buffer.from([1, 2, 3, 4, 5]) }; // padded to 2 words
    const pkt = buildRtpPacket(
      { payloadType: 33, sequence: 7, timestamp: 0xffffffff, ssrc: 0x80000001, csrcs: [11, 0xfffffff0], extension: ext, paddingLength: 3 },
      payload,
    );
    const h = header(pkt);
    assert.equal(h.csrcCount, 2);
    assert.deepEqual(readRtpCsrcs(pkt, h), [11, 0xfffffff0]);
    assert.equal(h.extensionProfile, 0xbede);
    assert.equal(h.extensionOffset, 12 + 8 + 4);
    assert.equal(h.extensionLength, 8);
    assert.equal(h.paddingLength, 3);
    assert.equal(h.payloadOffset, 12 + 8 + 4 + 8);
    assert.equal(h.payloadLength, 1316);
    assert.equal(h.timestamp, 0xffffffff);
    assert.equal(h.ssrc, 0x80000001);
    assert.ok(pkt.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength).equals(payload));
  });

  it('reports malformed datagrams with a reason instead of throwing', () => {
    const good = buildRtpPacket({ payloadType: 33, sequence: 1, timestamp: 2, ssrc: 3 }, payload);
    const cases: [Buffer, string][] = [
      [Buffer.alloc(0), 'too_short'],
      [good.subarray(0, 11), 'too_short'],
      [Buffer.concat([Buffer.from([0x40]), good.subarray(1)]), 'bad_version'],
      [Buffer.from([0x8f, 33, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]), 'too_short'], // 15 CSRCs announced
      [Buffer.from([0x90, 33, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe]), 'bad_extension_length'],
      [Buffer.from([0x90, 33, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0, 9, 0, 0]), 'bad_extension_length'],
      [Buffer.from([0xa0, 33, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x47, 0]), 'bad_padding'], // count 0
      [Buffer.from([0xa0, 33, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x47, 9]), 'bad_padding'], // count > payload
    ];
    for (const [buf, reason] of cases) {
      const r = parseRtpHeader(buf);
      assert.equal(r.ok, false, buf.toString('hex'));
      if (!r.ok) assert.equal(r.reason, reason, buf.toString('hex'));
    }
  });

  it('survives random garbage', () => {
    let x = 99;
    const out = emptyRtpHeader();
    for (let i = 0; i < 5000; i++) {
      const buf = Buffer.alloc(i % 40);
      for (let k = 0; k < buf.length; k++) buf[k] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
      const reason = readRtpHeader(buf, out);
      if (reason === null) assert.ok(out.payloadOffset + out.payloadLength + out.paddingLength === buf.length);
    }
  });
});

describe('RtpPacketizer', () => {
  it('numbers packets from a random start, wraps at 65535 and stamps 90 kHz time', () => {
    const p = new RtpPacketizer({ ssrc: 0x1234, initialSequence: 65535 });
    const a = header(p.packetize(payload, 1000));
    const b = header(p.packetize(payload, 1010));
    assert.equal(a.sequence, 65535);
    assert.equal(b.sequence, 0);
    assert.equal(a.payloadType, 33);
    assert.equal(a.ssrc, 0x1234);
    assert.equal(b.timestamp - a.timestamp, 900);
    assert.equal(a.timestamp, 90_000);
  });

  it('draws sequence and SSRC from the injected random source', () => {
    const values = [0.5, 0.25];
    const p = new RtpPacketizer({ random: () => values.shift()! });
    assert.equal(p.ssrc, 2 ** 31);
    assert.equal(p.nextSequence, 0x4000);
  });

  it('wraps timestamps at 2^32', () => {
    assert.equal(rtpTimestampFromMs(2 ** 32 / 90), 0);
    assert.equal(rtpTimestampFromMs(-1 / 90), 2 ** 32 - 1);
  });
});
