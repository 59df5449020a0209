import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MergeHealth, RedundancyHealth, RedundantInputHealth } from '@mld/contracts';
import {
  backupInputText,
  currentSelection,
  failoverText,
  formatMs,
  mergePathRows,
  mergeSummary,
  onAir,
  pendingText,
  redundancyHealthRows,
  switchControls,
  switchHistoryRows,
  switchWarning,
} from './redundancy-view.js';

const NOW = Date.parse('2026-12-02T12:00:00.000Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function input(extra: Partial<RedundantInputHealth> = {}): RedundantInputHealth {
  return {
    state: 'receiving',
    error: null,
    healthy: true,
    fault: null,
    fault_since: null,
    healthy_since: ago(125),
    last_packet_at: ago(0),
    last_random_access_at: ago(1),
    bitrate_bps: 4_000_000,
    bytes_in: 1_000_000,
    peer: null,
    lost: 0,
    pid_map: [],
    ...extra,
  };
}

function redundancy(extra: Partial<RedundancyHealth> = {}): RedundancyHealth {
  return {
    prefer: 'main',
    active: 'main',
    forced: null,
    pending: null,
    main: input(),
    backup: input({ bitrate_bps: 3_900_000, peer: '10.0.0.2:5002' }),
    switches: 0,
    recent_switches: [],
    cues: { forwarded: 0, duplicates_dropped: 0, replayed: 0 },
    ...extra,
  };
}

const cell = (rows: ReturnType<typeof redundancyHealthRows>, id: string) => {
  const row = rows.find((r) => r.testId === id);
  assert.ok(row, id);
  return row;
};

describe('redundancy panel', () => {
  it('says which input is on air and why', () => {
    assert.deepEqual(onAir(redundancy()), { role: 'main', text: 'On air: main', detail: 'automatic, returns to main' });
    assert.equal(onAir(redundancy({ active: 'backup', prefer: 'none' })).text, 'On air: backup');
    assert.equal(onAir(redundancy({ active: 'backup', prefer: 'none' })).detail, 'automatic, stays on the input on air');
    assert.equal(onAir(redundancy({ active: 'backup', forced: 'backup' })).detail, 'pinned by an operator (backup)');
  });

  it('shows both inputs side by side: a healthy standby and a main at fault, with since when', () => {
    const rows = redundancyHealthRows(redundancy({ main: input({ state: 'no_signal', healthy: false, fault: 'no_data', fault_since: ago(4), healthy_since: null, last_packet_at: ago(4), bitrate_bps: 0, lost: 12 }) }), NOW);
    assert.deepEqual(rows.map((r) => r.label), ['State', 'Health', 'Last packet', 'Bitrate', 'Lost', 'Peer']);
    assert.deepEqual(cell(rows, 'state').main, { value: 'no signal', bad: true });
    assert.deepEqual(cell(rows, 'health').main, { value: 'no data for 4 s', bad: true });
    assert.deepEqual(cell(rows, 'health').backup, { value: 'healthy for 2 m 05 s', bad: false });
    assert.equal(cell(rows, 'last-packet').main.value, '4 s ago');
    assert.equal(cell(rows, 'bitrate').backup.value, '3.9 Mbit/s');
    assert.deepEqual(cell(rows, 'lost').main, { value: '12', bad: true });
    assert.deepEqual([cell(rows, 'peer').main.value, cell(rows, 'peer').backup.value], ['—', '10.0.0.2:5002']);
    const broken = redundancyHealthRows(redundancy({ backup: input({ state: 'error', error: 'port 5002 in use', healthy: false, fault: 'sync_loss', fault_since: null }) }), NOW);
    assert.deepEqual(cell(broken, 'state').backup, { value: 'error: port 5002 in use', bad: true });
    assert.equal(cell(broken, 'health').backup.value, 'TS sync loss');
  });

  it('lists the switches newest first: time, from → to, cause, reason, gap, key frame', () => {
    const rows = switchHistoryRows([
      { at: '2026-12-02T11:59:50.000Z', from: 'backup', to: 'main', cause: 'forced', reason: 'operator admin', gap_ms: 0, at_random_access: true },
      { at: '2026-12-02T11:58:00.000Z', from: 'main', to: 'backup', cause: 'failover', reason: 'no data for 500 ms', gap_ms: 512, at_random_access: false },
    ]);
    assert.deepEqual(rows.map((r) => [r.at, r.fromTo, r.cause, r.causeText, r.reason, r.gap, r.keyFrame]), [
      ['2026-12-02 11:59:50 UTC', 'backup → main', 'forced', 'operator', 'operator admin', '0 ms', 'yes'],
      ['2026-12-02 11:58:00 UTC', 'main → backup', 'failover', 'failover', 'no data for 500 ms', '512 ms', 'no'],
    ]);
    assert.notEqual(rows[0]?.key, rows[1]?.key);
  });

  it('tells about a planned switch waiting for its key frame', () => {
    assert.equal(pendingText(redundancy(), NOW), null);
    assert.equal(pendingText(redundancy({ active: 'backup', pending: { to: 'main', since: ago(2), cause: 'restored' } }), NOW), 'Switching to main at its next key frame (back to main, waiting 2 s)');
  });

  it('offers force main / force backup / auto to operators only, the current choice pressed and not clickable; none in merge mode', () => {
    const controls = switchControls('auto', { canControl: true, mode: 'failover', busy: false });
    assert.deepEqual(controls.map((c) => [c.label, c.testId, c.pressed, c.disabled]), [
      ['Force main', 'input-switch-main', false, false],
      ['Force backup', 'input-switch-backup', false, false],
      ['Auto', 'input-switch-auto', true, true],
    ]);
    assert.deepEqual(switchControls('main', { canControl: true, mode: 'failover', busy: false }).filter((c) => !c.disabled).map((c) => c.to), ['backup', 'auto']);
    assert.ok(switchControls('main', { canControl: true, mode: 'failover', busy: true }).every((c) => c.disabled), 'nothing clickable while a switch is on its way');
    assert.deepEqual(switchControls('auto', { canControl: false, mode: 'failover', busy: false }), [], 'a viewer sees no control');
    assert.deepEqual(switchControls('auto', { canControl: true, mode: 'merge', busy: false }), [], 'merge uses both paths: nothing to switch');
  });

  it('reads the choice from the live status when the channel runs, else from the stored channel', () => {
    assert.equal(currentSelection({ input_selection: 'auto', runtime: null }), 'auto');
    assert.equal(currentSelection({ input_selection: 'main', runtime: null }), 'main');
    const running = (r: RedundancyHealth) => ({ input_selection: 'auto' as const, runtime: { redundancy: r } as never });
    assert.equal(currentSelection(running(redundancy({ forced: 'backup' }))), 'backup', 'another operator forced it since the page loaded');
    assert.equal(currentSelection({ ...running(redundancy()), input_selection: 'main' }), 'auto');
  });

  it('asks before pinning an input that is failing, not before a healthy one or Auto', () => {
    const r = redundancy({ backup: input({ healthy: false, fault: 'no_data', state: 'no_signal' }) });
    assert.match(switchWarning(r, 'backup') ?? '', /^The backup input is not healthy \(no data\)\. Forcing it puts it on air as it is/);
    assert.equal(switchWarning(r, 'main'), null);
    assert.equal(switchWarning(r, 'auto'), null);
    assert.equal(switchWarning(null, 'backup'), null, 'a stopped channel: nothing known to warn about');
  });

  it('shows merge mode per path and after the merge', () => {
    const m: MergeHealth = {
      window_ms: 200,
      merged_lost: 0,
      paths: [
        { role: 'main', address: '0.0.0.0:5000', state: 'receiving', error: null, received: 10_000, lost: 37, late: 1, duplicates: 9_000, used: 7_500, behind_ms: 0, last_packet_at: ago(0), ssrc: 7 },
        { role: 'backup', address: '0.0.0.0:5002', state: 'no_signal', error: null, received: 9_963, lost: 0, late: 0, duplicates: 0, used: 2_500, behind_ms: 12, last_packet_at: ago(3), ssrc: 7 },
      ],
    };
    assert.deepEqual(mergeSummary(m), { window: '200 ms', mergedLost: '0', bad: false });
    assert.equal(mergeSummary({ ...m, merged_lost: 3 }).bad, true);
    const rows = mergePathRows(m, NOW);
    assert.deepEqual(rows.map((r) => [r.label, r.address, r.state, r.bad, r.received, r.lost, r.late, r.used, r.usedShare, r.behind, r.lastPacket]), [
      ['Main', '0.0.0.0:5000', 'receiving', false, '10 000', '37', '1', '7 500', '75 %', '0 ms', 'just now'],
      ['Backup', '0.0.0.0:5002', 'no signal', true, '9 963', '0', '0', '2 500', '25 %', '12 ms', '3 s ago'],
    ]);
  });

  it('words the settings and the backup input in one line', () => {
    assert.equal(failoverText({ mode: 'failover', prefer: 'main', loss_ms: 500, restore_ms: 10_000, merge_window_ms: 200 }), 'failover · switch after 500 ms without a good signal · back to main after 10 s healthy');
    assert.equal(failoverText({ mode: 'failover', prefer: 'none', loss_ms: 1500, restore_ms: 0, merge_window_ms: 200 }), 'failover · switch after 1.5 s without a good signal · stays on the input on air');
    assert.equal(failoverText({ mode: 'merge', prefer: 'main', loss_ms: 500, restore_ms: 0, merge_window_ms: 50 }), 'merge (one RTP stream on two paths) · missing datagrams waited for 50 ms');
    assert.equal(backupInputText({ type: 'rtp', bind_ip: '0.0.0.0', port: 5002, source_ip: null, interface_ip: null }), 'RTP · 0.0.0.0:5002');
    assert.equal(backupInputText({ type: 'srt', mode: 'caller', bind_ip: '0.0.0.0', host: 'enc-b', port: 9000, latency: 200, passphrase: null, pbkeylen: null, streamid: null }), 'SRT caller · calls enc-b:9000');
    assert.equal(backupInputText({ type: 'rtmp', stream_key: '****' }), 'RTMP push');
    assert.deepEqual([formatMs(999), formatMs(10_000), formatMs(600_000)], ['999 ms', '10 s', '10 min']);
  });
});
