// The failover policy as a pure function of time and health: emergency, restore, flapping, force.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FAILOVER_SETTINGS, type FailoverSettings, type InputFault } from '../../types.js';
import { FailoverPolicy, type HealthOf } from './failover-policy.js';
import type { InputHealth } from './input-monitor.js';

const LOSS = 500;
const ok = (): InputHealth => ({ fault: null, since: 0, failed: false, usable: true });
/** Faulty since `since`; failed once it lasted lossMs. */
const bad = (fault: InputFault, since: number, now: number, usable = fault !== 'no_data'): InputHealth => ({ fault, since, failed: now - since >= LOSS, usable });

function policy(settings: Partial<FailoverSettings> = {}): FailoverPolicy {
  return new FailoverPolicy({ ...DEFAULT_FAILOVER_SETTINGS, lossMs: LOSS, ...settings });
}

describe('FailoverPolicy', () => {
  it('cuts to a healthy backup once the main has been silent for lossMs, not before', () => {
    const p = policy();
    assert.equal(p.evaluate(1000, { main: bad('no_data', 700, 1000), backup: ok() }), null);
    const d = p.evaluate(1200, { main: bad('no_data', 700, 1200), backup: ok() });
    assert.deepEqual(d, { to: 'backup', kind: 'emergency', cause: 'failover', reason: 'main: no data for 500 ms' });
  });

  it('names each priority-1 fault in its reason', () => {
    const reasons = (['sync_loss', 'pat_missing', 'pmt_missing', 'video_missing'] as const).map((f) => policy().evaluate(2000, { main: bad(f, 1000, 2000), backup: ok() })?.reason);
    assert.deepEqual(reasons, ['main: TS sync lost for 1000 ms', 'main: no PAT for 1500 ms', 'main: no PMT for 1500 ms', 'main: video PID silent for 1000 ms']);
  });

  it('stays when the backup is no better; takes a broken backup over a silent main', () => {
    const p = policy();
    assert.equal(p.evaluate(2000, { main: bad('pmt_missing', 1000, 2000), backup: bad('video_missing', 1500, 2000) }), null, 'broken for broken: stay');
    assert.equal(p.evaluate(2000, { main: bad('no_data', 1000, 2000), backup: bad('no_data', 1000, 2000) }), null, 'both silent');
    assert.equal(p.evaluate(2000, { main: bad('no_data', 1000, 2000), backup: bad('video_missing', 1500, 2000) })?.to, 'backup', 'something beats nothing');
    assert.equal(p.evaluate(2000, { main: bad('no_data', 1000, 2000), backup: bad('sync_loss', 1500, 2000) }), null, 'but garbage does not');
  });

  it('returns to the main after restoreMs of unbroken health, as a planned switch', () => {
    const p = policy({ restoreMs: 10_000 });
    p.switched('backup');
    assert.equal(p.evaluate(1000, { main: ok(), backup: ok() }), null);
    assert.equal(p.healthySince('main'), 1000);
    assert.equal(p.evaluate(10_999, { main: ok(), backup: ok() }), null);
    assert.deepEqual(p.evaluate(11_000, { main: ok(), backup: ok() }), { to: 'main', kind: 'planned', cause: 'restored', reason: 'main healthy for 10000 ms' });
  });

  it('a flapping main (2 s up, 2 s down) never earns its way back', () => {
    const p = policy({ restoreMs: 10_000 });
    p.switched('backup');
    for (let t = 0; t < 120_000; t += 20) {
      const phase = t % 4000;
      const main = phase < 2000 ? ok() : bad('no_data', t - phase + 2000, t);
      assert.equal(p.evaluate(t, { main, backup: ok() }), null, `at ${t}`);
    }
  });

  it('prefer none: stays on the backup', () => {
    const p = policy({ prefer: 'none', restoreMs: 0 });
    p.switched('backup');
    assert.equal(p.evaluate(1000, { main: ok(), backup: ok() }), null);
    assert.equal(p.evaluate(60_000, { main: ok(), backup: ok() }), null);
    assert.equal(p.evaluate(61_000, { main: ok(), backup: bad('no_data', 60_000, 61_000) })?.to, 'main', 'but leaves a failed backup');
  });

  it('force pins an input (planned unless the current one already failed); auto hands back', () => {
    const p = policy({ restoreMs: 0 });
    const both: HealthOf = { main: ok(), backup: ok() };
    p.force('backup');
    assert.equal(p.forced, 'backup');
    assert.deepEqual(p.evaluate(100, both), { to: 'backup', kind: 'planned', cause: 'forced', reason: 'operator forced backup' });
    p.switched('backup');
    assert.equal(p.evaluate(200, both), null, 'pinned: no return to main');
    assert.equal(p.evaluate(2000, { main: ok(), backup: bad('no_data', 1000, 2000) }), null, 'pinned even when it fails');
    p.force('main');
    assert.equal(p.evaluate(2100, { main: ok(), backup: bad('no_data', 1000, 2100) })?.kind, 'emergency', 'the current one is gone: no need to wait');
    p.force('auto');
    assert.equal(p.forced, null);
    assert.equal(p.evaluate(2200, both)?.cause, 'restored');
  });

  it('a forced target that cannot go on air is waited for', () => {
    const p = policy();
    p.force('backup');
    assert.equal(p.evaluate(100, { main: ok(), backup: bad('no_data', 0, 100) }), null);
  });

  it('refuses settings that make no sense', () => {
    assert.throws(() => policy({ lossMs: 0 }), /lossMs/);
    assert.throws(() => policy({ restoreMs: -1 }), /restoreMs/);
  });
});
