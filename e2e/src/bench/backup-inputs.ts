// Main/backup inputs for --backup (issue #12, docs/redundancy.md): the fields that give a
// channel its RTP backup, the live changes the standby-cost phases make to it, and the
// channel's redundancy state as GET /api/channels/{id}/status shows it.
import type { ChannelStatus, RedundancyHealth } from '@mld/contracts';
import { TS_PACKET_SIZE, TsInspector } from '@mld/mpegts';
import type { Distributor } from '../support/distributor.js';
import { patchChannel } from '../support/input-checks.js';
import { api, waitFor } from '../support/service-process.js';
import { DATAGRAM_BYTES, type LoopedStream } from './looped-stream.js';

export interface FailoverSettings {
  mode: 'failover';
  prefer: 'main' | 'none';
  loss_ms: number;
  restore_ms: number;
}

/** The cost run's settings: the service's defaults (nothing switches while the main is healthy). */
export const STANDBY_FAILOVER: FailoverSettings = { mode: 'failover', prefer: 'main', loss_ms: 500, restore_ms: 10_000 };

/** POST/PATCH /api/channels fields of an RTP backup on `port`. */
export function backupFields(port: number, failover: FailoverSettings = STANDBY_FAILOVER): Record<string, unknown> {
  return { backup_input: { type: 'rtp', bind_ip: '127.0.0.1', port }, failover };
}

/**
 * The backup plays the looped feed half a pass ahead of the main: the same programme from
 * another encoder, never the main's bytes at the same moment, so a receiver that finds the
 * main's bytes at the main's positions proves the output carried the main.
 */
export function backupOffsetDatagrams(stream: LoopedStream): number {
  return Math.floor(stream.passBytes / DATAGRAM_BYTES / 2);
}

/**
 * Where a pair's output starts in the main's stream: at the packet that completes the main's
 * first PMT (ADR 0013: the output opens once the layout is known; what came before, the first
 * PAT, is not sent). A single input forwards from byte 0.
 */
export function outputOpensAt(stream: LoopedStream): number {
  const feed = stream.pass(0);
  const inspector = new TsInspector();
  for (let off = 0; off + TS_PACKET_SIZE <= feed.length && off < 10_000 * TS_PACKET_SIZE; off += TS_PACKET_SIZE) {
    inspector.pushPacket(feed, off);
    if (inspector.report().pmtSections > 0) return off;
  }
  return 0;
}

export async function redundancyOf(mld: Distributor, channelId: string): Promise<RedundancyHealth | null> {
  const r = await api<ChannelStatus>(mld.url, 'GET', `/api/channels/${channelId}/status`, mld.token);
  if (r.status !== 200) throw new Error(`status of channel ${channelId}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.runtime?.redundancy ?? null;
}

/** Polls until both inputs of the pair are healthy with the main on air (the state every measurement starts from). */
export async function waitPairHealthy(mld: Distributor, channelId: string, timeoutMs = 20_000): Promise<RedundancyHealth> {
  return waitFor(
    'main and backup healthy, main on air',
    async () => {
      const r = await redundancyOf(mld, channelId);
      return r && r.active === 'main' && r.main.healthy && r.backup.healthy ? r : undefined;
    },
    timeoutMs,
    100,
  );
}

/** PATCH {"backup_input": null}: the channel goes on with its main alone (a new source). */
export async function removeBackup(mld: Distributor, channelId: string): Promise<void> {
  const ch = await patchChannel(mld, channelId, { backup_input: null });
  if (ch.backup_input) throw new Error(`channel ${ch.name} still has a backup input after PATCH {"backup_input": null}`);
}

export async function addBackup(mld: Distributor, channelId: string, port: number, failover: FailoverSettings = STANDBY_FAILOVER): Promise<void> {
  await patchChannel(mld, channelId, backupFields(port, failover));
}
