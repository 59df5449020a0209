import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readPesTimestamps, writePesTimestamp } from './pes.js';
import { insertPackets, packetizePes, SectionPacketizer, TsPacketWriter } from './ts-mux.js';
import { makeNullPacket, tsContinuityCounter, tsPayloadOffset, tsPcr, tsPid, tsPusi } from './ts-packet.js';

describe('SectionPacketizer', () => {
  it('puts a short section in one packet with pointer_field 0 and 0xFF fill', () => {
    const p = new SectionPacketizer(0x1f6, 15);
    const out = p.packetize(Buffer.from([0xfc, 0x30, 0x01, 0xaa]));
    assert.equal(out.length, 188);
    assert.equal(tsPid(out), 0x1f6);
    assert.equal(tsPusi(out), true);
    assert.equal(tsContinuityCounter(out), 15);
    assert.equal(out[4], 0);
    assert.equal(out.subarray(5, 9).toString('hex'), 'fc3001aa');
    assert.ok(out.subarray(9).every((b) => b === 0xff));
    assert.equal(p.nextCc, 0);
  });

  it('spreads a long section with PUSI only on the first packet', () => {
    const section = Buffer.alloc(183 + 184 + 1, 0x11);
    const out = new SectionPacketizer(0x20).packetize(section);
    assert.equal(out.length, 3 * 188);
    assert.deepEqual([0, 1, 2].map((i) => tsPusi(out, i * 188)), [true, false, false]);
    assert.deepEqual([0, 1, 2].map((i) => tsContinuityCounter(out, i * 188)), [0, 1, 2]);
    assert.equal(out[2 * 188 + 4], 0x11);
    assert.equal(out[2 * 188 + 5], 0xff);
  });
});

describe('packetizePes', () => {
  it('stuffs the last packet through the adaptation field and keeps the PES intact', () => {
    const pes = Buffer.alloc(400);
    pes.set([0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 5]);
    writePesTimestamp(pes, 9, 0x2, 2 ** 33 - 1);
    for (let i = 14; i < pes.length; i++) pes[i] = i & 0xff;
    const { packets, nextCc } = packetizePes(pes, 0x100, 14, { pcr: 27_000_000, randomAccess: true });
    assert.equal(nextCc, 1);
    assert.equal(tsPcr(packets), 27_000_000);
    const rebuilt: Buffer[] = [];
    for (let off = 0; off < packets.length; off += 188) rebuilt.push(packets.subarray(tsPayloadOffset(packets, off), off + 188));
    assert.ok(Buffer.concat(rebuilt).equals(pes));
    assert.deepEqual(readPesTimestamps(packets, tsPayloadOffset(packets), 188), { pts: 2 ** 33 - 1, dts: -1 });
  });

  it('handles a stuffing need of exactly one byte', () => {
    const pes = Buffer.alloc(183, 1);
    const { packets } = packetizePes(pes, 0x100, 0);
    assert.equal(packets.length, 188);
    assert.equal(packets[4], 0, 'adaptation_field_length 0 is the one-byte stuffing');
    assert.equal(tsPayloadOffset(packets), 5);
  });
});

describe('insertPackets and TsPacketWriter', () => {
  it('splices packets in before the given indexes', () => {
    const ts = Buffer.concat([0, 1, 2].map((cc) => makeNullPacket(cc)));
    const a = makeNullPacket(10);
    const b = makeNullPacket(11);
    const out = insertPackets(ts, [
      { beforePacket: 3, packets: b },
      { beforePacket: 1, packets: a },
    ]);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => tsContinuityCounter(out, i * 188)), [0, 10, 1, 2, 11]);
    assert.throws(() => insertPackets(ts, [{ beforePacket: 4, packets: a }]), RangeError);
  });

  it('grows as packets are written', () => {
    const w = new TsPacketWriter(1);
    for (let i = 0; i < 10; i++) w.write(makeNullPacket(i));
    assert.equal(w.packetCount, 10);
    assert.equal(tsContinuityCounter(w.toBuffer(), 9 * 188), 9);
  });
});
