// The switch itself, at its edges: a backup with another stream set, a target that never marks
// a random-access point, the clock kept while streams wait to resume, a standby that loses sync.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PTS_MODULO, STREAM_TYPE, TS_PACKET_SIZE, tsDiscontinuity, tsPcr, tsPid, writePcr } from '@mld/mpegts';
import {
  BACKUP_LAYOUT,
  checkOutput,
  downBetween,
  editPmt,
  MAIN_LAYOUT,
  makeFeed,
  pmtVersions,
  RedundantHarness,
  withoutRandomAccess,
} from './testing/redundant-harness.js';

const backupFeed = (seconds: number): Buffer => makeFeed(BACKUP_LAYOUT, { seconds, firstPts: 5_400_000_000, seed: 99, programNumber: 2 });

/** Flagged PCR steps of the output, ms. */
function flaggedSteps(ts: Buffer): number[] {
  const steps: number[] = [];
  let last = -1;
  for (let off = 0; off < ts.length; off += TS_PACKET_SIZE) {
    if (tsPid(ts, off) !== MAIN_LAYOUT.videoPid) continue;
    const pcr = tsPcr(ts, off);
    if (pcr < 0) continue;
    if (last >= 0 && tsDiscontinuity(ts, off)) steps.push((((pcr - last) % (PTS_MODULO * 300)) + PTS_MODULO * 300) % (PTS_MODULO * 300) / 27_000);
    last = pcr;
  }
  return steps;
}

describe('TsSwitcher (through RedundantSource)', () => {
  it('the PMT version moves only when the stream set really differs', async () => {
    // The backup declares one more audio stream (E-AC-3 on 0x202) than the main.
    const backupTs = editPmt(backupFeed(12), BACKUP_LAYOUT.pmtPid, (pmt) => ({ ...pmt, streams: [...pmt.streams, { streamType: STREAM_TYPE.EAC3, pid: 0x202, descriptors: [] }] }));
    const h = new RedundantHarness({ backupTs, main: downBetween([3000, 5000]), settings: { restoreMs: 2000 } });
    await h.source.start();
    h.run(10_000);
    assert.deepEqual(h.switches().map((e) => e.kind), ['failover', 'restored']);
    const main = [MAIN_LAYOUT.videoPid, MAIN_LAYOUT.audioPid, MAIN_LAYOUT.scte35Pid];
    assert.deepEqual(pmtVersions(h.output(), MAIN_LAYOUT.pmtPid), [
      { version: 0, pids: main },
      { version: 1, pids: [...main, 0x202] },
      { version: 2, pids: main },
    ]);
    const c = checkOutput(h.output());
    assert.equal(c.ccErrors, 0);

    // The same backup without the extra stream: one version throughout.
    const plain = new RedundantHarness({ main: downBetween([3000, 5000]), settings: { restoreMs: 2000 } });
    await plain.source.start();
    plain.run(10_000);
    assert.equal(plain.switches().length, 2);
    assert.deepEqual(pmtVersions(plain.output(), MAIN_LAYOUT.pmtPid), [{ version: 0, pids: main }]);
  });

  it('the clock goes on while the streams wait to resume: one flagged PCR step, as long as the real gap', async () => {
    const h = new RedundantHarness({ main: downBetween([4000, 1e9]) });
    await h.source.start();
    h.run(7000);
    const [sw] = h.switches();
    const steps = flaggedSteps(h.output());
    assert.equal(steps.length, 1);
    assert.ok(Math.abs(steps[0]! - sw!.switch!.gapMs) <= 45, `PCR step ${steps[0]} ms for a gap of ${sw!.switch!.gapMs} ms`);
    assert.deepEqual(checkOutput(h.output()).pcrProblems, [], 'and no PCR gap while the video waits for its random-access point');
  });

  it('a backup whose clock wraps (2^33) in the middle: the output still rises', async () => {
    const h = new RedundantHarness({ backupFirstPts: PTS_MODULO - 4 * 90_000, main: downBetween([2000, 6000]), settings: { restoreMs: 1000 } });
    await h.source.start();
    h.run(10_000);
    assert.deepEqual(h.switches().map((e) => e.kind), ['failover', 'restored']);
    const c = checkOutput(h.output());
    assert.equal(c.ccErrors, 0);
    assert.deepEqual(c.pcrProblems, []);
    assert.deepEqual(c.decodeProblems, []);
  });

  it('a planned switch to an input that never marks a random-access point happens after maxRapWaitMs, and says so', async () => {
    const h = new RedundantHarness({ backupTs: withoutRandomAccess(backupFeed(12)), source: { maxRapWaitMs: 1500 } });
    await h.source.start();
    h.run(2000);
    h.source.force('backup');
    h.run(1400);
    assert.equal(h.switches().length, 0, 'still waiting');
    h.run(200);
    const [sw] = h.switches();
    assert.equal(sw!.switch!.atRandomAccess, false);
    assert.match(sw!.message, /without a random-access point/);
    const c = checkOutput(h.output());
    assert.equal(c.ccErrors, 0);
    assert.deepEqual(c.decodeProblems, []);
  });

  it('an emergency switch to such an input resumes its video at a PES start after maxRapWaitMs', async () => {
    const h = new RedundantHarness({ backupTs: withoutRandomAccess(backupFeed(12)), main: downBetween([3000, 1e9]), source: { maxRapWaitMs: 1000 } });
    await h.source.start();
    h.run(6000);
    const ts = h.output();
    const switchedAt = h.switches()[0]!.switch!.at;
    const lastVideo = h.out.filter((c) => c.at > switchedAt + 1100).some((c) => {
      for (let off = 0; off < c.buf.length; off += TS_PACKET_SIZE) if (tsPid(c.buf, off) === MAIN_LAYOUT.videoPid && (c.buf[off + 3]! & 0x10) !== 0) return true;
      return false;
    });
    assert.ok(lastVideo, 'video flows again');
    assert.equal(checkOutput(ts).ccErrors, 0);
  });

  it('a standby that lost sync is not taken, even when the main is silent', async () => {
    const backupTs = backupFeed(8);
    // From 2 s on, every packet of the backup has a wrong sync byte.
    for (let off = Math.floor(backupTs.length / 4 / TS_PACKET_SIZE) * TS_PACKET_SIZE; off < backupTs.length; off += TS_PACKET_SIZE) backupTs[off] = 0x48;
    const h = new RedundantHarness({ backupTs, seconds: 8, main: downBetween([4000, 1e9]) });
    await h.source.start();
    h.run(6000);
    assert.equal(h.switches().length, 0);
    const r = h.source.snapshot().redundancy!;
    assert.equal(r.backup.fault, 'sync_loss');
    assert.equal(r.main.fault, 'no_data');
    assert.equal(h.source.snapshot().state, 'no_signal');
  });
});

/** The same feed with every PCR moved `ms` earlier: its encoder sends each frame that much before its decode time. */
function pcrEarlier(ts: Buffer, pcrPid: number, ms: number): Buffer {
  const out = Buffer.from(ts);
  for (let off = 0; off < out.length; off += TS_PACKET_SIZE) {
    if (tsPid(out, off) !== pcrPid) continue;
    const pcr = tsPcr(out, off);
    if (pcr >= 0) writePcr(out, off + 6, pcr - ms * 27_000);
  }
  return out;
}

describe('TsSwitcher: a planned switch holds the target while the old input ends its frame', () => {
  // The target's packets held while the old input ends its frame arrived before the old input's
  // last PCR; with a target whose decode times run further ahead of its PCR than the old input's
  // (an IDR sent early, another mux delay), no decode-time push moves its PCR past the output's.
  // CI saw "the PCR went back" at the return to a main.
  it('the output PCR never goes back at the cut, whatever the target’s mux delay or arrival', async () => {
    const problems: string[] = [];
    for (const muxDelayMs of [0, 300])
      for (let delay = -20; delay <= 20; delay += 4) {
        const mainTs = pcrEarlier(makeFeed(MAIN_LAYOUT, { seconds: 12, firstPts: 126_000, seed: 7 }), MAIN_LAYOUT.videoPid, muxDelayMs);
        const h = new RedundantHarness({ mainTs, backupDelayMs: delay, jitterMs: 25, jitterSeed: delay + 100, main: downBetween([2000, 3000]), settings: { restoreMs: 1000 } });
        await h.source.start();
        h.run(8000);
        assert.deepEqual(h.switches().map((e) => e.kind), ['failover', 'restored'], `mux delay ${muxDelayMs} ms, backup ${delay} ms late`);
        const c = checkOutput(h.output());
        problems.push(...[...c.pcrProblems, ...c.decodeProblems].map((p) => `mux delay ${muxDelayMs} ms, backup ${delay} ms late: ${p}`));
      }
    assert.deepEqual(problems, []);
  });
});
