// Properties of the RTP header parser, the builder and the reorder buffer, over generated input
// (fast-check, fixed seed so CI is reproducible; FC_SEED / FC_RUNS to explore further).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildRtpPacket, emptyRtpHeader, parseRtpHeader, readRtpCsrcs, readRtpHeader, RTP_HEADER_SIZE } from './rtp.js';
import { RtpReorderBuffer } from './rtp-reorder.js';

const PARAMS = { seed: Number(process.env['FC_SEED'] ?? 20261201), numRuns: Number(process.env['FC_RUNS'] ?? 500) };
const REASONS = new Set(['too_short', 'bad_version', 'bad_padding', 'bad_extension_length']);

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const fieldsArb = fc.record({
  payloadType: fc.integer({ min: 0, max: 127 }),
  sequence: fc.integer({ min: 0, max: 0xffff }),
  timestamp: u32,
  ssrc: u32,
  marker: fc.boolean(),
  csrcs: fc.array(u32, { maxLength: 15 }),
  extension: fc.option(fc.record({ profile: fc.integer({ min: 0, max: 0xffff }), words: fc.integer({ min: 0, max: 8 }), seed: fc.uint8Array({ maxLength: 32 }) }), { nil: undefined }),
  paddingLength: fc.integer({ min: 0, max: 255 }),
});

describe('RTP header (property)', () => {
  it('never throws on arbitrary bytes; either a documented reason or a header that fits inside the datagram', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), (bytes) => {
        const result = parseRtpHeader(bytes);
        if (!result.ok) return REASONS.has(result.reason);
        const h = result.header;
        return h.version === 2 && h.payloadOffset >= RTP_HEADER_SIZE && h.payloadLength >= 0 && h.payloadOffset + h.payloadLength + h.paddingLength === bytes.length;
      }),
      PARAMS,
    );
  });

  it('also when the version bits are right (so the deeper checks run)', () => {
    const rtpLike = fc.tuple(fc.integer({ min: 0, max: 0x3f }), fc.uint8Array({ maxLength: 200 })).map(([low, rest]) => Uint8Array.from([0x80 | low, ...rest]));
    fc.assert(
      fc.property(rtpLike, (bytes) => {
        const out = emptyRtpHeader();
        const reason = readRtpHeader(bytes, out);
        return reason === null ? out.payloadOffset + out.payloadLength + out.paddingLength === bytes.length : REASONS.has(reason);
      }),
      PARAMS,
    );
  });

  it('build then parse gives back every field and the payload, bit-exact', () => {
    fc.assert(
      fc.property(fieldsArb, fc.uint8Array({ maxLength: 1400 }), (f, payload) => {
        const data = Uint8Array.from({ length: f.extension ? f.extension.words * 4 : 0 }, (_, i) => f.extension!.seed[i % Math.max(1, f.extension!.seed.length)] ?? 0);
        const fields = { ...f, extension: f.extension ? { profile: f.extension.profile, data } : undefined };
        const packet = buildRtpPacket(fields, payload);
        const result = parseRtpHeader(packet);
        assert.ok(result.ok, `parse failed: ${!result.ok && result.reason}`);
        const h = result.header;
        assert.equal(h.payloadType, f.payloadType);
        assert.equal(h.sequence, f.sequence);
        assert.equal(h.timestamp, f.timestamp);
        assert.equal(h.ssrc, f.ssrc);
        assert.equal(h.marker, f.marker);
        assert.deepEqual(readRtpCsrcs(packet, h), f.csrcs);
        assert.equal(h.extensionProfile, f.extension ? f.extension.profile : -1);
        assert.deepEqual(Buffer.from(packet.subarray(h.extensionOffset, h.extensionOffset + h.extensionLength)), Buffer.from(f.extension ? data : []));
        assert.equal(h.paddingLength, f.paddingLength);
        assert.deepEqual(Buffer.from(packet.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength)), Buffer.from(payload));
        // Re-building from what was parsed gives the same bytes.
        const rebuilt = buildRtpPacket(
          {
            payloadType: h.payloadType,
            sequence: h.sequence,
            timestamp: h.timestamp,
            ssrc: h.ssrc,
            marker: h.marker,
            csrcs: readRtpCsrcs(packet, h),
            extension: h.extension ? { profile: h.extensionProfile, data: packet.subarray(h.extensionOffset, h.extensionOffset + h.extensionLength) } : undefined,
            paddingLength: h.paddingLength,
          },
          packet.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength),
        );
        assert.ok(rebuilt.equals(packet));
      }),
      PARAMS,
    );
  });
});

/** Sequence numbers start..start+n-1 in an order where no packet arrives more than `window - 1` ahead of its turn. */
function boundedShuffle(window: number) {
  return fc
    .record({ start: fc.integer({ min: 0, max: 0xffff }), jitter: fc.array(fc.integer({ min: 0, max: window - 2 }), { minLength: 1, maxLength: 300 }) })
    .map(({ start, jitter }) => {
      const order = jitter.map((j, i) => ({ i, key: i === 0 ? -1 : i + j })).sort((a, b) => a.key - b.key || a.i - b.i);
      return { start, n: jitter.length, seqs: order.map((o) => (start + o.i) & 0xffff) };
    });
}

describe('RTP reorder buffer (property)', () => {
  it('never throws and accounts for every packet, whatever the sequence numbers, SSRCs and clock', () => {
    const packet = fc.record({ seq: fc.integer({ min: 0, max: 0xffff }), ssrc: fc.constantFrom(1, 2, 0xffffffff), now: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }), fc.array(packet, { maxLength: 300 }), (window, maxDelayMs, packets) => {
        const seen = new Set<Buffer>();
        const rb = new RtpReorderBuffer({
          windowPackets: window,
          maxDelayMs,
          onPayload: (payload) => {
            assert.ok(!seen.has(payload), 'a payload was emitted twice');
            seen.add(payload);
          },
        });
        for (const p of packets) rb.push(p.seq, p.ssrc, Buffer.alloc(1), p.now);
        rb.flush();
        assert.equal(rb.held, 0);
        assert.equal(rb.stats.emitted, seen.size);
        assert.equal(rb.stats.emitted + rb.stats.duplicates + rb.stats.late, rb.stats.received, JSON.stringify(rb.stats));
      }),
      PARAMS,
    );
  });

  it('restores the order of packets shuffled within its window, across the 16-bit wrap, losing none', () => {
    const window = 16;
    fc.assert(
      fc.property(boundedShuffle(window), ({ start, n, seqs }) => {
        const out: number[] = [];
        const rb = new RtpReorderBuffer({ windowPackets: window, onPayload: (_p, seq) => out.push(seq) });
        for (const s of seqs) rb.push(s, 7, Buffer.alloc(0));
        rb.flush();
        assert.deepEqual(out, Array.from({ length: n }, (_, i) => (start + i) & 0xffff));
        assert.equal(rb.stats.lost, 0);
      }),
      PARAMS,
    );
  });
});
