import { parseChannelInput, parseFailover, redundancyProblems, type ChannelInputSpec, type ErrorFieldProblem, type FailoverSpec } from '@mld/contracts';
import { boundUdpPort, inputsCollide, newStreamKey } from './channel-input-rules.js';

/** A channel's main/backup configuration as a request may change it (issue #12). */
export interface RedundancyFields {
  /** An input object (same shape as `input`), null to remove the backup, absent to keep it. */
  backup_input?: unknown;
  /** Failover settings; fields left out keep their value. Only with a backup. */
  failover?: unknown;
}

export interface Redundancy {
  backup: ChannelInputSpec | null;
  failover: FailoverSpec | null;
}

type Result = { ok: true; value: Redundancy } | { ok: false; problems: ErrorFieldProblem[] };

/**
 * The channel's backup and failover settings after a request, checked against the (new) main:
 * kind rules as for `input` (problems named `backup_input.*`), the pair's own rules (merge needs
 * RTP on both), and the backup received on another port than the main.
 */
export function resolveRedundancy(fields: RedundancyFields, main: ChannelInputSpec, current: Redundancy, makeKey: () => string = newStreamKey): Result {
  let backup = current.backup;
  if (fields.backup_input === null) backup = null;
  else if (fields.backup_input !== undefined) {
    const parsed = parseChannelInput(fields.backup_input, current.backup, makeKey);
    if (!parsed.ok) return { ok: false, problems: parsed.problems.map((p) => ({ ...p, field: p.field.replace(/^input\b/, 'backup_input') })) };
    backup = parsed.value;
  }
  if (backup === null) {
    if (fields.failover !== undefined && fields.failover !== null) {
      return { ok: false, problems: [{ field: 'failover', message: 'failover applies to a channel with a backup_input: add one, or leave failover out' }] };
    }
    return { ok: true, value: { backup: null, failover: null } };
  }
  const failover = parseFailover(fields.failover ?? {}, current.failover);
  if (!failover.ok) return failover;
  const problems = redundancyProblems(main, backup, failover.value);
  const [mainPort, backupPort] = [boundUdpPort(main), boundUdpPort(backup)];
  if (mainPort && backupPort && inputsCollide(mainPort, backupPort)) {
    problems.push({ field: 'backup_input.port', message: `the backup must be received on another port than the main (${mainPort.bindIp}:${mainPort.port}): one UDP port serves one input` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { backup, failover: failover.value } };
}
