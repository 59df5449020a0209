import type { ChannelInputView, ChannelResponse, FailoverSpec, InputFaultName, InputRoleName, InputSelection, InputSwitchRecord, MergeHealth, RedundancyHealth, RedundantInputHealth } from '@mld/contracts';
import { EMPTY, formatAgo, formatBitrate, formatCount, formatSince, parseTime } from '../core/format/format.js';
import { formatTimestamp, inputTypeText, inputWhere } from './channel-view.js';

/**
 * What the redundancy panel of a channel with a backup input shows (docs/redundancy.md): the
 * input on air, both inputs' health side by side, the switch history, the operator's control; in
 * merge mode the per-path loss. Pure, so the wording and which buttons work are unit-tested.
 */

export const ROLE_LABEL: Readonly<Record<InputRoleName, string>> = { main: 'Main', backup: 'Backup' };

const FAULT_LABEL: Readonly<Record<InputFaultName, string>> = {
  no_data: 'no data',
  sync_loss: 'TS sync loss',
  pat_missing: 'PAT missing',
  pmt_missing: 'PMT missing',
  video_missing: 'video missing',
};

const CAUSE_LABEL: Readonly<Record<InputSwitchRecord['cause'], string>> = {
  failover: 'failover',
  restored: 'back to main',
  forced: 'operator',
};

/** "500 ms", "10 s", "1.5 s", "10 min". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return EMPTY;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

export interface OnAir {
  role: InputRoleName;
  /** "On air: main". */
  text: string;
  /** Why this one: pinned by an operator, or the policy's choice. */
  detail: string;
}

export function onAir(r: RedundancyHealth): OnAir {
  const detail = r.forced ? `pinned by an operator (${r.forced})` : r.prefer === 'main' ? 'automatic, returns to main' : 'automatic, stays on the input on air';
  return { role: r.active, text: `On air: ${r.active}`, detail };
}

/** The operator's choice: the live status's `forced` when the channel runs (another operator may have changed it), else the stored one. */
export function currentSelection(channel: Pick<ChannelResponse, 'input_selection' | 'runtime'>): InputSelection {
  const live = channel.runtime?.redundancy;
  return live ? (live.forced ?? 'auto') : channel.input_selection;
}

export const SELECTION_TEXT: Readonly<Record<InputSelection, string>> = {
  auto: 'Automatic: the failover policy chooses',
  main: 'Forced to main: no automatic switch until Auto',
  backup: 'Forced to backup: no automatic switch until Auto',
};

export interface SwitchControl {
  to: InputSelection;
  label: string;
  testId: string;
  /** The current selection. */
  pressed: boolean;
  disabled: boolean;
}

/** Force main / force backup / auto; none for a role without channel.control, or in merge mode (both paths are always used). */
export function switchControls(selection: InputSelection, opts: { canControl: boolean; mode: FailoverSpec['mode']; busy: boolean }): SwitchControl[] {
  if (!opts.canControl || opts.mode === 'merge') return [];
  const control = (to: InputSelection, label: string): SwitchControl => ({ to, label, testId: `input-switch-${to}`, pressed: selection === to, disabled: opts.busy || selection === to });
  return [control('main', 'Force main'), control('backup', 'Force backup'), control('auto', 'Auto')];
}

export interface HealthCell {
  value: string;
  bad: boolean;
}

export interface SideBySideRow {
  label: string;
  testId: string;
  main: HealthCell;
  backup: HealthCell;
}

function condition(h: RedundantInputHealth, nowMs: number): HealthCell {
  if (h.healthy) return { value: h.healthy_since ? `healthy for ${formatSince(h.healthy_since, nowMs)}` : 'healthy', bad: false };
  const fault = h.fault ? FAULT_LABEL[h.fault] : 'unfit';
  return { value: h.fault_since ? `${fault} for ${formatSince(h.fault_since, nowMs)}` : fault, bad: true };
}

/** Main and backup, row by row: state, healthy or fault (and since when), last packet, bitrate, loss, peer. */
export function redundancyHealthRows(r: RedundancyHealth, nowMs: number): SideBySideRow[] {
  const row = (label: string, testId: string, cell: (h: RedundantInputHealth) => HealthCell): SideBySideRow => ({ label, testId, main: cell(r.main), backup: cell(r.backup) });
  return [
    row('State', 'state', (h) => ({ value: h.error ? `${h.state.replace('_', ' ')}: ${h.error}` : h.state.replace('_', ' '), bad: h.state === 'error' || h.state === 'no_signal' })),
    row('Health', 'health', (h) => condition(h, nowMs)),
    row('Last packet', 'last-packet', (h) => ({ value: formatAgo(h.last_packet_at, nowMs), bad: false })),
    row('Bitrate', 'bitrate', (h) => ({ value: formatBitrate(h.bitrate_bps), bad: false })),
    row('Lost', 'lost', (h) => ({ value: formatCount(h.lost), bad: h.lost > 0 })),
    row('Peer', 'peer', (h) => ({ value: h.peer ?? EMPTY, bad: false })),
  ];
}

/** "Switching to main at its next key frame (back to main, waiting 2 s)"; null when nothing waits. */
export function pendingText(r: RedundancyHealth, nowMs: number): string | null {
  if (!r.pending) return null;
  return `Switching to ${r.pending.to} at its next key frame (${CAUSE_LABEL[r.pending.cause]}, waiting ${formatSince(r.pending.since, nowMs)})`;
}

export interface SwitchHistoryRow {
  key: string;
  at: string;
  fromTo: string;
  cause: InputSwitchRecord['cause'];
  causeText: string;
  reason: string;
  gap: string;
  keyFrame: 'yes' | 'no';
}

/** The latest switches, newest first, as the API keeps them. */
export function switchHistoryRows(switches: readonly InputSwitchRecord[]): SwitchHistoryRow[] {
  return switches.map((s, i) => ({
    key: `${s.at}-${i}`,
    at: formatTimestamp(s.at),
    fromTo: `${s.from} → ${s.to}`,
    cause: s.cause,
    causeText: CAUSE_LABEL[s.cause],
    reason: s.reason,
    gap: formatMs(s.gap_ms),
    keyFrame: s.at_random_access ? 'yes' : 'no',
  }));
}

export interface MergePathRow {
  role: InputRoleName;
  label: string;
  address: string;
  state: string;
  bad: boolean;
  received: string;
  lost: string;
  late: string;
  used: string;
  /** Share of the output's packets whose first copy came from this path. */
  usedShare: string;
  behind: string;
  lastPacket: string;
}

export function mergePathRows(m: MergeHealth, nowMs: number): MergePathRow[] {
  const totalUsed = m.paths.reduce((sum, p) => sum + p.used, 0);
  return m.paths.map((p) => ({
    role: p.role,
    label: ROLE_LABEL[p.role],
    address: p.address,
    state: p.error ? `${p.state.replace('_', ' ')}: ${p.error}` : p.state.replace('_', ' '),
    bad: p.state === 'error' || p.state === 'no_signal',
    received: formatCount(p.received),
    lost: formatCount(p.lost),
    late: formatCount(p.late),
    used: formatCount(p.used),
    usedShare: totalUsed > 0 ? `${Math.round((p.used / totalUsed) * 100)} %` : EMPTY,
    behind: formatMs(p.behind_ms),
    lastPacket: formatAgo(p.last_packet_at, nowMs),
  }));
}

/** "window 200 ms · 0 lost after merge". */
export function mergeSummary(m: MergeHealth): { window: string; mergedLost: string; bad: boolean } {
  return { window: formatMs(m.window_ms), mergedLost: formatCount(m.merged_lost), bad: m.merged_lost > 0 };
}

/** The failover settings in one line: "failover · switch after 500 ms without a good signal · back to main after 10 s healthy". */
export function failoverText(f: FailoverSpec): string {
  if (f.mode === 'merge') return `merge (one RTP stream on two paths) · missing datagrams waited for ${formatMs(f.merge_window_ms)}`;
  const back = f.prefer === 'main' ? `back to main after ${formatMs(f.restore_ms)} healthy` : 'stays on the input on air';
  return `failover · switch after ${formatMs(f.loss_ms)} without a good signal · ${back}`;
}

/** "RTP · 0.0.0.0:5002", "RTMP push", "SRT caller · calls enc:9000". */
export function backupInputText(backup: ChannelInputView): string {
  const where = inputWhere({ input: backup, bind_ip: 'bind_ip' in backup ? backup.bind_ip : null, port: 'port' in backup ? backup.port : null });
  return where ? `${inputTypeText(backup)} · ${where}` : inputTypeText(backup);
}

/** Newest switch time, for "last switch 12 s ago" in the panel head. */
export function lastSwitchAgo(r: RedundancyHealth, nowMs: number): string | null {
  const at = r.recent_switches[0]?.at;
  return parseTime(at) === null ? null : formatAgo(at, nowMs);
}

/** Pinning an input that is failing puts that on air with no automatic way back: worth a question first. Null: nothing to warn about. */
export function switchWarning(r: RedundancyHealth | null, to: InputSelection): string | null {
  if (to === 'auto' || !r) return null;
  const target = r[to];
  if (target.healthy) return null;
  const fault = target.fault ? FAULT_LABEL[target.fault] : target.state.replace('_', ' ');
  return `The ${to} input is not healthy (${fault}). Forcing it puts it on air as it is, and no automatic switch happens until Auto is chosen again.`;
}
