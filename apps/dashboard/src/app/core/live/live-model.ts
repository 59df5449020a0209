import type { ChannelStatus, ChannelWithOutputsResponse, DesiredState, EventRecord, OutputResponse, OutputRuntime } from '@mld/contracts';

/**
 * The pure half of live state: how pushes from the socket are folded into what screens show.
 * LiveStateService holds the signals; these functions decide the values.
 */

export interface BitrateSample {
  /** Epoch milliseconds. */
  t: number;
  bps: number;
}

/** How much bitrate history is kept per channel (the detail chart); the overview shows the last 2 minutes. */
export const HISTORY_WINDOW_MS = 10 * 60_000;
export const SPARKLINE_WINDOW_MS = 2 * 60_000;
export const MAX_LIVE_EVENTS = 300;

/** Appends a sample and drops those older than the window; a sample older than the last one replaces nothing. */
export function appendSample(samples: readonly BitrateSample[], sample: BitrateSample, windowMs = HISTORY_WINDOW_MS): BitrateSample[] {
  const last = samples[samples.length - 1];
  if (last && sample.t <= last.t) return samples as BitrateSample[];
  const cutoff = sample.t - windowMs;
  let start = 0;
  while (start < samples.length && samples[start]!.t < cutoff) start += 1;
  return [...samples.slice(start), sample];
}

/** The samples within the last `windowMs` before `now`. */
export function recentSamples(samples: readonly BitrateSample[], now: number, windowMs: number): BitrateSample[] {
  const cutoff = now - windowMs;
  return samples.filter((s) => s.t >= cutoff);
}

/** Configuration from REST, state from the socket: the live status wins for what it carries. */
export function mergeChannelStatus(channel: ChannelWithOutputsResponse, status: ChannelStatus | undefined): ChannelWithOutputsResponse {
  if (!status || status.channel_id !== channel.id) return channel;
  const byId = new Map(status.outputs.map((o) => [o.id, o]));
  return {
    ...channel,
    desired_state: status.desired_state,
    runtime: status.runtime,
    outputs: channel.outputs.map((o) => {
      const live = byId.get(o.id);
      return live ? { ...o, enabled: live.enabled, desired_state: live.desired_state, runtime: live.runtime } : o;
    }),
  };
}

/** Ids of outputs the live status names but the REST copy does not know (someone added one): time to reload. */
export function unknownOutputIds(channel: ChannelWithOutputsResponse, status: ChannelStatus | undefined): string[] {
  if (!status) return [];
  const known = new Set(channel.outputs.map((o) => o.id));
  return status.outputs.filter((o) => !known.has(o.id)).map((o) => o.id);
}

/** Newest first by id (ids are monotonic), without duplicates, at most `max`. */
export function mergeEvents(current: readonly EventRecord[], incoming: readonly EventRecord[], max = MAX_LIVE_EVENTS): EventRecord[] {
  const byId = new Map<string, EventRecord>();
  for (const e of current) byId.set(e.id, e);
  for (const e of incoming) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => compareIds(b.id, a.id)).slice(0, max);
}

/** Compares decimal id strings numerically without BigInt. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Messages the server gives when it refuses a socket for its credentials (see AuthService):
 * these end the session; anything else is a network problem worth retrying.
 */
export function isAuthFailure(message: string | null | undefined): boolean {
  if (!message) return false;
  return /token|log in again|unauthenticated|unauthori[sz]ed|authorization|no longer exists|password changed/i.test(message);
}

/** What an output row shows as its state. */
export type OutputDisplayState = OutputRuntime['state'] | 'disabled' | 'waiting';

export function outputDisplayState(output: Pick<OutputResponse, 'enabled' | 'desired_state' | 'runtime'>, channelDesired: DesiredState): OutputDisplayState {
  if (!output.enabled) return 'disabled';
  if (output.runtime) return output.runtime.state;
  if (output.desired_state === 'running' && channelDesired !== 'running') return 'waiting';
  return 'stopped';
}

export const OUTPUT_STATE_LABEL: Readonly<Record<OutputDisplayState, string>> = {
  running: 'running',
  starting: 'starting',
  backoff: 'retrying',
  failed: 'failed',
  stopping: 'stopping',
  stopped: 'stopped',
  disabled: 'disabled',
  waiting: 'channel stopped',
};
