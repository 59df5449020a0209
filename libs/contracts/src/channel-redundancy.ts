import type { ErrorFieldProblem } from './api-types.js';
import type { ChannelInputSpec } from './channel-input.js';

/**
 * Main/backup inputs on the wire (issue #12, ADR 0013/0014). A channel with `backup_input` has
 * two inputs, both received and analysed all the time; `failover` says how the one on air is
 * chosen. Shared by the API (validation, presenters) and the dashboard.
 */

/**
 * failover: two encoders (MediaLive's two pipelines): the outputs follow the main and move to
 * the backup when it fails. merge: ONE RTP stream sent twice (SMPTE 2022-7 style): merged packet
 * by packet, so a datagram lost on one path is taken from the other.
 */
export const FAILOVER_MODES = ['failover', 'merge'] as const;
export type FailoverMode = (typeof FAILOVER_MODES)[number];
export const FAILOVER_PREFERENCES = ['main', 'none'] as const;
export type FailoverPreference = (typeof FAILOVER_PREFERENCES)[number];

/** An input of a main/backup pair. */
export const INPUT_ROLES = ['main', 'backup'] as const;
export type InputRoleName = (typeof INPUT_ROLES)[number];
/** What an operator asks `POST /api/channels/{id}/input/switch` for: pin one input, or let the policy choose. */
export const INPUT_SELECTIONS = ['auto', 'main', 'backup'] as const;
export type InputSelection = (typeof INPUT_SELECTIONS)[number];

export interface FailoverSpec {
  mode: FailoverMode;
  /** main: return to the main once it has been healthy for restore_ms; none: stay on the input on air. */
  prefer: FailoverPreference;
  /** Leave the input on air when it delivered nothing, or was broken (TR 101 290 priority 1), this long. */
  loss_ms: number;
  /** How long the main must stay healthy, without a break, before the channel returns to it. */
  restore_ms: number;
  /** Merge mode: how long a missing datagram is waited for on the other path. */
  merge_window_ms: number;
}

export const DEFAULT_FAILOVER: Readonly<FailoverSpec> = { mode: 'failover', prefer: 'main', loss_ms: 500, restore_ms: 10_000, merge_window_ms: 200 };
export const FAILOVER_BOUNDS = {
  loss_ms: { min: 100, max: 10_000 },
  restore_ms: { min: 0, max: 600_000 },
  merge_window_ms: { min: 10, max: 2000 },
} as const;

const FIELDS = ['mode', 'prefer', 'loss_ms', 'restore_ms', 'merge_window_ms'] as const;

type Result<T> = { ok: true; value: T } | { ok: false; problems: ErrorFieldProblem[] };

/** Checks a requested `failover` object; fields left out keep `current`'s value, else the default. */
export function parseFailover(raw: unknown, current: FailoverSpec | null): Result<FailoverSpec> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problems: [{ field: 'failover', message: `failover must be an object (fields: ${FIELDS.join(', ')})` }] };
  const o = raw as Record<string, unknown>;
  const problems: ErrorFieldProblem[] = [];
  for (const key of Object.keys(o)) {
    if (!(FIELDS as readonly string[]).includes(key)) problems.push({ field: `failover.${key}`, message: `${key} is not a failover setting (fields: ${FIELDS.join(', ')})` });
  }
  const base = current ?? DEFAULT_FAILOVER;
  const mode = o['mode'] ?? base.mode;
  if (typeof mode !== 'string' || !(FAILOVER_MODES as readonly string[]).includes(mode)) {
    problems.push({ field: 'failover.mode', message: 'mode must be "failover" (two encoders: switch to the backup when the main fails) or "merge" (one RTP stream on two paths, merged packet by packet)' });
  }
  const prefer = o['prefer'] ?? base.prefer;
  if (typeof prefer !== 'string' || !(FAILOVER_PREFERENCES as readonly string[]).includes(prefer)) {
    problems.push({ field: 'failover.prefer', message: 'prefer must be "main" (return to the main once it is healthy again) or "none" (stay on the input on air)' });
  }
  const bounded = (field: keyof typeof FAILOVER_BOUNDS): number => {
    const v = o[field] ?? base[field];
    const { min, max } = FAILOVER_BOUNDS[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push({ field: `failover.${field}`, message: `${field} is in milliseconds: an integer from ${min} to ${max}` });
      return 0;
    }
    return v;
  };
  const lossMs = bounded('loss_ms');
  const restoreMs = bounded('restore_ms');
  const windowMs = bounded('merge_window_ms');
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { mode: mode as FailoverMode, prefer: prefer as FailoverPreference, loss_ms: lossMs, restore_ms: restoreMs, merge_window_ms: windowMs } };
}

/** Why a main/backup pair cannot run in this mode, as field problems (empty: it can). */
export function redundancyProblems(main: ChannelInputSpec, backup: ChannelInputSpec, failover: FailoverSpec): ErrorFieldProblem[] {
  const problems: ErrorFieldProblem[] = [];
  if (failover.mode === 'merge') {
    if (main.type !== 'rtp') problems.push({ field: 'input.type', message: `merge needs RTP on both inputs (it merges by RTP sequence number); the main input is ${main.type}` });
    if (backup.type !== 'rtp') problems.push({ field: 'backup_input.type', message: `merge needs RTP on both inputs (it merges by RTP sequence number); the backup input is ${backup.type}` });
  }
  if (main.type === 'file' && backup.type === 'file' && main.media_id === backup.media_id) {
    problems.push({ field: 'backup_input.media_id', message: 'the backup plays the same file as the main: choose another file, or no backup' });
  }
  return problems;
}

/** One switch of the input on air, as the API shows it. */
export interface InputSwitchRecord {
  at: string;
  from: InputRoleName;
  to: InputRoleName;
  /** failover: away from a failing input; restored: back to the preferred main; forced: an operator's order. */
  cause: 'failover' | 'restored' | 'forced';
  reason: string;
  /** Time from the old input's last packet sent to the switch. */
  gap_ms: number;
  /** The new input went on air at one of its random-access points (a key frame). */
  at_random_access: boolean;
}

/** TR 101 290 priority-1 condition (or no data) that makes an input unfit to be on air. */
export type InputFaultName = 'no_data' | 'sync_loss' | 'pat_missing' | 'pmt_missing' | 'video_missing';

/** One input of a main/backup pair. */
export interface RedundantInputHealth {
  state: 'stopped' | 'starting' | 'no_signal' | 'receiving' | 'error';
  error: string | null;
  /** No fault right now. */
  healthy: boolean;
  fault: InputFaultName | null;
  fault_since: string | null;
  /** Healthy without a break since (what a return to the main waits on). */
  healthy_since: string | null;
  last_packet_at: string | null;
  last_random_access_at: string | null;
  bitrate_bps: number;
  bytes_in: number;
  peer: string | null;
  /** RTP sequence gaps (or SRT drops) on this input. */
  lost: number;
  /** Where this input's PIDs go in the output; identity for the input that set the layout. */
  pid_map: Array<{ from: number; to: number }>;
}

/** Failover mode: which input is on air and both inputs' health side by side. */
export interface RedundancyHealth {
  prefer: FailoverPreference;
  active: InputRoleName;
  /** Set by an operator (POST …/input/switch); null when the policy chooses. */
  forced: InputRoleName | null;
  /** A planned switch waiting for its target's random-access point. */
  pending: { to: InputRoleName; since: string; cause: InputSwitchRecord['cause'] } | null;
  main: RedundantInputHealth;
  backup: RedundantInputHealth;
  switches: number;
  /** The latest switches, newest first (at most 20). */
  recent_switches: InputSwitchRecord[];
  cues: { forwarded: number; duplicates_dropped: number; replayed: number };
}

/** Merge mode: per path and merged loss. */
export interface MergeHealth {
  window_ms: number;
  /** Datagrams no path delivered in time: what the outputs lost. */
  merged_lost: number;
  paths: Array<{
    role: InputRoleName;
    address: string;
    state: 'stopped' | 'starting' | 'no_signal' | 'receiving' | 'error';
    error: string | null;
    received: number;
    /** Gaps in this path's own sequence (as if it were the only one). */
    lost: number;
    /** Arrived after the merge gave its packet up: the window is too short for this path. */
    late: number;
    duplicates: number;
    /** Output packets whose first copy came from this path. */
    used: number;
    behind_ms: number;
    last_packet_at: string | null;
    ssrc: number | null;
  }>;
}
