import type { InputType, OutputOptions, OutputProtocol } from '@mld/contracts';
import type { ProcessState } from '@mld/supervisor';
import type { TsAnalysisSnapshot } from '@mld/ts-analysis';

/** What the data plane needs to know about a channel's input. */
export interface InputConfig {
  type: InputType;
  bindIp: string;
  port: number;
  sourceIp: string | null;
  interfaceIp: string | null;
}

/** One destination, already validated (parseOutputUrl) by the control plane. */
export interface OutputConfig {
  id: string;
  name: string;
  protocol: OutputProtocol;
  /** As the user wrote it; may carry secrets, which never reach logs or snapshots. */
  url: string;
  host: string;
  port: number;
  /** RTMP application and stream key. */
  path: string;
  /** URL query merged with the options object. */
  options: OutputOptions;
}

/** Everything that should run for one channel; outputs absent from the list are stopped. */
export interface ChannelConfig {
  id: string;
  name: string;
  input: InputConfig;
  outputs: OutputConfig[];
}

export type IngestState = 'stopped' | 'starting' | 'no_signal' | 'receiving' | 'error';

export interface IngestSnapshot {
  state: IngestState;
  since: number;
  error: string | null;
  datagrams: number;
  bytes: number;
  /** TS bytes handed to the outputs. */
  tsBytes: number;
  malformed: number;
  malformedReasons: Record<string, number>;
  rtp: { lost: number; duplicates: number; reordered: number; late: number; resyncs: number; ssrcChanges: number; ssrc: number | null };
  lastPacketAt: number | null;
  bitrateBps: number;
}

export type EgressState = ProcessState;

/** From srt-live-transmit's JSON statistics (sender side of the SRT connection). */
export interface SrtLinkStats {
  at: number;
  rttMs: number;
  sendRateMbps: number;
  bandwidthMbps: number;
  /** Negotiated latency (TSBPD delay), ms. */
  latencyMs: number;
  bufferMs: number;
  /** Totals since the process started. */
  packetsSent: number;
  packetsRetransmitted: number;
  packetsLost: number;
  packetsDropped: number;
}

/** From FFmpeg's -progress output. */
export interface FfmpegProgress {
  at: number;
  outTimeSeconds: number | null;
  /** Real-time factor; below 1 means the destination does not keep up. */
  speed: number | null;
  bitrateKbps: number | null;
  frames: number | null;
  fps: number | null;
  dropFrames: number | null;
}

export interface EgressSnapshot {
  id: string;
  name: string;
  protocol: OutputProtocol;
  state: EgressState;
  since: number;
  pid: number | null;
  restarts: number;
  lastError: string | null;
  nextRetryAt: number | null;
  startedAt: number | null;
  /** SRT: a peer is connected; null when the protocol has no such notion. */
  connected: boolean | null;
  bytesOut: number;
  bitrateBps: number;
  queueBytes: number;
  droppedBytes: number;
  srt: SrtLinkStats | null;
  ffmpeg: FfmpegProgress | null;
}

export interface ChannelSnapshot {
  id: string;
  ingest: IngestSnapshot;
  /** What the stream itself looks like (TR 101 290, PSI, PCR, SCTE-35), from the analysis of every chunk forwarded. */
  analysis: TsAnalysisSnapshot;
  outputs: EgressSnapshot[];
}
