import { type ChannelInputView, DEFAULT_FAILOVER, type FailoverMode, type FailoverPreference, type FailoverSpec } from '@mld/contracts';
import { INPUT_FIELDS, type InputField, type InputFormValue, inputFormValue, inputRequest, missingInputFields, numberOrText } from './channel-input-form.js';

/**
 * The channel form's backup input and failover settings (docs/redundancy.md). The backup uses the
 * main input's controls and rules; this module names its fields (`backup_input.port`, as the API
 * does) and decides what an edit sends: nothing for an untouched pair, `null` to remove a backup.
 * Pure, so the request bodies are unit-tested without a browser.
 */

/** The input form's controls, as the backup's API field names (`backup_input.port`, `backup_input.input_type`). */
export type BackupControl = InputField | 'input_type';
export type BackupField = `backup_input.${BackupControl}`;
export const BACKUP_FIELDS: readonly BackupField[] = ['backup_input.input_type', ...INPUT_FIELDS.map((f): BackupField => `backup_input.${f}`)];

export const FAILOVER_FIELDS = ['failover.mode', 'failover.prefer', 'failover.loss_ms', 'failover.restore_ms', 'failover.merge_window_ms'] as const;
export type FailoverField = (typeof FAILOVER_FIELDS)[number];

/** Where the API's backup and failover problems land when their name is not a control's. */
export const REDUNDANCY_FIELD_ALIASES: Readonly<Record<string, string>> = {
  'backup_input.type': 'backup_input.input_type',
  // "backup_input must be an object", a field the form does not have: next to the kind of backup.
  backup_input: 'backup_input.input_type',
  failover: 'failover.mode',
};

export interface FailoverFormValue {
  mode: FailoverMode;
  prefer: FailoverPreference;
  loss_ms: string;
  restore_ms: string;
  merge_window_ms: string;
}

export function failoverFormValue(failover: FailoverSpec | null): FailoverFormValue {
  const f = failover ?? DEFAULT_FAILOVER;
  return { mode: f.mode, prefer: f.prefer, loss_ms: String(f.loss_ms), restore_ms: String(f.restore_ms), merge_window_ms: String(f.merge_window_ms) };
}

/**
 * The API's `failover`: what the form shows for the mode. Failover: preference, loss and restore
 * times; merge: the window (both paths are always used, so the rest does not apply). A field left
 * out keeps its value on the server.
 */
export function failoverRequest(v: FailoverFormValue): Record<string, unknown> {
  if (v.mode === 'merge') return { mode: 'merge', merge_window_ms: numberOrText(v.merge_window_ms) };
  return { mode: 'failover', prefer: v.prefer, loss_ms: numberOrText(v.loss_ms), restore_ms: numberOrText(v.restore_ms) };
}

export interface RedundancyFormState {
  /** The "Backup input" switch. */
  enabled: boolean;
  backup: InputFormValue;
  failover: FailoverFormValue;
}

/** What the channel has today; null when creating. */
export interface CurrentRedundancy {
  backup_input: ChannelInputView | null;
}

/** The form's starting state for the backup part: off with an RTP input (and default failover) unless the channel has a backup. */
export function redundancyFormValue(channel: { backup_input: ChannelInputView | null; failover: FailoverSpec | null } | null): RedundancyFormState {
  const backup = channel?.backup_input ?? null;
  return { enabled: backup !== null, backup: inputFormValue(backup), failover: failoverFormValue(channel?.failover ?? null) };
}

/**
 * The `backup_input` / `failover` part of POST or PATCH: off and none before → nothing; off but
 * there was one → `backup_input: null` (the server drops its failover with it); on → the
 * failover settings, and the backup unless it is exactly what the channel has (an untouched RTMP
 * backup keeps its key, an SRT one its passphrase).
 */
export function redundancyRequest(state: RedundancyFormState, current: CurrentRedundancy | null): { backup_input?: Record<string, unknown> | null; failover?: Record<string, unknown> } {
  const had = current?.backup_input ?? null;
  if (!state.enabled) return had ? { backup_input: null } : {};
  const backup = inputRequest(state.backup, had);
  const unchanged = had !== null && JSON.stringify(backup) === JSON.stringify(inputRequest(inputFormValue(had), had));
  return { ...(unchanged ? {} : { backup_input: backup }), failover: failoverRequest(state.failover) };
}

/** The backup's missing fields, under the backup's names; nothing while the backup is off. */
export function missingRedundancyFields(state: RedundancyFormState): Partial<Record<BackupField | FailoverField, string>> {
  if (!state.enabled) return {};
  const missing: Partial<Record<BackupField | FailoverField, string>> = {};
  for (const [field, message] of Object.entries(missingInputFields(state.backup))) missing[`backup_input.${field as InputField}`] = message;
  const blank = (s: string) => s.trim() === '';
  if (state.failover.mode === 'merge') {
    if (blank(state.failover.merge_window_ms)) missing['failover.merge_window_ms'] = 'Enter how long a missing datagram is waited for on the other path (ms)';
  } else {
    if (blank(state.failover.loss_ms)) missing['failover.loss_ms'] = 'Enter how long the input on air may fail before the switch (ms)';
    if (blank(state.failover.restore_ms)) missing['failover.restore_ms'] = 'Enter how long the main must be healthy before the return (ms; 0: at once)';
  }
  return missing;
}

/** The backup's messages keyed by the input form's control names, for the shared input fields. */
export function backupFieldErrors(byField: Readonly<Partial<Record<string, string>>>): Partial<Record<BackupControl, string>> {
  const out: Partial<Record<BackupControl, string>> = {};
  for (const [field, message] of Object.entries(byField)) {
    if (message && field.startsWith('backup_input.')) out[field.slice('backup_input.'.length) as BackupControl] = message;
  }
  return out;
}
