/**
 * The MediaLive module's own view of AWS MediaLive: only what the product uses, in plain types,
 * so that preflight, link and fix are pure code and the SDK stays behind MediaLiveGateway.
 */

/** One output of a UDP output group (MediaLive's UDP/RTP push to us). */
export interface MlUdpOutput {
  /** Null when only a channel summary was read (ListChannels has no encoder settings). */
  outputGroup: string | null;
  output: string | null;
  destinationId: string;
  /** One URL per pipeline, pipeline 0 first; '' when that pipeline has no URL. */
  urls: string[];
  scte35Control: string | null;
  scte35Pid: number | null;
  /** FecOutputSettings.IncludeFec (COLUMN or COLUMN_AND_ROW) when FEC is on, else null. */
  fec: string | null;
  bufferMsec: number | null;
  bufferModel: string | null;
  rateMode: string | null;
}

export interface MlChannel {
  id: string;
  name: string;
  arn: string;
  state: string;
  channelClass: string;
  pipelinesRunning: number;
  inputAttachments: Array<{ name: string; inputId: string }>;
  udpOutputs: MlUdpOutput[];
  /** True when read with DescribeChannel (encoder settings known). */
  detailed: boolean;
}

export interface MlChannelPage {
  channels: MlChannel[];
  nextToken: string | undefined;
}

/** What Fix changes: a pipeline's URL of a destination, and SCTE-35 passthrough on outputs. */
export interface MlChannelEdit {
  urls: Array<{ destinationId: string; pipeline: number; url: string }>;
  scte35Passthrough: Array<{ outputGroup: string; output: string }>;
}

export interface MlInputRequest {
  name: string;
  type: 'RTP_PUSH' | 'RTMP_PUSH' | 'SRT_CALLER';
  securityGroupId?: string;
  /** RTMP_PUSH: application/instance names, one per destination (two for a STANDARD input). */
  streamNames?: string[];
  /** SRT_CALLER: where MediaLive calls (our SRT listener). */
  srtListener?: { address: string; port: number; streamId?: string };
}

export interface MlInput {
  id: string;
  name: string;
  type: string;
  state: string;
  securityGroupIds: string[];
  endpoints: string[];
}

export interface MlAlert {
  id: string;
  type: string;
  message: string;
  pipeline: string;
  state: string;
  setAt: Date | null;
}

export type MediaLiveErrorKind = 'throttled' | 'not_found' | 'conflict' | 'invalid' | 'forbidden' | 'credentials' | 'unavailable';

/** A MediaLive failure in our terms; the gateway maps SDK exceptions to these. */
export class MediaLiveError extends Error {
  constructor(
    readonly kind: MediaLiveErrorKind,
    message: string,
    readonly validationErrors: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'MediaLiveError';
  }
}

/** The port to AWS MediaLive. The SDK implementation (sdk/) is the only code importing @aws-sdk. */
export interface MediaLiveGateway {
  /** Resolves credentials through the standard chain; throws MediaLiveError('credentials') when none. */
  checkCredentials(): Promise<void>;
  listChannels(nextToken?: string): Promise<MlChannelPage>;
  describeChannel(id: string): Promise<MlChannel>;
  startChannel(id: string): Promise<string>;
  stopChannel(id: string): Promise<string>;
  updateChannel(id: string, edit: MlChannelEdit): Promise<MlChannel>;
  createInputSecurityGroup(cidrs: string[]): Promise<string>;
  createInput(request: MlInputRequest): Promise<MlInput>;
  listAlerts(id: string): Promise<MlAlert[]>;
}

export const MEDIALIVE_GATEWAY = Symbol('MEDIALIVE_GATEWAY');

/** States in which MediaLive accepts an UpdateChannel that changes destinations/encoder settings. */
export const EDITABLE_STATES = new Set(['IDLE', 'CREATE_FAILED']);
