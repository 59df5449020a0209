import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PTS_MODULO } from '@mld/mpegts';
import { buildSyntheticTs } from '@mld/mpegts/fixtures';
import { PcrPacer } from './pcr-pacer.js';
import { probeTsFile } from './ts-file-probe.js';

const MS = 27_000; // 27 MHz ticks per ms
const T = 1_000_000;

describe('PcrPacer', () => {
  it('spreads the bytes between two PCRs evenly over the time between them', () => {
    const p = new PcrPacer({ fallbackBitrate: 8e6, maxLateMs: 1000 });
    p.addPcr(0, 5 * MS);
    p.addPcr(1000, 15 * MS);
    p.addPcr(3000, 25 * MS);
    assert.equal(p.allowedBytes(T, 0), 0);
    assert.equal(p.allowedBytes(T + 5, 0), 500);
    assert.equal(p.allowedBytes(T + 15, 1000), 2000);
    assert.equal(p.bitrate, 1.6e6);
    // Stream time starts at the first PCR; 10 ms past the last one known, its rate goes on.
    assert.equal(p.allowedBytes(T + 30, 3000), 5000);
  });

  it('goes on across the 2^33 wrap and over a discontinuity in the file', () => {
    const end = PTS_MODULO * 300;
    const p = new PcrPacer({ fallbackBitrate: 8e6, maxLateMs: 1000 });
    p.addPcr(0, end - 10 * MS);
    p.addPcr(1000, end - 5 * MS);
    p.addPcr(2000, 0); // wrapped: 5 ms later
    p.addPcr(3000, 3_000 * MS); // a 3 s jump: taken as 1000 bytes at the last rate (5 ms)
    p.addPcr(4000, 2_000 * MS); // backwards: the same
    assert.equal(p.discontinuities, 2);
    assert.equal(p.timeAt(4000) - p.timeAt(0), 20 * MS);
  });

  it('paces by the fallback rate when the stream has no PCR', () => {
    const p = new PcrPacer({ fallbackBitrate: 8e6, maxLateMs: 1000 });
    assert.equal(p.allowedBytes(T, 0), 0);
    assert.equal(p.allowedBytes(T + 10, 0), 10_000);
  });

  it('re-anchors instead of flooding when sending fell far behind', () => {
    const p = new PcrPacer({ fallbackBitrate: 8e6, maxLateMs: 1000 });
    p.allowedBytes(T, 0);
    assert.equal(p.allowedBytes(T + 500, 0), 500_000, 'half a second late: catch up');
    assert.equal(p.allowedBytes(T + 5000, 0), 0, 'five seconds late: go on from here');
    assert.equal(p.reanchors, 1);
    assert.equal(p.allowedBytes(T + 5010, 0), 10_000);
  });
});

describe('probeTsFile', () => {
  const s = buildSyntheticTs({ seconds: 2 });

  it('finds the PCR PID from the PMT, the mux rate and the duration', () => {
    const r = probeTsFile(s.ts.subarray(0, 100_000), s.ts.subarray(-50_000), s.ts.length);
    assert.ok(r.ok);
    assert.equal(r.value.pcrPid, s.videoPid);
    assert.equal(r.value.durationMs, 1960);
    const rate = (s.ts.length * 8) / 2;
    assert.ok(Math.abs(r.value.bitrate! - rate) / rate < 0.05, `${r.value.bitrate} vs ${rate}`);
  });

  it('says why a file is not TS', () => {
    assert.deepEqual(probeTsFile(Buffer.alloc(100), Buffer.alloc(100), 100), { ok: false, reason: 'not an MPEG-TS file: 100 bytes, shorter than one 188-byte packet' });
    const random = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
    const r = probeTsFile(random, random, random.length);
    assert.ok(!r.ok && /^not an MPEG-TS file: only \d+ % of the first 195 KB/.test(r.reason), JSON.stringify(r));
  });
});
