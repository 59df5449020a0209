// The hot-standby cost (--backup): after the usual phases have removed every output, the same
// channels are measured with their main alone (backup removed live, its sender paused), with
// the backup added back, and with the main alone again. Pair − main alone is what the standby
// costs; main alone − idle is "a second ingest", the yardstick (ADR 0013: the standby should
// cost no more than receiving a second input). The two single windows around the pair window
// cancel a drift of the machine between windows. The usual "ingest only" window (a pair too) is
// not used: it follows the outputs' removal, and their exit cost 1.1–2× more in it in every run.
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import type { Distributor } from '../support/distributor.js';
import { addBackup, redundancyOf, removeBackup, waitPairHealthy } from './backup-inputs.js';
import { sleep } from './measure.js';
import type { PacedSender } from './paced-sender.js';
import type { PhaseUsage, ServiceRun } from './results.js';
import type { ServiceInputs } from './service-inputs.js';

/** The existing last phase: every output removed, both inputs of each pair received. */
export const PAIR_INGEST_PHASE = 'ingest only';
export const SINGLE_INGEST_PHASE = 'ingest only, main alone';
export const PAIR_AGAIN_PHASE = 'ingest only, backup added again';
export const SINGLE_AGAIN_PHASE = 'ingest only, main alone again';

export async function standbyPhases(a: {
  mld: Distributor;
  channels: ChannelWithOutputsResponse[];
  backup: NonNullable<ServiceInputs['backup']>;
  sender: PacedSender;
  settleMs: number;
  log: (line: string) => void;
  measure: (label: string) => Promise<PhaseUsage>;
}): Promise<PhaseUsage[]> {
  const phases: PhaseUsage[] = [];
  a.log(`phase "${SINGLE_INGEST_PHASE}": PATCH {"backup_input": null} on ${a.channels.length} channel(s), their backup senders paused`);
  for (const [c, ch] of a.channels.entries()) {
    await removeBackup(a.mld, ch.id);
    a.sender.pause(a.backup.senderChannel(c));
  }
  await sleep(a.settleMs);
  phases.push(await a.measure(SINGLE_INGEST_PHASE));
  a.log(`phase "${PAIR_AGAIN_PHASE}": the backups added back and fed again`);
  for (const [c, ch] of a.channels.entries()) {
    a.sender.resume(a.backup.senderChannel(c));
    await addBackup(a.mld, ch.id, a.backup.port(c));
  }
  for (const ch of a.channels) await waitPairHealthy(a.mld, ch.id);
  await sleep(a.settleMs);
  phases.push(await a.measure(PAIR_AGAIN_PHASE));
  a.log(`phase "${SINGLE_AGAIN_PHASE}": the backups removed again`);
  for (const [c, ch] of a.channels.entries()) {
    await removeBackup(a.mld, ch.id);
    a.sender.pause(a.backup.senderChannel(c));
  }
  await sleep(a.settleMs);
  phases.push(await a.measure(SINGLE_AGAIN_PHASE));
  // The backups back, as the rest of the run expects the channels.
  for (const [c, ch] of a.channels.entries()) {
    a.sender.resume(a.backup.senderChannel(c));
    await addBackup(a.mld, ch.id, a.backup.port(c));
  }
  return phases;
}

/** Each pair as the main window left it: which input was on air, how often it switched, both inputs' health. */
export async function pairStates(mld: Distributor, channels: ChannelWithOutputsResponse[]): Promise<NonNullable<ServiceRun['pairs']>> {
  const out: NonNullable<ServiceRun['pairs']> = [];
  for (const ch of channels) {
    const r = await redundancyOf(mld, ch.id);
    out.push({
      name: ch.name,
      active: r?.active ?? null,
      switches: r?.switches ?? -1,
      mainHealthy: r?.main.healthy ?? false,
      backupHealthy: r?.backup.healthy ?? false,
      backupBitrateBps: r?.backup.bitrate_bps ?? 0,
      backupLost: r?.backup.lost ?? -1,
    });
  }
  return out;
}
