// A main/backup pair on fake time with generated feeds whose PIDs, clocks and payloads differ:
// what the outputs see through emergency, planned, forced and flapping switches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PAT_PID, TS_PACKET_SIZE, tsHasPayload, tsPid, tsRandomAccess } from '@mld/mpegts';
import { BACKUP_LAYOUT, checkOutput, downBetween, MAIN_LAYOUT, makeFeed, packetIndexAt, RedundantHarness } from './testing/redundant-harness.js';

const MAIN_PIDS = [PAT_PID, MAIN_LAYOUT.pmtPid, MAIN_LAYOUT.videoPid, MAIN_LAYOUT.audioPid, MAIN_LAYOUT.scte35Pid];

function assertCleanOutput(h: RedundantHarness): ReturnType<typeof checkOutput> {
  const c = checkOutput(h.output());
  assert.deepEqual(c.pids.filter((p) => !MAIN_PIDS.includes(p)), [], 'one PID layout: the main’s');
  assert.equal(c.ccErrors, 0, 'no continuity error');
  assert.deepEqual(c.pcrProblems, [], 'PCR rises; any jump is flagged');
  assert.deepEqual(c.decodeProblems, [], 'decode times rise on every PID');
  assert.equal(c.report.psiErrorCount, 0);
  assert.deepEqual(c.report.pmts.map((p) => p.streams.map((s) => s.pid)), [[MAIN_LAYOUT.videoPid, MAIN_LAYOUT.audioPid, MAIN_LAYOUT.scte35Pid]]);
  const ids = c.cueEventIds;
  assert.deepEqual(ids, ids.map((_, i) => 1000 + i), `every cue once, in order: ${ids.join(',')}`);
  assert.ok(c.report.cues.every((q) => q.crcValid));
  return c;
}

/** The first packets handed over at the switch, and the first video payload packet from then on. */
function afterSwitch(h: RedundantHarness, at: number): { first: number[]; videoRap: boolean } {
  const ts = h.output();
  const n = packetIndexAt(h.out, at);
  const first = [0, 1].map((k) => tsPid(ts, (n + k) * TS_PACKET_SIZE));
  for (let off = n * TS_PACKET_SIZE; off < ts.length; off += TS_PACKET_SIZE) {
    if (tsPid(ts, off) === MAIN_LAYOUT.videoPid && tsHasPayload(ts, off)) return { first, videoRap: tsRandomAccess(ts, off) };
  }
  return { first, videoRap: false };
}

describe('RedundantSource', () => {
  it('with a healthy main the output is the main, byte for byte', async () => {
    const h = new RedundantHarness({ seconds: 6 });
    await h.source.start();
    h.run(5500);
    const main = makeFeed(MAIN_LAYOUT, { seconds: 6, firstPts: 126_000, seed: 7 });
    const out = h.output();
    assert.ok(out.length > main.length * 0.9);
    assert.ok(out.equals(main.subarray(0, out.length)), 'identical bytes');
    assert.equal(h.switches().length, 0);
    const r = h.source.snapshot().redundancy!;
    assert.equal(r.active, 'main');
    assert.equal(r.backup.healthy, true, 'the backup is analysed too');
    assert.deepEqual(r.backup.pidMap, [
      { from: BACKUP_LAYOUT.videoPid, to: MAIN_LAYOUT.videoPid },
      { from: BACKUP_LAYOUT.audioPid, to: MAIN_LAYOUT.audioPid },
      { from: BACKUP_LAYOUT.scte35Pid, to: MAIN_LAYOUT.scte35Pid },
    ]);
  });

  it('the main dies: cuts to the backup within lossMs, one PID layout, no CC error, rising clocks, every cue once', async () => {
    const h = new RedundantHarness({ main: downBetween([4000, 1e9]) });
    await h.source.start();
    h.run(12_500);
    const [sw, ...more] = h.switches();
    assert.equal(more.length, 0);
    assert.equal(sw!.kind, 'failover');
    assert.equal(sw!.level, 'warn');
    const at = sw!.switch!.at - h.t0;
    // The main's last chunk came at 3960 ms (a PCR every 40 ms); a tick every 20 ms.
    assert.ok(at >= 3960 + 500 && at <= 4000 + 520, `switched at ${at} ms`);
    assert.ok(sw!.switch!.gapMs >= 500 && sw!.switch!.gapMs <= 560, `gap ${sw!.switch!.gapMs}`);
    assert.match(sw!.message, /main → backup \(main: no data for \d+ ms\)/);
    const c = assertCleanOutput(h);
    assert.equal(c.flaggedPcrs, 1, 'the jump in the PCR is signalled once');
    assert.ok(c.cueEventIds.length >= 5);
    const after = afterSwitch(h, sw!.switch!.at);
    assert.deepEqual(after.first, [PAT_PID, MAIN_LAYOUT.pmtPid], 'PAT and PMT at once');
    assert.ok(after.videoRap, 'the backup’s video starts at a random-access point');
    const r = h.source.snapshot().redundancy!;
    assert.equal(r.active, 'backup');
    assert.equal(r.main.fault, 'no_data');
    assert.equal(r.switches, 1);
  });

  it('returns to the main once it has been healthy for restoreMs, at its random-access point, without a gap', async () => {
    const h = new RedundantHarness({ main: downBetween([3000, 5000]), settings: { restoreMs: 3000 } });
    await h.source.start();
    h.run(12_500);
    const [failover, restored, ...more] = h.switches();
    assert.equal(more.length, 0);
    assert.equal(failover!.kind, 'failover');
    assert.equal(restored!.kind, 'restored');
    assert.equal(restored!.level, 'info');
    const back = restored!.switch!.at - h.t0;
    assert.ok(back >= 8000 && back <= 9100, `restored at ${back} ms (main back at 5000, restoreMs 3000, a RAP per second)`);
    assert.ok(restored!.switch!.gapMs <= 60, `gap ${restored!.switch!.gapMs} ms`);
    assert.equal(restored!.switch!.atRandomAccess, true);
    const c = assertCleanOutput(h);
    assert.equal(c.flaggedPcrs, 2);
    const after = afterSwitch(h, restored!.switch!.at);
    assert.deepEqual(after.first, [PAT_PID, MAIN_LAYOUT.pmtPid]);
    assert.ok(after.videoRap);
  });

  it('a flapping main (2 s up, 2 s down) does not pull the channel back before restoreMs', async () => {
    const downs: [number, number][] = [];
    for (let t = 2000; t < 30_000; t += 4000) downs.push([t, t + 2000]);
    const h = new RedundantHarness({ seconds: 45, main: downBetween(...downs) });
    await h.source.start();
    h.run(45_000);
    const kinds = h.switches().map((e) => `${e.kind}@${Math.round((e.switch!.at - h.t0) / 1000)}s`);
    assert.equal(kinds.length, 2, kinds.join(' '));
    assert.match(kinds[0]!, /^failover@2s$/, 'main down at 2 s, backup on air ~2.5 s');
    // The main is steady from 28 s on: back after 10 s of health, at its next random-access point.
    const back = h.switches()[1]!.switch!.at - h.t0;
    assert.equal(h.switches()[1]!.kind, 'restored');
    assert.ok(back >= 38_000 && back <= 39_100, `back at ${back}`);
    assertCleanOutput(h);
  });

  it('force: an operator pins the backup (planned, at a random-access point), then hands back to auto', async () => {
    const h = new RedundantHarness({ settings: { restoreMs: 2000 } });
    await h.source.start();
    h.run(2500);
    h.source.force('backup');
    assert.equal(h.source.snapshot().redundancy!.forced, 'backup');
    assert.equal(h.source.snapshot().redundancy!.pending?.to, 'backup');
    h.run(4000);
    const [forced] = h.switches();
    assert.equal(forced!.kind, 'switched');
    assert.equal(forced!.switch!.cause, 'forced');
    assert.equal(forced!.switch!.atRandomAccess, true);
    assert.equal(h.source.snapshot().redundancy!.active, 'backup', 'pinned even though prefer is main');
    h.source.force('auto');
    h.run(2000);
    const [, restored] = h.switches();
    assert.equal(restored!.kind, 'restored', 'the main has been healthy all along: back at its next random-access point');
    assertCleanOutput(h);
    assert.ok(afterSwitch(h, forced!.switch!.at).videoRap);
    assert.ok(afterSwitch(h, restored!.switch!.at).videoRap);
  });

  it('pinned before the start: the output opens with the pinned backup, even when the main arrives first', async () => {
    const h = new RedundantHarness({ backup: downBetween([0, 2000]) });
    h.source.force('backup');
    await h.source.start();
    h.run(1500);
    assert.equal(h.output().length, 0, 'nothing of the main went out while the pinned backup was absent');
    h.run(3000);
    const c = checkOutput(h.output());
    assert.ok(c.pids.includes(BACKUP_LAYOUT.videoPid), `the backup set the layout: ${c.pids.join(',')}`);
    assert.ok(!c.pids.includes(MAIN_LAYOUT.videoPid), 'no main video');
    assert.equal(c.ccErrors, 0);
    assert.equal(h.source.snapshot().redundancy!.active, 'backup');
    assert.equal(h.switches().length, 0, 'an opening is not a switch');
  });

  it('a pinned input stays on air when it fails; prefer none stays on the backup', async () => {
    const pinned = new RedundantHarness({ main: downBetween([3000, 1e9]) });
    await pinned.source.start();
    pinned.source.force('main');
    pinned.run(6000);
    assert.equal(pinned.switches().length, 0);
    const stay = new RedundantHarness({ main: downBetween([3000, 4000]), settings: { prefer: 'none', restoreMs: 1000 } });
    await stay.source.start();
    stay.run(10_000);
    assert.deepEqual(stay.switches().map((e) => e.kind), ['failover']);
    assertCleanOutput(stay);
  });

  it('a cue the backup carried just before the main died goes out at the switch, once', async () => {
    // The backup runs 100 ms ahead: its cue 1001 (at 3.9 s) is seen on standby, the main dies before sending its own.
    const h = new RedundantHarness({ backupDelayMs: -100, main: downBetween([3950, 1e9]) });
    await h.source.start();
    h.run(9000);
    assertCleanOutput(h);
    assert.equal(h.source.snapshot().redundancy!.cues.replayed, 1);
  });

  it('a cue both inputs carry around the switch goes out once', async () => {
    // The backup runs 600 ms behind: the main sends cue 1001 at 4.0 s and dies; the backup's copy comes at 4.6 s, on air.
    const h = new RedundantHarness({ backupDelayMs: 600, main: downBetween([4050, 1e9]) });
    await h.source.start();
    h.run(9000);
    assertCleanOutput(h);
    const cues = h.source.snapshot().redundancy!.cues;
    assert.equal(cues.duplicatesDropped, 1);
    assert.equal(cues.replayed, 0);
  });
});
