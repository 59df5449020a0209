import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TsAnalyzer } from './ts-analyzer.js';
import type { Tr101290Check } from './types.js';
import { AUDIO, CUE_PID, drive, healthyStep, PMT_PID, StreamBuilder, T0, VIDEO, pcrAt } from './testing/ts-builder.js';

function counts(an: TsAnalyzer): Record<Tr101290Check, number> {
  const tr = an.snapshot().tr101290;
  return Object.fromEntries(Object.entries(tr).map(([k, v]) => [k, v.count])) as Record<Tr101290Check, number>;
}

const ZERO: Record<Tr101290Check, number> = {
  syncLoss: 0,
  syncByteError: 0,
  patError: 0,
  ccError: 0,
  pmtError: 0,
  pidError: 0,
  transportError: 0,
  crcError: 0,
  pcrRepetitionError: 0,
  pcrDiscontinuity: 0,
};

/** A clean first second, so every check has a baseline before the fault. */
function started(opts: ConstructorParameters<typeof TsAnalyzer>[0] = {}): { an: TsAnalyzer; b: StreamBuilder } {
  const an = new TsAnalyzer(opts);
  const b = new StreamBuilder();
  drive(an, T0, T0 + 1000, (t) => healthyStep(b, t));
  assert.deepEqual(counts(an), ZERO, 'clean baseline');
  return { an, b };
}

function withSync(packet: Buffer, byte: number): Buffer {
  const p = Buffer.from(packet);
  p[0] = byte;
  return p;
}

describe('TR 101 290 on a clean stream', () => {
  it('counts nothing over 12 s and reports receiving', () => {
    const { an, b } = started();
    drive(an, T0 + 1000, T0 + 12_000, (t) => healthyStep(b, t));
    assert.deepEqual(counts(an), ZERO);
    const s = an.snapshot();
    assert.equal(s.state, 'receiving');
    assert.equal(s.synced, true);
    assert.equal(s.pids.find((p) => p.pid === VIDEO)!.packets, 600);
  });
});

describe('1.1 TS_sync_loss and 1.2 Sync_byte_error', () => {
  it('a lone corrupted sync byte (0x48) is a Sync_byte_error, not a loss of sync', () => {
    const { an, b } = started();
    an.push(withSync(b.nullPacket(), 0x48), T0 + 1000);
    drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t));
    assert.deepEqual(counts(an), { ...ZERO, syncByteError: 1 });
    assert.equal(an.snapshot().tr101290.syncByteError.lastAt, T0 + 1000);
    assert.equal(an.snapshot().synced, true);
  });

  it('two consecutive bad sync bytes lose sync once; five good ones are needed to acquire it again', () => {
    const { an, b } = started();
    const bad = (): Buffer => withSync(b.nullPacket(), 0x00);
    const good = (): Buffer => b.nullPacket();
    an.push(Buffer.concat([bad(), good(), bad()]), T0 + 1000); // not consecutive: no loss
    assert.equal(counts(an).syncLoss, 0);
    an.push(Buffer.concat([bad(), bad()]), T0 + 1001);
    assert.equal(counts(an).syncLoss, 1);
    assert.equal(an.snapshot().synced, false);
    // Hysteresis: 3 good are not enough to re-acquire, so the next bad pair is the same loss.
    an.push(Buffer.concat([good(), good(), good(), bad(), bad(), bad()]), T0 + 1002);
    assert.equal(counts(an).syncLoss, 1);
    assert.equal(an.snapshot().synced, false);
    an.push(Buffer.concat([good(), good(), good(), good(), good()]), T0 + 1003);
    assert.equal(an.snapshot().synced, true);
    an.push(Buffer.concat([bad(), bad()]), T0 + 1004);
    const c = counts(an);
    assert.equal(c.syncLoss, 2);
    assert.equal(c.syncByteError, 9);
  });

  it('does not analyse packets until sync is confirmed, then analyses the confirming ones', () => {
    const an = new TsAnalyzer();
    const b = new StreamBuilder();
    an.push(Buffer.concat([b.pat(), b.pmt(), b.es(VIDEO), b.es(VIDEO)]), T0);
    assert.equal(an.snapshot().synced, false);
    assert.deepEqual(an.snapshot().programs, []);
    assert.deepEqual(an.snapshot().pids, []);
    an.push(b.es(VIDEO), T0 + 1);
    const s = an.snapshot();
    assert.equal(s.synced, true);
    assert.equal(s.programs.length, 1);
    assert.equal(s.pids.find((p) => p.pid === VIDEO)!.packets, 3);
  });

  it('does not report the packets lost during a sync loss a second time as CC errors', () => {
    const { an, b } = started();
    const lost = [b.es(VIDEO), b.es(VIDEO)].map((p) => withSync(p, 0xff));
    an.push(Buffer.concat(lost), T0 + 1000);
    drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t));
    assert.deepEqual(counts(an), { ...ZERO, syncLoss: 1, syncByteError: 2 });
  });
});

describe('1.3 PAT_error', () => {
  it('counts each 0.5 s without a PAT section', () => {
    const { an, b } = started();
    // Last PAT at +900 ms; checks at +1420 and +1940 find more than 500 ms without one.
    drive(an, T0 + 1000, T0 + 2200, (t) => healthyStep(b, t, { pat: false }));
    assert.deepEqual(counts(an), { ...ZERO, patError: 2 });
    assert.equal(an.snapshot().tr101290.patError.lastAt, T0 + 1940);
  });

  it('counts a PAT that arrives late even when tick() is not called', () => {
    const an = new TsAnalyzer();
    const b = new StreamBuilder();
    an.push(Buffer.concat([b.pat(), b.pmt(), b.es(VIDEO), b.es(VIDEO), b.es(VIDEO)]), T0);
    an.push(b.pat(), T0 + 400);
    assert.equal(counts(an).patError, 0);
    an.push(b.pat(), T0 + 950);
    assert.equal(counts(an).patError, 1);
  });

  it('counts a section with table_id other than 0x00 on PID 0x0000', () => {
    const { an, b } = started();
    an.push(b.section(0, b.pmtSection), T0 + 1000);
    drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t));
    assert.deepEqual(counts(an), { ...ZERO, patError: 1 });
  });

  it('counts a scrambled packet on PID 0x0000', () => {
    const { an, b } = started();
    const pat = b.pat();
    pat[3] = (pat[3]! & 0x3f) | 0x80;
    an.push(pat, T0 + 1000);
    drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t));
    assert.deepEqual(counts(an), { ...ZERO, patError: 1 });
  });

  it('counts a PAT with a bad CRC as CRC_error (2.2), and the gap it leaves as PAT_error', () => {
    const { an, b } = started();
    const broken = Buffer.from(b.patSection);
    broken[broken.length - 1] ^= 0xff;
    drive(an, T0 + 1000, T0 + 2000, (t) => (t - T0) % 100 === 0 ? [b.section(0, broken), b.pmt(), b.es(VIDEO, { pcr: pcrAt(t) }), b.es(AUDIO)] : healthyStep(b, t));
    const c = counts(an);
    assert.equal(c.crcError, 10);
    assert.equal(c.patError, 2, 'last good PAT at +900 ms: checks at +1420 and +1940');
  });
});

describe('1.4 Continuity_count_error', () => {
  it('counts one dropped packet once, on its PID', () => {
    const { an, b } = started();
    an.push(b.es(VIDEO), T0 + 1000);
    b.es(VIDEO); // lost on the way
    an.push(b.es(VIDEO), T0 + 1000);
    drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t));
    assert.deepEqual(counts(an), { ...ZERO, ccError: 1 });
    const s = an.snapshot();
    assert.equal(s.pids.find((p) => p.pid === VIDEO)!.ccErrors, 1);
    assert.equal(s.pids.find((p) => p.pid === AUDIO)!.ccErrors, 0);
  });

  it('allows one duplicate but counts a packet sent a third time', () => {
    const { an, b } = started();
    const p = b.es(AUDIO);
    an.push(Buffer.concat([p, p]), T0 + 1000);
    assert.equal(counts(an).ccError, 0);
    an.push(p, T0 + 1000);
    assert.equal(counts(an).ccError, 1);
  });

  it('counts packets out of order, and accepts a jump flagged by discontinuity_indicator', () => {
    const { an, b } = started();
    const x = b.es(AUDIO);
    const y = b.es(AUDIO);
    an.push(Buffer.concat([y, x]), T0 + 1000);
    const afterSwap = counts(an).ccError;
    assert.ok(afterSwap >= 1, `swap counted (${afterSwap})`);
    an.push(b.es(AUDIO, { cc: 9, discontinuity: true }), T0 + 1001);
    an.push(b.es(AUDIO, { cc: 10 }), T0 + 1002);
    assert.equal(counts(an).ccError, afterSwap);
  });

  it('ignores null packets and adaptation-only packets', () => {
    const { an, b } = started();
    const afOnly = b.es(VIDEO, { cc: 3 });
    afOnly[3] = (afOnly[3]! & 0xcf) | 0x20; // adaptation field only
    afOnly[4] = 183;
    afOnly[5] = 0;
    an.push(Buffer.concat([afOnly, b.nullPacket(), b.nullPacket()]), T0 + 1000);
    drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t));
    assert.deepEqual(counts(an), ZERO);
  });
});

describe('1.5 PMT_error', () => {
  it('counts each 0.5 s without the PMT of a program the PAT lists', () => {
    const { an, b } = started();
    drive(an, T0 + 1000, T0 + 2200, (t) => healthyStep(b, t, { pmt: false }));
    assert.deepEqual(counts(an), { ...ZERO, pmtError: 2 });
  });

  it('counts a scrambled packet on a PMT PID', () => {
    const { an, b } = started();
    const pmt = b.pmt();
    pmt[3] = (pmt[3]! & 0x3f) | 0xc0;
    an.push(pmt, T0 + 1000);
    drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t));
    assert.deepEqual(counts(an), { ...ZERO, pmtError: 1 });
    assert.equal(an.snapshot().pids.find((p) => p.pid === PMT_PID)!.name, 'PMT (program 1)');
  });
});

describe('1.6 PID_error', () => {
  it('counts a PMT-referenced PID unseen for 5 s, but not the SCTE-35 PID, silent all along', () => {
    const { an, b } = started();
    // Last audio at +980 ms: the check at +6000 is the first more than 5 s later.
    drive(an, T0 + 1000, T0 + 7500, (t) => healthyStep(b, t, { audio: false }));
    assert.deepEqual(counts(an), { ...ZERO, pidError: 1 });
    assert.equal(an.snapshot().tr101290.pidError.lastAt, T0 + 6000);
    assert.equal(an.snapshot().pids.some((p) => p.pid === CUE_PID), false);
  });

  it('uses the user-specified period', () => {
    const { an, b } = started({ pidTimeoutMs: 2000 });
    drive(an, T0 + 1000, T0 + 7500, (t) => healthyStep(b, t, { audio: false }));
    assert.deepEqual(counts(an), { ...ZERO, pidError: 3 });
  });
});

describe('2.3 PCR checks', () => {
  it('counts a PCR jump without discontinuity_indicator, not one with it', () => {
    const { an, b } = started();
    let offset = 0;
    const step = (t: number, flagged: boolean): Buffer[] => {
      const jump = t === T0 + 1500 || t === T0 + 2500;
      if (jump) offset += 27_000_000; // +1 s
      return [b.es(VIDEO, { pcr: pcrAt(t) + offset, discontinuity: jump && flagged }), b.es(AUDIO)];
    };
    drive(an, T0 + 1000, T0 + 2000, (t) => [...healthyStep(b, t, { video: false, audio: false }), ...step(t, false)]);
    assert.deepEqual(counts(an), { ...ZERO, pcrDiscontinuity: 1 });
    drive(an, T0 + 2000, T0 + 3000, (t) => [...healthyStep(b, t, { video: false, audio: false }), ...step(t, true)]);
    assert.deepEqual(counts(an), { ...ZERO, pcrDiscontinuity: 1 });
    // A PCR going backwards is outside 0..100 ms too.
    an.push(b.es(VIDEO, { pcr: pcrAt(T0 + 2980) + offset - 27_000 }), T0 + 3000);
    assert.equal(counts(an).pcrDiscontinuity, 2);
  });

  it('counts PCR gaps longer than 100 ms on the PCR PID, without degrading the input', () => {
    const { an, b } = started();
    drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t, { pcr: (t - T0) % 160 === 0 }));
    // PCRs 160 ms apart from +980 ms: six gaps end before +2000, one error each. The PCR values
    // step 160 ms too, which 2.3b counts as well (its range is 0..100 ms).
    assert.deepEqual(counts(an), { ...ZERO, pcrRepetitionError: 6, pcrDiscontinuity: 6 });
    assert.equal(an.snapshot().state, 'receiving');
  });
});

describe('2.1 Transport_error', () => {
  it('counts transport_error_indicator and does not turn the damaged packet into a CC error', () => {
    const { an, b } = started();
    an.push(b.es(VIDEO, { transportError: true }), T0 + 1000);
    drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t));
    assert.deepEqual(counts(an), { ...ZERO, transportError: 1 });
  });
});
