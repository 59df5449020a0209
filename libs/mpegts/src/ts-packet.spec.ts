import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TsPacketAligner } from './ts-packet-aligner.js';
import { packetizePes } from './ts-mux.js';
import {
  makeNullPacket,
  NULL_PID,
  tsAdaptationFieldControl,
  tsContinuityCounter,
  tsDiscontinuity,
  tsPayloadOffset,
  tsPcr,
  tsPid,
  tsPusi,
  tsRandomAccess,
  writeTsHeader,
} from './ts-packet.js';

/** Packets whose first payload byte is their index, so order and integrity are checkable. */
function numberedPackets(n: number): Buffer {
  const out = Buffer.alloc(n * 188);
  // Pseudo-random payload with plenty of stray 0x47 bytes to tempt false syncs.
  let x = 7;
  for (let i = 0; i < out.length; i++) out[i] = ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % 64 === 0 ? 0x47 : x >>> 24;
  for (let i = 0; i < n; i++) {
    writeTsHeader(out, i * 188, 0x100, i);
    out[i * 188 + 4] = i & 0xff;
  }
  return out;
}

function align(chunks: Buffer[]): { ids: number[]; aligner: TsPacketAligner } {
  const ids: number[] = [];
  const aligner = new TsPacketAligner((buf, off) => {
    assert.equal(buf[off], 0x47);
    ids.push(buf[off + 4]!);
  });
  for (const c of chunks) aligner.push(c);
  return { ids, aligner };
}

describe('TS packet fields', () => {
  it('reads header fields, adaptation flags and PCR', () => {
    const { packets } = packetizePes(Buffer.alloc(10), 0x1abc, 9, { pcr: 8_589_934_591 * 300 + 299, randomAccess: true });
    assert.equal(tsPid(packets), 0x1abc);
    assert.equal(tsPusi(packets), true);
    assert.equal(tsContinuityCounter(packets), 9);
    assert.equal(tsAdaptationFieldControl(packets), 3);
    assert.equal(tsRandomAccess(packets), true);
    assert.equal(tsDiscontinuity(packets), false);
    assert.equal(tsPcr(packets), 8_589_934_591 * 300 + 299, 'max 33-bit base survives');
    assert.equal(tsPayloadOffset(packets), 188 - 10);
  });

  it('knows a null packet has no PCR and a payload at byte 4', () => {
    const p = makeNullPacket();
    assert.equal(tsPid(p), NULL_PID);
    assert.equal(tsPcr(p), -1);
    assert.equal(tsPayloadOffset(p), 4);
  });

  it('refuses an adaptation field that overruns the packet', () => {
    const p = makeNullPacket();
    p[3] = 0x30;
    p[4] = 190;
    assert.equal(tsPayloadOffset(p), -1);
  });
});

describe('TsPacketAligner', () => {
  it('passes aligned chunks through without copying', () => {
    const ts = numberedPackets(14);
    const seen: Buffer[] = [];
    const a = new TsPacketAligner((buf) => seen.push(buf));
    a.push(ts.subarray(0, 7 * 188));
    a.push(ts.subarray(7 * 188));
    assert.equal(seen.length, 14);
    assert.ok(seen.every((b) => b.buffer === ts.buffer));
  });

  it('holds a lone first packet until sync is confirmed or input ends', () => {
    const ts = numberedPackets(1);
    const { ids, aligner } = align([ts]);
    assert.deepEqual(ids, []);
    assert.equal(aligner.pendingBytes, 188);
    aligner.end();
    assert.deepEqual(ids, [0]);
  });

  it('joins packets split across arbitrary chunk sizes', () => {
    const ts = numberedPackets(50);
    for (const size of [1, 7, 100, 187, 189, 1000]) {
      const chunks: Buffer[] = [];
      for (let p = 0; p < ts.length; p += size) chunks.push(ts.subarray(p, p + size));
      const { ids, aligner } = align(chunks);
      aligner.end();
      assert.deepEqual(ids, [...Array(50).keys()], `chunk size ${size}`);
      assert.equal(aligner.stats.packets, 50, `chunk size ${size}`);
      assert.equal(aligner.stats.syncLosses, 0);
    }
  });

  it('skips leading garbage and resyncs after corruption, counting it', () => {
    const ts = numberedPackets(20);
    const garbage = Buffer.from([0x00, 0x47, 0x12, 0x47, 0x99]);
    // Packet 5 loses its last 3 bytes. Like any demuxer, the aligner only notices at the next
    // sync position: packet 5 goes out short-changed, packet 6 (headless) is skipped.
    const damaged = Buffer.concat([garbage, ts.subarray(0, 6 * 188 - 3), ts.subarray(6 * 188)]);
    const { ids, aligner } = align([damaged.subarray(0, 700), damaged.subarray(700)]);
    aligner.end();
    assert.deepEqual(ids, [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    assert.equal(aligner.stats.syncLosses, 1);
    assert.equal(aligner.stats.bytesSkipped, garbage.length + 188 - 3);
  });

  it('is not fooled by a 0x47 byte that is not followed by another sync', () => {
    const ts = numberedPackets(4);
    const { ids, aligner } = align([Buffer.from([0x47, 1, 2]), ts]);
    assert.deepEqual(ids, [0, 1, 2, 3]);
    assert.equal(aligner.stats.bytesSkipped, 3);
  });
});
