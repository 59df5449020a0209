// MediaLive channel descriptions as they travel on the wire (restJson1, camelCase member names of
// the API model: the SDK's deserializer maps e.g. "udpOutputSettings" → UdpOutputSettings).
export type Wire = Record<string, unknown>;

export interface WireChannelOptions {
  id: string;
  name: string;
  state?: string;
  channelClass?: 'STANDARD' | 'SINGLE_PIPELINE';
  /** Pipeline URLs, pipeline 0 first; '' leaves a pipeline unwired. */
  urls: string[];
  scte35Control?: 'PASSTHROUGH' | 'NONE' | undefined;
  scte35Pid?: string;
  fec?: 'COLUMN' | 'COLUMN_AND_ROW';
  bufferMsec?: number;
  bufferModel?: 'MULTIPLEX' | 'NONE';
  rateMode?: 'CBR' | 'VBR';
}

export function wireChannel(o: WireChannelOptions): Wire {
  const m2tsSettings: Wire = { rateMode: o.rateMode ?? 'CBR', bufferModel: o.bufferModel ?? 'MULTIPLEX', ...(o.scte35Control ? { scte35Control: o.scte35Control } : {}), ...(o.scte35Pid ? { scte35Pid: o.scte35Pid } : {}) };
  const udpOutputSettings: Wire = {
    destination: { destinationRefId: 'udp-dest' },
    containerSettings: { m2tsSettings },
    ...(o.bufferMsec !== undefined ? { bufferMsec: o.bufferMsec } : {}),
    ...(o.fec ? { fecOutputSettings: { includeFec: o.fec, columnDepth: 5, rowLength: 5 } } : {}),
  };
  const pipelines = o.channelClass === 'SINGLE_PIPELINE' ? 1 : 2;
  return {
    id: o.id,
    arn: `arn:aws:medialive:eu-west-1:123456789012:channel:${o.id}`,
    name: o.name,
    state: o.state ?? 'IDLE',
    channelClass: o.channelClass ?? 'STANDARD',
    pipelinesRunningCount: 0,
    roleArn: 'arn:aws:iam::123456789012:role/MediaLiveAccessRole',
    inputAttachments: [{ inputAttachmentName: `${o.name}-input`, inputId: `${o.id}0` }],
    destinations: [
      { id: 'udp-dest', settings: Array.from({ length: pipelines }, (_, i) => ({ url: o.urls[i] ?? '' })) },
      { id: 'hls-dest', settings: [{ url: 's3ssl://bucket/a/index', username: '', passwordParam: '/medialive/hls-secret' }] },
    ],
    encoderSettings: {
      outputGroups: [
        { name: 'to-distributor', outputGroupSettings: { udpGroupSettings: { inputLossAction: 'EMIT_PROGRAM' } }, outputs: [{ outputName: 'mpegts', videoDescriptionName: 'video_1', audioDescriptionNames: ['audio_1'], outputSettings: { udpOutputSettings } }] },
        { name: 'archive', outputGroupSettings: { hlsGroupSettings: { destination: { destinationRefId: 'hls-dest' } } }, outputs: [{ outputName: 'hls', outputSettings: { hlsOutputSettings: { nameModifier: '_1' } } }] },
      ],
      videoDescriptions: [{ name: 'video_1' }],
      audioDescriptions: [{ name: 'audio_1', audioSelectorName: 'default' }],
      timecodeConfig: { source: 'EMBEDDED' },
    },
  };
}

/** Wire JSON → SDK shape (member names are the wire names with a capital first letter). */
export function toSdkShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSdkShape);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Wire).map(([k, v]) => [k[0]!.toUpperCase() + k.slice(1), toSdkShape(v)]));
}

/** SDK shape → wire JSON. */
export function toWireShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWireShape);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Wire).map(([k, v]) => [k[0]!.toLowerCase() + k.slice(1), toWireShape(v)]));
}
