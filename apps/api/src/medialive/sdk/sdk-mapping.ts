// SDK shapes → the module's model. Type-only imports: the mapping is pure and unit-tested on
// objects shaped like the SDK's (generated from the MediaLive API model).
import type { ChannelSummary, DescribeChannelResponse, EncoderSettings, Input, OutputDestination } from '@aws-sdk/client-medialive';
import type { MlChannel, MlChannelEdit, MlInput, MlUdpOutput } from '../medialive.model.js';

type AnyChannel = DescribeChannelResponse | ChannelSummary;

export function toMlChannel(channel: AnyChannel): MlChannel {
  const encoder = (channel as DescribeChannelResponse).EncoderSettings;
  return {
    id: channel.Id ?? '',
    name: channel.Name ?? '',
    arn: channel.Arn ?? '',
    state: channel.State ?? 'UNKNOWN',
    channelClass: channel.ChannelClass ?? 'STANDARD',
    pipelinesRunning: channel.PipelinesRunningCount ?? 0,
    inputAttachments: (channel.InputAttachments ?? []).map((a) => ({ name: a.InputAttachmentName ?? '', inputId: a.InputId ?? '' })),
    udpOutputs: encoder ? udpOutputsFromEncoder(encoder, channel.Destinations ?? []) : udpOutputsFromDestinations(channel.Destinations ?? []),
    detailed: encoder !== undefined,
  };
}

function urlsOf(destination: OutputDestination | undefined): string[] {
  return (destination?.Settings ?? []).map((s) => s.Url ?? '');
}

function udpOutputsFromEncoder(encoder: EncoderSettings, destinations: OutputDestination[]): MlUdpOutput[] {
  const result: MlUdpOutput[] = [];
  for (const group of encoder.OutputGroups ?? []) {
    if (!group.OutputGroupSettings?.UdpGroupSettings) continue;
    for (const output of group.Outputs ?? []) {
      const udp = output.OutputSettings?.UdpOutputSettings;
      if (!udp) continue;
      const destinationId = udp.Destination?.DestinationRefId ?? '';
      const m2ts = udp.ContainerSettings?.M2tsSettings;
      result.push({
        outputGroup: group.Name ?? '',
        output: output.OutputName ?? '',
        destinationId,
        urls: urlsOf(destinations.find((d) => d.Id === destinationId)),
        // MediaLive's default for an unset Scte35Control is NONE: cues are removed.
        scte35Control: m2ts?.Scte35Control ?? 'NONE',
        scte35Pid: parsePid(m2ts?.Scte35Pid) ?? 500,
        fec: udp.FecOutputSettings ? (udp.FecOutputSettings.IncludeFec ?? 'COLUMN_AND_ROW') : null,
        bufferMsec: udp.BufferMsec ?? 1000,
        bufferModel: m2ts?.BufferModel ?? 'MULTIPLEX',
        rateMode: m2ts?.RateMode ?? 'CBR',
      });
    }
  }
  return result;
}

/** From a summary: only the destinations whose URLs are UDP/RTP can belong to a UDP group. */
function udpOutputsFromDestinations(destinations: OutputDestination[]): MlUdpOutput[] {
  return destinations
    .filter((d) => urlsOf(d).some((u) => /^(udp|rtp):\/\//i.test(u)))
    .map((d) => ({ outputGroup: null, output: null, destinationId: d.Id ?? '', urls: urlsOf(d), scte35Control: null, scte35Pid: null, fec: null, bufferMsec: null, bufferModel: null, rateMode: null }));
}

/** Scte35Pid is a string in the model: decimal ("500") or hex ("0x1F4"). */
export function parsePid(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const value = /^0x/i.test(raw.trim()) ? Number.parseInt(raw.trim().slice(2), 16) : Number(raw.trim());
  return Number.isInteger(value) ? value : null;
}

/**
 * The UpdateChannel fields for an edit: destinations always (the URLs), and the whole encoder
 * settings only when SCTE-35 control changes, because UpdateChannel replaces what it is given.
 */
export function applyEdit(channel: DescribeChannelResponse, edit: MlChannelEdit): { Destinations: OutputDestination[]; EncoderSettings?: EncoderSettings } {
  const destinations: OutputDestination[] = structuredClone(channel.Destinations ?? []);
  for (const change of edit.urls) {
    const destination = destinations.find((d) => d.Id === change.destinationId);
    if (!destination) continue;
    destination.Settings ??= [];
    while (destination.Settings.length <= change.pipeline) destination.Settings.push({});
    destination.Settings[change.pipeline]!.Url = change.url;
  }
  if (edit.scte35Passthrough.length === 0 || !channel.EncoderSettings) return { Destinations: destinations };
  const encoder: EncoderSettings = structuredClone(channel.EncoderSettings);
  for (const target of edit.scte35Passthrough) {
    const group = encoder.OutputGroups?.find((g) => (g.Name ?? '') === target.outputGroup && g.OutputGroupSettings?.UdpGroupSettings);
    const udp = group?.Outputs?.find((o) => (o.OutputName ?? '') === target.output)?.OutputSettings?.UdpOutputSettings;
    if (!udp) continue;
    udp.ContainerSettings ??= {};
    udp.ContainerSettings.M2tsSettings = { ...udp.ContainerSettings.M2tsSettings, Scte35Control: 'PASSTHROUGH' };
  }
  return { Destinations: destinations, EncoderSettings: encoder };
}

export function toMlInput(input: Input): MlInput {
  const endpoints = [
    ...(input.Destinations ?? []).map((d) => d.Url ?? (d.Ip ? `${d.Ip}:${d.Port ?? ''}` : '')).filter((u) => u !== ''),
    ...(input.SrtSettings?.SrtCallerSources ?? []).map((s) => `srt://${s.SrtListenerAddress ?? ''}:${s.SrtListenerPort ?? ''}`),
  ];
  return { id: input.Id ?? '', name: input.Name ?? '', type: input.Type ?? '', state: input.State ?? '', securityGroupIds: input.SecurityGroups ?? [], endpoints };
}
