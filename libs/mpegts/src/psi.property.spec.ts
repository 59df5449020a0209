// Properties of PAT/PMT sections (build, parse, CRC) and of the section assembler, over generated
// input (fast-check, fixed seed; FC_SEED / FC_RUNS to explore further).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildPatSection, buildPmtSection, parsePat, parsePmt, type Descriptor } from './psi.js';
import { SectionAssembler } from './section-assembler.js';
import { SectionPacketizer } from './ts-mux.js';
import { TS_PACKET_SIZE } from './ts-packet.js';

/** Plain JSON form (fast-check records have a null prototype; Buffers compare by content). */
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
const PARAMS = { seed: Number(process.env['FC_SEED'] ?? 20261201), numRuns: Number(process.env['FC_RUNS'] ?? 500) };
const pid = fc.integer({ min: 0, max: 0x1fff });
const descriptor: fc.Arbitrary<Descriptor> = fc.record({ tag: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 24 }).map((u) => Buffer.from(u)) });

const patArb = fc.record({
  transportStreamId: fc.integer({ min: 0, max: 0xffff }),
  version: fc.integer({ min: 0, max: 31 }),
  programs: fc.array(fc.record({ programNumber: fc.integer({ min: 1, max: 0xffff }), pmtPid: pid }), { maxLength: 40 }),
  networkPid: fc.option(pid, { nil: undefined }),
});
const pmtArb = fc.record({
  programNumber: fc.integer({ min: 0, max: 0xffff }),
  version: fc.integer({ min: 0, max: 31 }),
  pcrPid: pid,
  programInfo: fc.array(descriptor, { maxLength: 4 }),
  streams: fc.array(fc.record({ streamType: fc.integer({ min: 0, max: 255 }), pid, descriptors: fc.array(descriptor, { maxLength: 3 }) }), { maxLength: 8 }),
});

describe('PSI sections (property)', () => {
  it('parsers never throw on arbitrary bytes, also ones that look like a PAT or PMT', () => {
    const sectionLike = fc.tuple(fc.constantFrom(0x00, 0x02), fc.uint8Array({ maxLength: 300 })).map(([t, rest]) => Uint8Array.from([t, 0xb0 | ((rest[0] ?? 0) & 0x0f), ...rest.subarray(1)]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), sectionLike), (bytes) => {
        for (const parse of [parsePat, parsePmt]) {
          const r = parse(bytes);
          assert.ok(r.ok || (typeof r.reason === 'string' && r.reason.length > 0));
        }
      }),
      PARAMS,
    );
  });

  it('PAT: build, parse and rebuild is bit-exact', () => {
    fc.assert(
      fc.property(patArb, (pat) => {
        const bytes = buildPatSection(pat);
        const r = parsePat(bytes);
        assert.ok(r.ok, !r.ok ? r.reason : '');
        assert.equal(r.value.transportStreamId, pat.transportStreamId);
        assert.equal(r.value.version, pat.version);
        assert.deepEqual(plain(r.value.programs), plain(pat.programs));
        assert.equal(r.value.networkPid, pat.networkPid);
        assert.ok(buildPatSection(r.value).equals(bytes));
      }),
      PARAMS,
    );
  });

  it('PMT: build, parse and rebuild is bit-exact', () => {
    fc.assert(
      fc.property(pmtArb, (pmt) => {
        const bytes = buildPmtSection(pmt);
        const r = parsePmt(bytes);
        assert.ok(r.ok, !r.ok ? r.reason : '');
        assert.deepEqual(plain(r.value.streams), plain(pmt.streams));
        assert.deepEqual(plain(r.value.programInfo), plain(pmt.programInfo));
        assert.equal(r.value.pcrPid, pmt.pcrPid);
        assert.ok(buildPmtSection(r.value).equals(bytes));
      }),
      PARAMS,
    );
  });

  it('any single flipped bit of a valid section is refused (CRC-32 or header check)', () => {
    fc.assert(
      fc.property(fc.oneof(patArb.map(buildPatSection), pmtArb.map(buildPmtSection)), fc.nat(), fc.integer({ min: 0, max: 7 }), (bytes, at, bit) => {
        const damaged = Buffer.from(bytes);
        damaged[at % damaged.length]! ^= 1 << bit;
        assert.equal(parsePat(damaged).ok, false);
        assert.equal(parsePmt(damaged).ok, false);
      }),
      PARAMS,
    );
  });
});

describe('Section assembler (property)', () => {
  it('never throws on arbitrary packets of its PID', () => {
    const packet = fc.uint8Array({ minLength: TS_PACKET_SIZE, maxLength: TS_PACKET_SIZE }).map((u) => {
      const b = Buffer.from(u);
      b[0] = 0x47;
      return b;
    });
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 30 }), (packets) => {
        const asm = new SectionAssembler(0x100, (section) => assert.ok(section.length >= 3));
        for (const p of packets) asm.push(p, 0);
      }),
      PARAMS,
    );
  });

  it('gives back every section, byte for byte, after packetizing (sections spanning packets included)', () => {
    const sections = fc.array(fc.oneof(patArb.map(buildPatSection), pmtArb.map(buildPmtSection)), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(sections, fc.integer({ min: 0, max: 15 }), (input, startCc) => {
        const got: Buffer[] = [];
        const asm = new SectionAssembler(0x1f6, (section) => got.push(section));
        const packetizer = new SectionPacketizer(0x1f6, startCc);
        const ts = Buffer.concat(input.map((s) => packetizer.packetize(s)));
        for (let off = 0; off < ts.length; off += TS_PACKET_SIZE) asm.push(ts, off);
        assert.equal(got.length, input.length);
        got.forEach((s, i) => assert.ok(s.equals(input[i]!), `section ${i} differs`));
        assert.equal(asm.stats.dropped, 0);
      }),
      PARAMS,
    );
  });
});
