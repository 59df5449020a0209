import type { ChannelRuntime, DesiredState, OutputRuntime } from '@mld/contracts';
import { formatBitrate, plural } from '../format/format.js';

/**
 * Health at a glance: a colour and the reason in words. Works on both the REST channel
 * (ChannelWithOutputsResponse) and the live ChannelStatus, which share these fields.
 */
export type HealthLevel = 'green' | 'amber' | 'red' | 'idle';

export interface Health {
  level: HealthLevel;
  reason: string;
}

export interface HealthOutput {
  name: string;
  enabled: boolean;
  desired_state: DesiredState;
  runtime: OutputRuntime | null;
}

export interface HealthChannel {
  desired_state: DesiredState;
  runtime: ChannelRuntime | null;
  outputs: readonly HealthOutput[];
}

export interface OutputSummary {
  /** Every output of the channel. */
  total: number;
  /** Enabled and wanted running: the ones that should be streaming. */
  active: number;
  running: number;
  starting: number;
  /** In backoff, waiting for the next try. */
  retrying: number;
  /** Given up (will not be retried without an operator). */
  failed: number;
  /** Wanted stopped or disabled. */
  off: number;
}

export function isActiveOutput(o: Pick<HealthOutput, 'enabled' | 'desired_state'>): boolean {
  return o.enabled && o.desired_state === 'running';
}

export function summarizeOutputs(outputs: readonly HealthOutput[]): OutputSummary {
  const s: OutputSummary = { total: outputs.length, active: 0, running: 0, starting: 0, retrying: 0, failed: 0, off: 0 };
  for (const o of outputs) {
    if (!isActiveOutput(o)) {
      s.off += 1;
      continue;
    }
    s.active += 1;
    switch (o.runtime?.state) {
      case 'running':
        s.running += 1;
        break;
      case 'backoff':
        s.retrying += 1;
        break;
      case 'failed':
        s.failed += 1;
        break;
      default:
        // null (not reported yet), starting, stopping, stopped while wanted running: on its way.
        s.starting += 1;
    }
  }
  return s;
}

/** "3/3 outputs running", "no outputs enabled". */
export function describeOutputs(s: OutputSummary): string {
  if (s.active === 0) return s.total === 0 ? 'no outputs' : 'no outputs enabled';
  return `${s.running}/${s.active} ${s.active === 1 ? 'output' : 'outputs'} running`;
}

export function channelHealth(channel: HealthChannel): Health {
  const outputs = summarizeOutputs(channel.outputs);
  const input = channel.runtime;

  if (channel.desired_state !== 'running') {
    return { level: 'idle', reason: input && input.state !== 'stopped' ? 'stopping' : 'stopped' };
  }
  if (!input || input.state === 'starting' || input.state === 'stopped') {
    return { level: 'amber', reason: 'input starting' };
  }
  if (input.state === 'error') {
    return { level: 'red', reason: `input error: ${input.error?.trim() || 'cannot receive'}` };
  }
  if (input.state === 'no_signal') {
    return { level: 'red', reason: `no input signal, ${describeOutputs(outputs)}` };
  }

  // Receiving (possibly degraded): the outputs decide first, then the stream's own quality.
  const receiving = `receiving ${formatBitrate(input.bitrate_bps)}`;
  const failedNames = channel.outputs.filter((o) => isActiveOutput(o) && o.runtime?.state === 'failed').map((o) => o.name);
  if (outputs.active > 0 && outputs.running === 0 && outputs.starting === 0) {
    const down = outputs.failed + outputs.retrying;
    return { level: 'red', reason: `${receiving}, all ${plural(down, 'output')} down` };
  }
  if (failedNames.length > 0) {
    const which = failedNames.length === 1 ? `output "${failedNames[0]}" failed` : `${failedNames.length} outputs failed`;
    return { level: 'red', reason: `${which}, ${describeOutputs(outputs)}` };
  }
  // Main/backup: being on the backup, or without a standby, is what an operator must see first
  // (a failover also leaves a few TR 101 290 errors of the cut behind, which would read "degraded").
  const pair = input.redundancy;
  if (pair && pair.active === 'backup') {
    const why = pair.forced === 'backup' ? 'forced by an operator' : pair.main.fault ? `main: ${pair.main.fault.replace('_', ' ')}` : 'main back, not yet restored';
    return { level: 'amber', reason: `on backup input (${why}), ${receiving}, ${describeOutputs(outputs)}` };
  }
  if (pair && !pair.backup.healthy) {
    return { level: 'amber', reason: `backup input down (${pair.backup.fault?.replace('_', ' ') ?? pair.backup.state}), ${receiving}, ${describeOutputs(outputs)}` };
  }
  // A black or frozen picture (checked while someone looks at a thumbnail): bytes flow, the audience sees nothing.
  const picture = describePicture(input);
  if (picture) {
    return { level: 'amber', reason: `${picture}, ${receiving}, ${describeOutputs(outputs)}` };
  }
  if (input.state === 'degraded') {
    const errors = recentStreamErrors(input);
    return { level: 'amber', reason: `input degraded${errors ? ` (${errors})` : ''}, ${receiving}, ${describeOutputs(outputs)}` };
  }
  if (outputs.retrying > 0) {
    return { level: 'amber', reason: `${plural(outputs.retrying, 'output')} retrying, ${describeOutputs(outputs)}` };
  }
  if (outputs.starting > 0) {
    return { level: 'amber', reason: `${plural(outputs.starting, 'output')} starting, ${describeOutputs(outputs)}` };
  }
  if (outputs.active === 0) {
    return { level: 'amber', reason: `${receiving}, ${describeOutputs(outputs)}` };
  }
  return { level: 'green', reason: `${receiving}, ${describeOutputs(outputs)}` };
}

/**
 * The TR 101 290 errors seen most recently, in words ("cc error, pcr repetition error"), or RTP
 * loss: what makes an input `degraded`. Without a clock here, "most recent" is by last_at.
 */
export function recentStreamErrors(input: ChannelRuntime, max = 2): string {
  const counters = Object.entries(input.analysis?.tr101290 ?? {})
    .filter(([, c]) => c.count > 0 && c.last_at)
    .sort(([, a], [, b]) => (b.last_at ?? '').localeCompare(a.last_at ?? ''))
    .slice(0, max)
    .map(([name]) => name.replaceAll('_', ' '));
  if (counters.length === 0 && input.rtp.lost > 0) return 'RTP loss';
  return counters.join(', ');
}

/** "black picture for 12 s", "frozen picture for 40 s", or '' when the picture is fine or unchecked. */
export function describePicture(input: Pick<ChannelRuntime, 'picture'>, now = Date.now()): string {
  const p = input.picture;
  if (!p || (p.state !== 'black' && p.state !== 'frozen')) return '';
  const since = p.since ? Date.parse(p.since) : NaN;
  const forS = Number.isFinite(since) ? Math.max(0, Math.round((now - since) / 1000)) : null;
  return `${p.state} picture${forS !== null ? ` for ${forS} s` : ''}`;
}

/** Words for the colours, for screen readers and the legend. */
export const HEALTH_LABEL: Readonly<Record<HealthLevel, string>> = {
  green: 'Healthy',
  amber: 'Warning',
  red: 'Problem',
  idle: 'Stopped',
};
