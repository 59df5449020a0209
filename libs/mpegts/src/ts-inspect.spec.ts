import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPatSection, buildPmtSection, registrationDescriptor, STREAM_TYPE } from './psi.js';
import { buildSpliceInsert, buildTimeSignal } from './scte35-builders.js';
import { inspectTs, TsInspector } from './ts-inspect.js';
import { packetizeSection } from './ts-mux.js';
import { makeNullPacket, writeTsHeader } from './ts-packet.js';

const VIDEO = 0x100;
const CUE_PID = 0x1f6;

function psi(): Buffer {
  const pat = packetizeSection(buildPatSection({ transportStreamId: 1, programs: [{ programNumber: 1, pmtPid: 0x1000 }] }), 0).packets;
  const pmt = packetizeSection(
    buildPmtSection({
      programNumber: 1,
      pcrPid: VIDEO,
      programInfo: [registrationDescriptor('CUEI')],
      streams: [
        { streamType: STREAM_TYPE.H264, pid: VIDEO, descriptors: [] },
        { streamType: STREAM_TYPE.SCTE35, pid: CUE_PID, descriptors: [] },
      ],
    }),
    0x1000,
  ).packets;
  return Buffer.concat([pat, pmt]);
}

function payloadPacket(pid: number, cc: number, opts: { afc?: number; discontinuity?: boolean } = {}): Buffer {
  const p = Buffer.alloc(188, 0xaa);
  const afc = opts.afc ?? (opts.discontinuity ? 3 : 1);
  writeTsHeader(p, 0, pid, cc, { afc });
  if (afc & 2) {
    p[4] = afc === 2 ? 183 : 1;
    p[5] = opts.discontinuity ? 0x80 : 0;
  }
  return p;
}

function videoRun(from: number, count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => payloadPacket(VIDEO, (from + i) & 0x0f));
}

describe('TsInspector', () => {
  it('counts one CC error for one dropped packet, across the 15 -> 0 wrap', () => {
    const packets = videoRun(0, 40);
    packets.splice(20, 1);
    const r = inspectTs(Buffer.concat([psi(), ...packets]));
    const v = r.pids.find((p) => p.pid === VIDEO)!;
    assert.equal(v.packets, 39);
    assert.equal(v.ccErrors, 1);
    assert.equal(r.ccErrors, 1);
  });

  it('reports a clean stream as clean', () => {
    const r = inspectTs(Buffer.concat([psi(), ...videoRun(3, 50), makeNullPacket(), makeNullPacket(9)]));
    assert.equal(r.ccErrors, 0);
    assert.equal(r.nullPackets, 2);
    assert.equal(r.patSections, 1);
    assert.equal(r.pmtSections, 1);
    assert.equal(r.pat?.programs[0]?.pmtPid, 0x1000);
    assert.deepEqual(r.scte35Pids, [CUE_PID]);
  });

  it('allows one duplicate, not two', () => {
    const once = [...videoRun(0, 5), payloadPacket(VIDEO, 4), ...videoRun(5, 3)];
    const r1 = inspectTs(Buffer.concat(once));
    assert.equal(r1.ccErrors, 0);
    assert.equal(r1.pids[0]!.duplicates, 1);
    const twice = [...videoRun(0, 5), payloadPacket(VIDEO, 4), payloadPacket(VIDEO, 4), ...videoRun(5, 3)];
    assert.equal(inspectTs(Buffer.concat(twice)).ccErrors, 1);
  });

  it('does not advance the counter on adaptation-only packets', () => {
    const packets = [...videoRun(0, 5), payloadPacket(VIDEO, 4, { afc: 2 }), payloadPacket(VIDEO, 4, { afc: 2 }), ...videoRun(5, 3)];
    assert.equal(inspectTs(Buffer.concat(packets)).ccErrors, 0);
  });

  it('accepts a counter jump flagged by the discontinuity indicator', () => {
    const packets = [...videoRun(0, 5), payloadPacket(VIDEO, 11, { discontinuity: true }), ...videoRun(12, 3)];
    const r = inspectTs(Buffer.concat(packets));
    assert.equal(r.ccErrors, 0);
    assert.equal(r.pids[0]!.discontinuityIndicators, 1);
  });

  it('finds SCTE-35 sections on PIDs the PMT declares with stream_type 0x86', () => {
    const good = buildSpliceInsert({ spliceEventId: 7, ptsTime: 900_000, breakDuration: 2_700_000 });
    const bad = buildTimeSignal({ ptsTime: 5 });
    bad[bad.length - 2] ^= 0x01;
    const cue1 = packetizeSection(good, CUE_PID, 0);
    const cue2 = packetizeSection(bad, CUE_PID, cue1.nextCc);
    const cues: number[] = [];
    const insp = new TsInspector({ onCue: (c) => cues.push(c.packetIndex) });
    insp.push(Buffer.concat([psi(), ...videoRun(0, 3), cue1.packets, ...videoRun(3, 3), cue2.packets]));
    const r = insp.report();
    assert.equal(r.cues.length, 2);
    assert.deepEqual(cues, [5, 9]);
    assert.equal(r.cues[0]!.pid, CUE_PID);
    assert.equal(r.cues[0]!.crcValid, true);
    assert.ok(r.cues[0]!.decoded.ok && r.cues[0]!.decoded.value.command.type === 'splice_insert');
    assert.ok(r.cues[0]!.section.equals(good));
    assert.equal(r.cues[1]!.crcValid, false);
    assert.equal(r.pids.find((p) => p.pid === CUE_PID)!.ccErrors, 0);
  });

  it('reads SCTE-35 from an explicitly listed PID with no PMT at all', () => {
    const cue = packetizeSection(buildSpliceInsert({ spliceEventId: 1 }), 0x30).packets;
    assert.equal(inspectTs(cue, { scte35Pids: [0x30] }).cues.length, 1);
    assert.equal(inspectTs(cue).cues.length, 0);
  });

  it('accepts the stream in arbitrary chunks', () => {
    const ts = Buffer.concat([psi(), ...videoRun(0, 30), packetizeSection(buildSpliceInsert({ spliceEventId: 3 }), CUE_PID).packets]);
    const insp = new TsInspector();
    for (let p = 0; p < ts.length; p += 1000) insp.push(ts.subarray(p, p + 1000));
    insp.end();
    const r = insp.report();
    assert.equal(r.packets, ts.length / 188);
    assert.equal(r.cues.length, 1);
  });
});
