// Which PIDs the analyzer must treat specially, derived from the PAT/PMT state (recomputed only
// when a PAT or PMT changes): sections to reassemble, PCR PIDs, PIDs under the PID_error check.
import { NULL_PID, PAT_PID } from '@mld/mpegts';
import type { ProgramState } from './psi-tracker.js';
import { describeStream, type PidType, type StreamKind, summarizeDescriptors, wellKnownPid } from './stream-types.js';
import type { StreamSnapshot } from './types.js';

export const ROLE_NONE = 0;
export const ROLE_PAT = 1;
export const ROLE_PMT = 2;
export const ROLE_SCTE35 = 3;
export type PidRole = typeof ROLE_NONE | typeof ROLE_PAT | typeof ROLE_PMT | typeof ROLE_SCTE35;

export interface PidLayout {
  /** PIDs whose sections are reassembled (PAT, PMTs, SCTE-35). */
  roles: Map<number, PidRole>;
  pcrPids: Set<number>;
  /** PIDs the PID_error (TR 101 290 1.6) check watches. */
  watchedPids: Set<number>;
  /** Elementary streams by PID, as the PMTs describe them. */
  streams: Map<number, StreamSnapshot>;
  /** PCR PID of the program each SCTE-35 PID belongs to. */
  scte35PcrPid: Map<number, number>;
}

export function planLayout(
  programs: Iterable<ProgramState>,
  extraScte35Pids: readonly number[],
  pidErrorKinds: ReadonlySet<StreamKind>,
): PidLayout {
  const list = [...programs];
  const layout: PidLayout = {
    roles: new Map<number, PidRole>([[PAT_PID, ROLE_PAT]]),
    pcrPids: new Set(),
    watchedPids: new Set(),
    streams: new Map(),
    scte35PcrPid: new Map(),
  };
  for (const p of list) layout.roles.set(p.pmtPid, ROLE_PMT);
  for (const { pmt } of list) {
    if (!pmt) continue;
    if (pmt.pcrPid !== NULL_PID) layout.pcrPids.add(pmt.pcrPid);
    for (const s of pmt.streams) {
      const d = describeStream(s.streamType, s.descriptors, pmt.programInfo);
      layout.streams.set(s.pid, { pid: s.pid, streamType: s.streamType, ...d, descriptorsSummary: summarizeDescriptors(s.descriptors) });
      if (d.kind === 'scte35') {
        if (!layout.roles.has(s.pid)) layout.roles.set(s.pid, ROLE_SCTE35);
        layout.scte35PcrPid.set(s.pid, pmt.pcrPid);
      }
      if (pidErrorKinds.has(d.kind)) layout.watchedPids.add(s.pid);
    }
  }
  for (const pid of extraScte35Pids) if (!layout.roles.has(pid)) layout.roles.set(pid, ROLE_SCTE35);
  return layout;
}

/** What to call a PID in the snapshot: fixed PIDs by their table, then PMT, stream, PCR. */
export function pidIdentity(pid: number, layout: PidLayout, programs: Iterable<ProgramState>): { type: PidType; name: string } {
  const known = wellKnownPid(pid);
  if (known) return known;
  if (layout.roles.get(pid) === ROLE_PMT) {
    const numbers = [...programs].filter((p) => p.pmtPid === pid).map((p) => p.number);
    return { type: 'pmt', name: `PMT (program ${numbers.join(', ')})` };
  }
  const stream = layout.streams.get(pid);
  if (stream) return { type: stream.kind, name: stream.codec };
  if (layout.pcrPids.has(pid)) return { type: 'pcr', name: 'PCR' };
  return { type: 'unknown', name: 'unreferenced' };
}
