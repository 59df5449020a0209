import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateWindow } from './rate-window.js';
import { TsAnalyzer } from './ts-analyzer.js';
import type { InputState } from './types.js';
import { AUDIO, drive, healthyStep, StreamBuilder, T0, VIDEO } from './testing/ts-builder.js';

const CHUNK = 7 * 188;

describe('bitrate windows (fake clock)', () => {
  it('reports 1 s and 10 s averages that follow a rate change and fall to 0 without input', () => {
    const an = new TsAnalyzer();
    const b = new StreamBuilder();
    const chunk = (): Buffer => Buffer.concat([b.pat(), b.pmt(), b.es(VIDEO), b.es(VIDEO), b.es(VIDEO), b.es(AUDIO), b.nullPacket()]);
    // 3 s at one chunk per 10 ms = 1 052 800 bit/s.
    drive(an, T0, T0 + 3000, () => [chunk()], 10);
    let s = an.snapshot(T0 + 3000);
    assert.equal(s.bitrate1s, 1_052_800);
    assert.equal(s.bitrate10s, 1_052_800, 'averages over the 3 s there are so far');
    assert.equal(s.bytes, 300 * CHUNK);
    assert.equal(s.packets, 300 * 7);
    // 2 s at twice the rate.
    drive(an, T0 + 3000, T0 + 5000, () => [chunk(), chunk()], 10);
    s = an.snapshot(T0 + 5000);
    assert.equal(s.bitrate1s, 2_105_600);
    // Per-PID: 3 of the 7 packets of each chunk are video.
    const video = s.pids.find((p) => p.pid === VIDEO)!.bitrate;
    assert.ok(Math.abs(video - (3 / 7) * 2_105_600) < 0.02 * video, `video ${video}`);
    assert.equal(s.bitrate10s, Math.round((3 * 1_052_800 + 2 * 2_105_600) / 5));
    assert.equal(s.lastPacketAt, T0 + 4990);
    assert.equal(s.msSinceLastPacket, 10);
    // Silence.
    s = an.snapshot(T0 + 6500);
    assert.equal(s.bitrate1s, 0);
    assert.equal(s.bitrate10s, Math.round((3 * 1_052_800 + 2 * 2_105_600) / 6.5));
    assert.equal(s.msSinceLastPacket, 1510);
    assert.equal(s.pids.find((p) => p.pid === VIDEO)!.bitrate, 0);
  });

  it('per-PID bitrate is measured over whole seconds', () => {
    const an = new TsAnalyzer();
    const b = new StreamBuilder();
    drive(an, T0, T0 + 2000, (t) => healthyStep(b, t));
    const video = an.snapshot(T0 + 2000).pids.find((p) => p.pid === VIDEO)!;
    assert.ok(Math.abs(video.bitrate - 50 * 188 * 8) <= 188 * 8, `one packet every 20 ms (${video.bitrate})`);
  });

  it('RateWindow ignores a clock that steps back and skips long gaps cheaply', () => {
    const w = new RateWindow(100, 100);
    w.add(1000, 1000);
    w.add(950, 1000); // lands in the newest bucket
    assert.equal(w.bitsPerSecond(1100, 1000), 160_000);
    w.add(1_000_000, 500);
    assert.equal(w.bitsPerSecond(1_000_100, 1000), 4000);
  });
});

describe('input state', () => {
  it('no_signal -> receiving -> degraded -> receiving -> no_signal, with onStateChange', () => {
    const changes: [InputState, InputState, number][] = [];
    const an = new TsAnalyzer({ onStateChange: (from, to, at) => changes.push([from, to, at]) });
    const b = new StreamBuilder();
    assert.equal(an.snapshot(T0).state, 'no_signal');
    an.tick(T0);
    drive(an, T0, T0 + 1000, (t) => healthyStep(b, t));
    assert.equal(an.inputState(), 'receiving');
    b.es(AUDIO); // one packet lost: a CC error
    drive(an, T0 + 1000, T0 + 12_000, (t) => healthyStep(b, t));
    drive(an, T0 + 12_000, T0 + 15_000, () => []);
    assert.deepEqual(changes, [
      ['no_signal', 'receiving', T0],
      ['receiving', 'degraded', T0 + 1000],
      ['degraded', 'receiving', T0 + 11_020],
      // The stream stops at +12 s: half a second later the missing PAT is a PAT_error...
      ['receiving', 'degraded', T0 + 12_420],
      // ...and after 2 s without any packet the input has no signal.
      ['degraded', 'no_signal', T0 + 14_000],
    ]);
  });

  it('reportTransportLoss makes the input degraded for the window', () => {
    const an = new TsAnalyzer({ degradedWindowMs: 3000 });
    const b = new StreamBuilder();
    drive(an, T0, T0 + 1000, (t) => healthyStep(b, t));
    an.reportTransportLoss(0, T0 + 1000);
    assert.equal(an.inputState(T0 + 1000), 'receiving');
    an.reportTransportLoss(3, T0 + 1000);
    drive(an, T0 + 1000, T0 + 2000, (t) => healthyStep(b, t));
    const s = an.snapshot();
    assert.equal(s.state, 'degraded');
    assert.deepEqual(s.transportLoss, { count: 3, lastAt: T0 + 1000 });
    assert.equal(s.tr101290.ccError.count, 0);
    drive(an, T0 + 2000, T0 + 4100, (t) => healthyStep(b, t));
    assert.equal(an.inputState(), 'receiving');
  });

  it('suspends repetition checks during no_signal and does not compare counters across the outage', () => {
    const an = new TsAnalyzer();
    const b = new StreamBuilder();
    drive(an, T0, T0 + 1000, (t) => healthyStep(b, t));
    // 7 s without packets: the sender's counters move on meanwhile.
    drive(an, T0 + 1000, T0 + 8000, (t) => {
      healthyStep(b, t);
      return [];
    });
    const during = an.snapshot().tr101290;
    drive(an, T0 + 8000, T0 + 10_000, (t) => healthyStep(b, t));
    const after = an.snapshot().tr101290;
    // Until no_signal (2 s after the last packet at +980 ms) the missing PAT/PMT/PCR are real
    // errors (PAT checks at +1420, +1940, +2460, +2980); after it, nothing more.
    assert.equal(during.patError.count, 4);
    assert.equal(during.pmtError.count, 4);
    assert.equal(during.pidError.count, 0);
    assert.deepEqual(after, during);
  });

  it('counts an onStateChange that throws and carries on; refuses nonsense options', () => {
    const an = new TsAnalyzer({
      onStateChange: () => {
        throw new Error('owner bug');
      },
    });
    const b = new StreamBuilder();
    drive(an, T0, T0 + 500, (t) => healthyStep(b, t));
    assert.equal(an.snapshot().callbackErrors, 1);
    assert.equal(an.inputState(), 'receiving');
    assert.throws(() => new TsAnalyzer({ syncLossAfter: 0 }), RangeError);
    assert.throws(() => new TsAnalyzer({ pidTimeoutMs: Number.NaN }), RangeError);
  });
});
