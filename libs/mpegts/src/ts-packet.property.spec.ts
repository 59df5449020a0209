// Properties of the TS packet field readers/writers and of the packet aligner, over generated
// input (fast-check, fixed seed; FC_SEED / FC_RUNS to explore further).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TsPacketAligner } from './ts-packet-aligner.js';
import {
  PTS_MODULO,
  TS_PACKET_SIZE,
  TS_SYNC_BYTE,
  tsAdaptationFieldControl,
  tsAdaptationFieldLength,
  tsContinuityCounter,
  tsDiscontinuity,
  tsPayloadOffset,
  tsPcr,
  tsPid,
  tsPusi,
  tsRandomAccess,
  tsScrambling,
  tsTransportError,
  writePcr,
  writeTsHeader,
} from './ts-packet.js';

const PARAMS = { seed: Number(process.env['FC_SEED'] ?? 20261201), numRuns: Number(process.env['FC_RUNS'] ?? 500) };
const packetBytes = fc.uint8Array({ minLength: TS_PACKET_SIZE, maxLength: TS_PACKET_SIZE });

describe('TS packet fields (property)', () => {
  it('readers never throw on arbitrary packets and stay in their ranges', () => {
    fc.assert(
      fc.property(packetBytes, (p) => {
        assert.ok(tsPid(p) >= 0 && tsPid(p) <= 0x1fff);
        assert.ok(tsContinuityCounter(p) <= 15 && tsScrambling(p) <= 3 && tsAdaptationFieldControl(p) <= 3);
        assert.ok(tsAdaptationFieldLength(p) >= -1 && tsAdaptationFieldLength(p) <= 255);
        const payload = tsPayloadOffset(p);
        assert.ok(payload === -1 || (payload >= 4 && payload < TS_PACKET_SIZE), `payload offset ${payload}`);
        const pcr = tsPcr(p);
        assert.ok(pcr === -1 || (Number.isInteger(pcr) && pcr >= 0 && pcr < PTS_MODULO * 300 + 512));
        for (const f of [tsTransportError, tsPusi, tsDiscontinuity, tsRandomAccess]) assert.equal(typeof f(p), 'boolean');
      }),
      PARAMS,
    );
  });

  it('header written at any offset reads back field by field', () => {
    const header = fc.record({
      pid: fc.integer({ min: 0, max: 0x1fff }),
      cc: fc.integer({ min: 0, max: 15 }),
      pusi: fc.boolean(),
      afc: fc.integer({ min: 0, max: 3 }),
      transportError: fc.boolean(),
      off: fc.integer({ min: 0, max: 3 }).map((k) => k * TS_PACKET_SIZE),
    });
    fc.assert(
      fc.property(header, ({ off, ...h }) => {
        const buf = new Uint8Array(4 * TS_PACKET_SIZE);
        writeTsHeader(buf, off, h.pid, h.cc, h);
        assert.equal(buf[off], TS_SYNC_BYTE);
        assert.deepEqual(
          { pid: tsPid(buf, off), cc: tsContinuityCounter(buf, off), pusi: tsPusi(buf, off), afc: tsAdaptationFieldControl(buf, off), transportError: tsTransportError(buf, off) },
          h,
        );
      }),
      PARAMS,
    );
  });

  it('PCR written into an adaptation field reads back exactly (33-bit base x 300 + 9-bit extension)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: PTS_MODULO * 300 - 1 }), fc.integer({ min: 7, max: 183 }), (pcr, afLength) => {
        const p = new Uint8Array(TS_PACKET_SIZE).fill(0xff);
        writeTsHeader(p, 0, 0x100, 0, { afc: 3 });
        p[4] = afLength;
        p[5] = 0x10; // PCR_flag
        writePcr(p, 6, pcr);
        assert.equal(tsPcr(p), pcr);
        assert.equal(tsPayloadOffset(p), 5 + afLength < TS_PACKET_SIZE ? 5 + afLength : -1);
      }),
      PARAMS,
    );
  });
});

/** A stream of packets (payloads may contain 0x47) cut into chunks of any size. */
const streamArb = fc
  .record({
    payloads: fc.array(fc.uint8Array({ minLength: TS_PACKET_SIZE - 1, maxLength: TS_PACKET_SIZE - 1 }), { minLength: 1, maxLength: 30 }),
    cuts: fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 40 }),
    garbage: fc.uint8Array({ maxLength: 400 }).map((g) => g.map((b) => (b === TS_SYNC_BYTE ? 0 : b))),
  })
  .map(({ payloads, cuts, garbage }) => {
    const packets = payloads.map((p) => Buffer.concat([Buffer.from([TS_SYNC_BYTE]), Buffer.from(p)]));
    return { packets, garbage: Buffer.from(garbage), cuts };
  });

function chunks(data: Buffer, cuts: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  for (const c of cuts) {
    if (pos >= data.length) break;
    out.push(data.subarray(pos, pos + c));
    pos += c;
  }
  if (pos < data.length) out.push(data.subarray(pos));
  return out;
}

function runAligner(input: Buffer[]) {
  const got: Buffer[] = [];
  const aligner = new TsPacketAligner((buf, off) => got.push(Buffer.from(buf.subarray(off, off + TS_PACKET_SIZE))));
  for (const c of input) aligner.push(c);
  aligner.end();
  return { got, stats: aligner.stats, pending: aligner.pendingBytes };
}

describe('TS packet aligner (property)', () => {
  it('never throws on arbitrary chunks, and every byte is either in a packet or counted as skipped', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }).map((u) => Buffer.from(u)), { maxLength: 20 }), (input) => {
        const { got, stats, pending } = runAligner(input);
        const total = input.reduce((n, c) => n + c.length, 0);
        assert.equal(pending, 0);
        assert.ok(got.every((p) => p[0] === TS_SYNC_BYTE));
        assert.equal(stats.packets * TS_PACKET_SIZE + stats.bytesSkipped, total, JSON.stringify({ total, ...stats }));
      }),
      PARAMS,
    );
  });

  it('cuts a packet stream split anywhere (after garbage without sync bytes) back into the same packets', () => {
    fc.assert(
      fc.property(streamArb, ({ packets, garbage, cuts }) => {
        const { got, stats } = runAligner(chunks(Buffer.concat([garbage, ...packets]), cuts));
        assert.equal(got.length, packets.length);
        got.forEach((p, i) => assert.ok(p.equals(packets[i]!), `packet ${i} differs`));
        assert.equal(stats.bytesSkipped, garbage.length);
      }),
      PARAMS,
    );
  });
});
