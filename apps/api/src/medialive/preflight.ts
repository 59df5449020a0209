import type { PreflightResult, PreflightStatus } from '@mld/contracts';
import type { MlChannel, MlUdpOutput } from './medialive.model.js';

/**
 * Preflight: what in a MediaLive channel would make our ingest lose the stream or its SCTE-35,
 * each result naming the exact MediaLive setting to change. Pure: everything it needs is passed in.
 */
export interface OurChannelRef {
  id: string;
  name: string;
  inputType: string;
  bindIp: string;
  port: number;
  /** Its RTP/UDP backup input (what pipeline 1 should send to); null or absent: none. */
  backup?: { inputType: string; bindIp: string; port: number } | null;
}

export interface OtherMediaLiveRef {
  id: string;
  name: string;
  ports: number[];
  fec: boolean;
}

export interface PreflightContext {
  channel: MlChannel;
  linked: OurChannelRef | null;
  ourChannels: OurChannelRef[];
  otherMediaLive: OtherMediaLiveRef[];
  localAddresses: string[];
}

export interface Destination {
  scheme: 'rtp' | 'udp';
  host: string;
  port: number;
}

/** `rtp://ip:port` or `udp://ip:port` (MediaLive's UDP group URLs); anything else is null. */
export function parseDestination(url: string): Destination | null {
  const match = /^(rtp|udp):\/\/(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\/?$/i.exec(url.trim());
  if (!match) return null;
  const port = Number(match[3]);
  if (port < 1 || port > 65535 || match[2]!.split('.').some((o) => Number(o) > 255)) return null;
  return { scheme: match[1]!.toLowerCase() as 'rtp' | 'udp', host: match[2]!, port };
}

export function isMulticast(ip: string): boolean {
  const first = Number(ip.split('.')[0]);
  return first >= 224 && first <= 239;
}

const SCTE35_SETTING = (o: MlUdpOutput) =>
  `EncoderSettings.OutputGroups["${o.outputGroup}"].Outputs["${o.output}"].OutputSettings.UdpOutputSettings.ContainerSettings.M2tsSettings.Scte35Control (console: output group "${o.outputGroup}" › output "${o.output}" › Container settings › PID settings › SCTE-35 control)`;
const URL_SETTING = (o: MlUdpOutput, pipeline: number) => `Destinations["${o.destinationId}"].Settings[${pipeline}].Url (console: Output groups › "${o.outputGroup}" › UDP destination, pipeline ${pipeline})`;
const M2TS_SETTING = (o: MlUdpOutput, field: string) => `EncoderSettings.OutputGroups["${o.outputGroup}"].Outputs["${o.output}"].OutputSettings.UdpOutputSettings${field}`;

export function preflight(context: PreflightContext): { status: PreflightStatus; results: PreflightResult[] } {
  const results: PreflightResult[] = [];
  const { channel } = context;
  if (channel.udpOutputs.length === 0) {
    results.push({ check: 'udp_output_group', status: 'fail', message: 'the channel has no UDP output group, so it sends nothing we can receive', setting: 'EncoderSettings.OutputGroups', expected: 'a UDP output group whose destination is this node' });
  }
  const pipelines = channel.channelClass === 'SINGLE_PIPELINE' ? 1 : 2;
  for (const output of channel.udpOutputs) {
    results.push(...destinationChecks(output, pipelines, context));
    results.push(scte35Check(output));
    results.push(...fecChecks(output, context));
    results.push(...burstChecks(output));
  }
  results.push(...pipelineChecks(channel));
  return { status: worst(results), results };
}

export function worst(results: PreflightResult[]): PreflightStatus {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  return results.some((r) => r.status === 'warn') ? 'warn' : 'pass';
}

function destinationChecks(output: MlUdpOutput, pipelines: number, context: PreflightContext): PreflightResult[] {
  const results: PreflightResult[] = [];
  const { linked } = context;
  for (let pipeline = 0; pipeline < pipelines; pipeline++) {
    const url = output.urls[pipeline] ?? '';
    if (url === '') continue; // reported by pipelineChecks
    const check = `pipeline${pipeline}.destination`;
    const destination = parseDestination(url);
    if (!destination) {
      results.push({ check, status: 'fail', message: `"${url}" is not an rtp:// or udp:// URL with an IPv4 address and a port`, setting: URL_SETTING(output, pipeline), expected: 'rtp://<this node>:<port> or udp://<this node>:<port>' });
      continue;
    }
    const local = context.localAddresses.includes(destination.host) || isMulticast(destination.host);
    results.push(
      local
        ? { check: `${check}.address`, status: 'pass', message: `${destination.host} is ${isMulticast(destination.host) ? 'a multicast group' : 'an address of this node'}` }
        : {
            check: `${check}.address`,
            status: 'warn',
            message: `${destination.host} is not an address of this node (${context.localAddresses.join(', ')}): correct only if a NAT forwards it here`,
            setting: URL_SETTING(output, pipeline),
            expected: `${destination.scheme}://<one of ${context.localAddresses.join(', ')}>:${destination.port}`,
          },
    );
    if (pipeline > 0) {
      // Pipeline 1 feeds the linked channel's backup input (docs/redundancy.md).
      if (!linked) continue;
      const backup = linked.backup ?? null;
      if (!backup) {
        results.push({ check: `${check}.backup`, status: 'warn', message: `pipeline ${pipeline} sends to ${url}, but channel "${linked.name}" has no backup input: link again, or give it a backup_input on that port` });
      } else if (destination.port !== backup.port) {
        results.push({ check: `${check}.port`, status: 'fail', message: `pipeline ${pipeline} sends to port ${destination.port} but the backup input of channel "${linked.name}" receives on port ${backup.port}`, setting: URL_SETTING(output, pipeline), expected: `${backup.inputType}://${backup.bindIp === '0.0.0.0' ? destination.host : backup.bindIp}:${backup.port}` });
      } else if (destination.scheme !== backup.inputType) {
        results.push({ check: `${check}.port`, status: 'fail', message: `pipeline ${pipeline} sends ${destination.scheme.toUpperCase()} but the backup input of channel "${linked.name}" expects ${backup.inputType.toUpperCase()}`, setting: URL_SETTING(output, pipeline), expected: `${backup.inputType}://${destination.host}:${backup.port}` });
      } else {
        results.push({ check: `${check}.port`, status: 'pass', message: `pipeline ${pipeline} → ${url} matches the backup input of channel "${linked.name}"` });
      }
      continue;
    }
    if (linked) {
      if (destination.port !== linked.port) {
        results.push({ check: `${check}.port`, status: 'fail', message: `pipeline 0 sends to port ${destination.port} but channel "${linked.name}" receives on port ${linked.port}`, setting: URL_SETTING(output, 0), expected: `${linked.inputType}://${linked.bindIp === '0.0.0.0' ? destination.host : linked.bindIp}:${linked.port}` });
      } else if (destination.scheme !== linked.inputType) {
        results.push({ check: `${check}.port`, status: 'fail', message: `pipeline 0 sends ${destination.scheme.toUpperCase()} but channel "${linked.name}" expects ${linked.inputType.toUpperCase()}`, setting: URL_SETTING(output, 0), expected: `${linked.inputType}://${destination.host}:${linked.port}` });
      } else {
        results.push({ check: `${check}.port`, status: 'pass', message: `pipeline 0 → ${url} matches channel "${linked.name}"` });
      }
    } else {
      const taken = context.ourChannels.find((c) => c.port === destination.port);
      results.push(
        taken
          ? { check: `${check}.port`, status: 'warn', message: `port ${destination.port} is the input of our channel "${taken.name}", which is not linked to this MediaLive channel`, setting: URL_SETTING(output, 0), expected: `a free port, or link to "${taken.name}"` }
          : { check: `${check}.port`, status: 'warn', message: `not linked: no channel of ours receives ${url} yet (link creates one)` },
      );
    }
  }
  return results;
}

function scte35Check(output: MlUdpOutput): PreflightResult {
  if (output.scte35Control === 'PASSTHROUGH') {
    return { check: 'scte35', status: 'pass', message: `SCTE-35 passed through on PID ${output.scte35Pid ?? 500} (output "${output.output}")` };
  }
  return {
    check: 'scte35',
    status: 'fail',
    message: `output "${output.output}" removes SCTE-35 (Scte35Control is ${output.scte35Control ?? 'NONE'}): ad markers never reach our outputs`,
    setting: SCTE35_SETTING(output),
    expected: 'PASSTHROUGH',
  };
}

function fecChecks(output: MlUdpOutput, context: PreflightContext): PreflightResult[] {
  const port = parseDestination(output.urls[0] ?? '')?.port;
  if (port === undefined) return [];
  const results: PreflightResult[] = [];
  const fecPorts = output.fec ? [port + 2, port + 4] : [];
  for (const other of context.otherMediaLive) {
    const otherFec = other.fec ? other.ports.flatMap((p) => [p + 2, p + 4]) : [];
    const clash = other.ports.find((p) => p === port || fecPorts.includes(p)) ?? otherFec.find((p) => p === port);
    if (clash !== undefined) {
      results.push({ check: 'fec.ports', status: 'fail', message: `port ${clash} is used both by this channel${output.fec ? ' (with FEC on +2/+4)' : ''} and by MediaLive channel "${other.name}"${other.fec ? ' (with FEC)' : ''}`, setting: URL_SETTING(output, 0), expected: `a port at least 6 away from ${other.ports.join(', ')}` });
    }
  }
  if (!output.fec) return results;
  const ours = context.ourChannels.filter((c) => c.id !== context.linked?.id && fecPorts.includes(c.port));
  for (const c of ours) {
    results.push({ check: 'fec.ports', status: 'fail', message: `FEC uses ports ${fecPorts.join(' and ')}, and our channel "${c.name}" receives on ${c.port}`, setting: `${M2TS_SETTING(output, '.FecOutputSettings')} (remove), or ${URL_SETTING(output, 0)}`, expected: `no FEC, or a port whose +2/+4 are free` });
  }
  if (results.length === 0) {
    results.push({ check: 'fec', status: 'warn', message: `FEC (${output.fec}) is on: ports ${fecPorts.join(' and ')} are free; our ingest ignores the FEC streams (docs/adr: FEC), so FEC only costs bandwidth`, setting: `${M2TS_SETTING(output, '.FecOutputSettings')}`, expected: 'removed, unless a future ingest uses FEC' });
  }
  return results;
}

function burstChecks(output: MlUdpOutput): PreflightResult[] {
  const results: PreflightResult[] = [];
  if (output.bufferModel === 'NONE') {
    results.push({ check: 'burst.buffer_model', status: 'warn', message: 'M2TS buffer model NONE lets MediaLive send in bursts our ingest sees as jitter', setting: M2TS_SETTING(output, '.ContainerSettings.M2tsSettings.BufferModel'), expected: 'MULTIPLEX' });
  }
  if (output.rateMode === 'VBR') {
    results.push({ check: 'burst.rate_mode', status: 'warn', message: 'VBR transport stream: bitrate and packet rate vary; downstream CBR destinations may see bursts', setting: M2TS_SETTING(output, '.ContainerSettings.M2tsSettings.RateMode'), expected: 'CBR' });
  }
  if (output.bufferMsec !== null && output.bufferMsec < 1000) {
    results.push({ check: 'burst.buffer_msec', status: 'warn', message: `UDP buffer of ${output.bufferMsec} ms (default 1000) makes MediaLive's output less smooth`, setting: M2TS_SETTING(output, '.BufferMsec'), expected: '1000 or more' });
  }
  return results;
}

function pipelineChecks(channel: MlChannel): PreflightResult[] {
  if (channel.channelClass === 'SINGLE_PIPELINE') {
    return [{ check: 'pipelines', status: 'warn', message: 'SINGLE_PIPELINE channel: no backup pipeline, so an AWS-side failure interrupts the stream', setting: 'ChannelClass', expected: 'STANDARD (for a backup pipeline)' }];
  }
  const results: PreflightResult[] = [];
  for (const output of channel.udpOutputs) {
    const missing = [0, 1].filter((p) => (output.urls[p] ?? '') === '');
    for (const pipeline of missing) {
      results.push({ check: 'pipelines', status: 'fail', message: `STANDARD channel: pipeline ${pipeline} of destination "${output.destinationId}" is not wired`, setting: URL_SETTING(output, pipeline), expected: 'rtp://<this node>:<port>' });
    }
  }
  if (results.length === 0 && channel.udpOutputs.length > 0) results.push({ check: 'pipelines', status: 'pass', message: 'STANDARD channel: both pipelines have a destination' });
  return results;
}
