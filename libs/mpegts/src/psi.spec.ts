import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc32mpeg2 } from './crc32-mpeg2.js';
import {
  buildPatSection,
  buildPmtSection,
  findRegistration,
  parsePat,
  parsePmt,
  registrationDescriptor,
  STREAM_TYPE,
} from './psi.js';
import { SectionAssembler } from './section-assembler.js';
import { SectionPacketizer } from './ts-mux.js';
import { writeTsHeader } from './ts-packet.js';

// FFmpeg's PAT for program 1 -> PMT PID 0x1000, transport_stream_id 1 (seen in countless dumps).
const FFMPEG_PAT = Buffer.from('00b00d0001c100000001f0002ab104b2', 'hex');
// PMT of a MediaLive-style feed: PCR 0x100, CUEI registration, H.264 0x100, AAC 0x101, SCTE-35 0x1F4.
const CUEI_PMT = Buffer.from('02b0220001c10000e100f0060504435545491be100f0000fe101f00086e1f4f000cf84f6b5', 'hex');

describe('crc32mpeg2', () => {
  it('matches the CRC-32/MPEG-2 check value', () => {
    assert.equal(crc32mpeg2(Buffer.from('123456789', 'latin1')), 0x0376e6e7);
  });

  it('matches the CRC in known PAT and PMT sections, and checks to zero over them', () => {
    assert.equal(crc32mpeg2(FFMPEG_PAT, 0, FFMPEG_PAT.length - 4), 0x2ab104b2);
    assert.equal(crc32mpeg2(FFMPEG_PAT), 0);
    assert.equal(crc32mpeg2(CUEI_PMT), 0);
  });
});

describe('PAT and PMT', () => {
  it('builds the exact PAT FFmpeg writes', () => {
    assert.equal(buildPatSection({ transportStreamId: 1, programs: [{ programNumber: 1, pmtPid: 0x1000 }] }).toString('hex'), FFMPEG_PAT.toString('hex'));
  });

  it('parses a PAT with a network PID', () => {
    const s = buildPatSection({ transportStreamId: 0x1234, version: 5, networkPid: 0x10, programs: [{ programNumber: 7, pmtPid: 0x20 }] });
    const r = parsePat(s);
    assert.ok(r.ok);
    assert.deepEqual(r.value, {
      transportStreamId: 0x1234,
      version: 5,
      currentNext: true,
      sectionNumber: 0,
      lastSectionNumber: 0,
      programs: [{ programNumber: 7, pmtPid: 0x20 }],
      networkPid: 0x10,
    });
  });

  it('parses a PMT declaring SCTE-35 and rebuilds it byte for byte', () => {
    const r = parsePmt(CUEI_PMT);
    assert.ok(r.ok);
    assert.equal(r.value.pcrPid, 0x100);
    assert.equal(findRegistration(r.value.programInfo), 'CUEI');
    assert.deepEqual(
      r.value.streams.map((s) => [s.streamType, s.pid]),
      [
        [STREAM_TYPE.H264, 0x100],
        [STREAM_TYPE.AAC_ADTS, 0x101],
        [STREAM_TYPE.SCTE35, 0x1f4],
      ],
    );
    assert.equal(buildPmtSection(r.value).toString('hex'), CUEI_PMT.toString('hex'));
  });

  it('round-trips ES descriptors', () => {
    const lang = { tag: 0x0a, data: Buffer.from('eng\0', 'latin1') };
    const s = buildPmtSection({
      programNumber: 3,
      version: 31,
      pcrPid: 0x1ffe,
      programInfo: [registrationDescriptor('CUEI')],
      streams: [{ streamType: 0x0f, pid: 0x44, descriptors: [lang] }],
    });
    const r = parsePmt(s);
    assert.ok(r.ok);
    assert.equal(r.value.version, 31);
    assert.deepEqual(r.value.streams[0]!.descriptors, [lang]);
  });

  it('rejects bad CRC, wrong table and truncation with reasons', () => {
    const bad = Buffer.from(CUEI_PMT);
    bad[20] ^= 1;
    assert.deepEqual(parsePmt(bad), { ok: false, reason: 'CRC-32 mismatch' });
    assert.equal(parsePat(CUEI_PMT).ok, false);
    assert.equal(parsePmt(CUEI_PMT.subarray(0, 20)).ok, false);
    assert.equal(parsePmt(Buffer.alloc(0)).ok, false);
  });
});

describe('SectionAssembler', () => {
  const bigPmt = buildPmtSection({
    programNumber: 1,
    pcrPid: 0x100,
    programInfo: [registrationDescriptor('CUEI')],
    streams: Array.from({ length: 50 }, (_, i) => ({ streamType: 0x06, pid: 0x200 + i, descriptors: [{ tag: 0x52, data: Buffer.from([i]) }] })),
  });

  function collect(): { sections: Buffer[]; asm: SectionAssembler } {
    const sections: Buffer[] = [];
    return { sections, asm: new SectionAssembler(0x1000, (s) => sections.push(s)) };
  }

  it('joins a section spread over several packets', () => {
    assert.ok(bigPmt.length > 2 * 184);
    const packets = new SectionPacketizer(0x1000).packetize(bigPmt);
    const { sections, asm } = collect();
    for (let off = 0; off < packets.length; off += 188) asm.push(packets, off);
    assert.equal(sections.length, 1);
    assert.ok(sections[0]!.equals(bigPmt));
  });

  it('reads two sections in one packet and a tail before the pointer_field target', () => {
    // Packet 1 starts section A (too long to fit); packet 2 finishes A via pointer_field, then B and C.
    const a = bigPmt;
    const b = FFMPEG_PAT;
    const c = buildPatSection({ transportStreamId: 9, programs: [] });
    const p = Buffer.alloc(188 * 3, 0xff);
    writeTsHeader(p, 0, 0x1000, 0, { pusi: true });
    p[4] = 0;
    a.copy(p, 5, 0, 183);
    writeTsHeader(p, 188, 0x1000, 1);
    a.copy(p, 192, 183, 183 + 184);
    const tail = a.length - 183 - 184;
    writeTsHeader(p, 376, 0x1000, 2, { pusi: true });
    p[380] = tail;
    a.copy(p, 381, 367);
    b.copy(p, 381 + tail);
    c.copy(p, 381 + tail + b.length);
    const { sections, asm } = collect();
    for (let off = 0; off < p.length; off += 188) asm.push(p, off);
    assert.deepEqual(sections.map((s) => s.toString('hex')), [a, b, c].map((s) => s.toString('hex')));
  });

  it('drops a partial section after a continuity gap, ignores a repeated packet', () => {
    const packets = new SectionPacketizer(0x1000).packetize(bigPmt);
    const { sections, asm } = collect();
    asm.push(packets, 0);
    asm.push(packets, 0); // duplicate: ignored
    asm.push(packets, 376); // packet 1 missing
    assert.equal(sections.length, 0);
    assert.equal(asm.stats.dropped, 1);
    const again = new SectionPacketizer(0x1000, 3).packetize(bigPmt);
    for (let off = 0; off < again.length; off += 188) asm.push(again, off);
    assert.equal(sections.length, 1);
  });
});
