// SCTE-35 around a switch: which cue a section is, a copy from the other input left out, a cue
// only the standby had sent at the switch, repeats from one input passed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSpliceInsert, buildSpliceNull, buildTimeSignal, SEGMENTATION_TYPE } from '@mld/mpegts';
import { CueLedger, cueIdentity } from './cue-ledger.js';

const insert = (id: number, ptsTime: number): Buffer => buildSpliceInsert({ spliceEventId: id, ptsTime, breakDuration: 2_700_000 });
const signal = (id: number, ptsTime: number): Buffer =>
  buildTimeSignal({ ptsTime, segmentation: [{ segmentationEventId: id, segmentationTypeId: SEGMENTATION_TYPE.PROVIDER_PLACEMENT_OPPORTUNITY_START }] });

describe('cueIdentity', () => {
  it('is the event id, not the splice time (two encoders, two clocks)', () => {
    assert.equal(cueIdentity(insert(7, 1000)), cueIdentity(insert(7, 999_999)));
    assert.notEqual(cueIdentity(insert(7, 1000)), cueIdentity(insert(8, 1000)));
    assert.equal(cueIdentity(signal(9, 1)), cueIdentity(signal(9, 2)));
    assert.equal(cueIdentity(buildSpliceNull()), 'null');
    assert.match(cueIdentity(Buffer.from([0xfc, 0x00])), /^bytes:fc00$/, 'undecodable: its bytes');
  });
});

describe('CueLedger', () => {
  it('the other input’s copy within the window is left out; repeats from one input pass; after the window all pass', () => {
    const l = new CueLedger(3000);
    assert.equal(l.onAir(0, insert(1, 10), 1000), true);
    assert.equal(l.onAir(0, insert(1, 10), 1500), true, 'the encoder repeats its cue');
    assert.equal(l.onAir(1, insert(1, 77), 2000), false, 'the backup’s copy after the switch');
    assert.equal(l.onAir(1, insert(2, 77), 2000), true);
    assert.equal(l.onAir(1, insert(1, 77), 4600), true, 'the window is over');
    assert.deepEqual([l.forwarded, l.duplicatesDropped], [4, 1]);
  });

  it('a cue only the standby carried goes out when it goes on air, once', () => {
    const l = new CueLedger(3000);
    l.onStandby(1, insert(3, 13), 0x300, -5000); // too old
    l.onAir(0, insert(1, 10), 900);
    l.onStandby(1, insert(1, 11), 0x300, 1000); // the main sent it already
    l.onStandby(1, signal(2, 12), 0x300, 1100); // the main died before sending it
    const missed = l.takeMissed(1, 1500);
    assert.deepEqual(missed.map((c) => cueIdentity(c.section)), [cueIdentity(signal(2, 0))]);
    assert.equal(missed[0]!.pid, 0x300);
    assert.deepEqual(l.takeMissed(1, 1600), [], 'taken once');
    assert.equal(l.onAir(0, signal(2, 99), 1700), false, 'and the main’s late copy is then the duplicate');
    assert.equal(l.replayed, 1);
  });

  it('keeps a bounded log whatever arrives', () => {
    const l = new CueLedger(60_000);
    for (let i = 0; i < 10_000; i++) l.onStandby(1, insert(i, i), 0x300, i);
    assert.ok(l.takeMissed(1, 10_000).length <= 64);
  });
});
