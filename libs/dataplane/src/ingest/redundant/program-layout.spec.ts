// The PMT-driven PID map and the output's PAT/PMT: streams pair up by codec and order, extras
// find a PID, the PMT version moves only with its content.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Descriptor, inspectTs, NULL_PID, registrationDescriptor, STREAM_TYPE } from '@mld/mpegts';
import { describeStream } from '@mld/ts-analysis';
import { OutputPsi } from './output-psi.js';
import { DROP, identityMap, mapOntoReference, type ProgramLayout } from './program-layout.js';

function layout(pmtPid: number, pcrPid: number, streams: [type: number, pid: number, descriptors?: Descriptor[]][], programInfo: Descriptor[] = []): ProgramLayout {
  return {
    transportStreamId: 1,
    patVersion: 0,
    programNumber: 1,
    pmtPid,
    version: 3,
    pcrPid,
    programInfo,
    streams: streams.map(([streamType, pid, descriptors = []]) => ({ streamType, pid, descriptors, codec: describeStream(streamType, descriptors, programInfo).codec })),
  };
}

const ac3Descriptor: Descriptor = { tag: 0x6a, data: Buffer.from([0x00]) };
const main = layout(0x1000, 0x100, [
  [STREAM_TYPE.H264, 0x100],
  [STREAM_TYPE.AAC_ADTS, 0x101],
  [STREAM_TYPE.AAC_ADTS, 0x102],
  [STREAM_TYPE.AC3, 0x103],
  [STREAM_TYPE.SCTE35, 0x1f6],
]);

describe('mapOntoReference', () => {
  it('pairs streams by codec, in PMT order, whatever their PIDs and order', () => {
    const backup = layout(0x1100, 0x301, [
      [STREAM_TYPE.AAC_ADTS, 0x300],
      [STREAM_TYPE.H264, 0x301],
      [STREAM_TYPE.AAC_ADTS, 0x302],
      [STREAM_TYPE.PRIVATE_PES, 0x303, [ac3Descriptor]], // AC-3 declared the DVB way
      [STREAM_TYPE.SCTE35, 0x500],
    ]);
    const m = mapOntoReference(main, backup);
    assert.deepEqual(m.pairs, [
      { from: 0x300, to: 0x101 },
      { from: 0x301, to: 0x100 },
      { from: 0x302, to: 0x102 },
      { from: 0x303, to: 0x103 },
      { from: 0x500, to: 0x1f6 },
    ]);
    assert.equal(m.program.pcrPid, 0x100, 'the PCR goes with its stream');
    assert.equal(m.program.pmtPid, 0x1000);
    assert.deepEqual(m.program.streams.map((s) => s.pid), [0x100, 0x101, 0x102, 0x103, 0x1f6], 'the output PMT is the main’s');
    assert.equal(m.pid[0x1100], DROP, 'the backup’s own PMT PID');
    assert.equal(m.pid[0x777], DROP, 'PIDs its PMT does not declare');
    assert.equal(m.pid[0x11], 0x11, 'SI tables pass');
    assert.equal(m.pid[NULL_PID], NULL_PID, 'null packets pass');
  });

  it('a stream without a counterpart keeps its PID if free, else takes a free one, and is declared', () => {
    const backup = layout(0x1100, 0x200, [
      [STREAM_TYPE.H264, 0x200],
      [STREAM_TYPE.EAC3, 0x201],
      [STREAM_TYPE.EAC3, 0x101], // taken by the main's AAC
    ]);
    const m = mapOntoReference(main, backup);
    assert.deepEqual(m.pairs.slice(1), [
      { from: 0x201, to: 0x201 },
      { from: 0x101, to: 0x104 },
    ]);
    assert.deepEqual(m.program.streams.slice(5).map((s) => [s.streamType, s.pid]), [
      [STREAM_TYPE.EAC3, 0x201],
      [STREAM_TYPE.EAC3, 0x104],
    ]);
  });

  it('a PCR-only PID goes onto the main’s PCR-only PID, or a free one', () => {
    const pcrOnlyMain = layout(0x1000, 0x1ff0, [[STREAM_TYPE.H264, 0x100]]);
    const backup = layout(0x1100, 0x1ffe, [[STREAM_TYPE.H264, 0x200]]);
    assert.equal(mapOntoReference(pcrOnlyMain, backup).pid[0x1ffe], 0x1ff0);
    const m = mapOntoReference(main, backup);
    assert.equal(m.pid[0x1ffe], 0x1ffe);
    assert.equal(m.program.pcrPid, 0x1ffe, 'the PMT then names it');
  });

  it('a SCTE-35 stream only the backup has brings the CUEI registration along', () => {
    const plain = layout(0x1000, 0x100, [[STREAM_TYPE.H264, 0x100]]);
    const backup = layout(0x1100, 0x200, [[STREAM_TYPE.H264, 0x200], [STREAM_TYPE.SCTE35, 0x300]], [registrationDescriptor('CUEI')]);
    const m = mapOntoReference(plain, backup);
    assert.deepEqual(m.program.programInfo, [registrationDescriptor('CUEI')]);
  });

  it('the reference maps onto itself', () => {
    const m = identityMap(main);
    assert.equal(m.pid[0x777], 0x777);
    assert.equal(m.program.version, 3);
  });
});

describe('OutputPsi', () => {
  it('keeps the version while the content is the same, moves it by one when it differs', () => {
    const psi = new OutputPsi();
    const backup = layout(0x1100, 0x301, [[STREAM_TYPE.H264, 0x301], [STREAM_TYPE.AAC_ADTS, 0x300]]);
    const same = layout(0x1000, 0x100, [[STREAM_TYPE.H264, 0x100], [STREAM_TYPE.AAC_ADTS, 0x101]]);
    assert.equal(psi.set(identityMap(same).program), true);
    assert.equal(psi.version, 3, 'starts at the reference’s version');
    assert.equal(psi.set(mapOntoReference(same, backup).program), false, 'same streams: same PMT');
    assert.equal(psi.version, 3);
    const extra = layout(0x1100, 0x301, [[STREAM_TYPE.H264, 0x301], [STREAM_TYPE.AAC_ADTS, 0x300], [STREAM_TYPE.AC3, 0x302]]);
    assert.equal(psi.set(mapOntoReference(same, extra).program), true);
    assert.equal(psi.version, 4);
    assert.equal(psi.set(identityMap(same).program), true);
    assert.equal(psi.version, 5, 'back to the first content: a change again, never a version reused for other content');
    const ts = Buffer.concat([psi.patPackets()!, psi.pmtPackets()!, psi.patPackets()!, psi.pmtPackets()!]);
    const r = inspectTs(ts);
    assert.equal(r.ccErrors, 0);
    assert.equal(r.psiErrorCount, 0);
    assert.deepEqual(r.pat?.programs, [{ programNumber: 1, pmtPid: 0x1000 }]);
    assert.equal(r.pmts[0]!.version, 5);
  });
});
