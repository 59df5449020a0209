import type { OutputOptions, OutputProtocol } from '@mld/contracts';
import type { ProcessState } from '@mld/supervisor';
import type { TsAnalysisSnapshot } from '@mld/ts-analysis';

/** An RTP or raw-UDP input: a socket bound to a unicast address or joined to a multicast group. */
export interface DatagramInputConfig {
  type: 'rtp' | 'udp';
  bindIp: string;
  port: number;
  sourceIp: string | null;
  interfaceIp: string | null;
}

/** An SRT input: we listen for the encoder (listener) or call an encoder/gateway that listens (caller). */
export interface SrtInputConfig {
  type: 'srt';
  mode: 'listener' | 'caller';
  /** Listener: the address to bind (0.0.0.0 for all). Caller: the local address to bind, usually 0.0.0.0. */
  bindIp: string;
  /** Caller: the listener to call; null for a listener. */
  host: string | null;
  port: number;
  /** Receiver latency (TSBPD), milliseconds. */
  latencyMs: number;
  /** Secret: never in logs, events or snapshots. */
  passphrase: string | null;
  pbkeylen: 16 | 24 | 32 | null;
  /** Caller only; may carry a secret, treated as one. */
  streamId: string | null;
}

/** An RTMP push: the encoder publishes to the shared RTMP server at /live/<streamKey>. */
export interface RtmpInputConfig {
  type: 'rtmp';
  /** Secret. */
  streamKey: string;
}

/** A WebRTC publisher (WHIP, RFC 9725): a browser or an encoder posts an SDP offer to the API (ADR 0017). */
export interface WhipInputConfig {
  type: 'whip';
  /** The key the API uses to find this input's endpoint (the channel id, with ":backup" for a backup input). */
  endpointId: string;
}

/** A stored MPEG-TS file (media library), played paced by its PCR, optionally looped. */
export interface FileInputConfig {
  type: 'file';
  mediaId: string;
  /** Absolute path, resolved by the control plane under the data directory. */
  path: string;
  loop: boolean;
}

/** One input of one kind: what a single Source receives. */
export type SingleInputConfig = DatagramInputConfig | SrtInputConfig | RtmpInputConfig | FileInputConfig | WhipInputConfig;

/** Main + backup of any kinds, one on air (RedundantSource, ADR 0013). */
export interface RedundantInputConfig {
  type: 'redundant';
  main: SingleInputConfig;
  backup: SingleInputConfig;
  failover: FailoverSettings;
  /** An operator's order: pin one input, or let the policy choose. Changing only this never replaces the source. */
  selection: InputRole | 'auto';
}

/** One RTP stream received on two paths, merged by sequence number (MergedRtpSource, ADR 0014). */
export interface MergedInputConfig {
  type: 'merged';
  paths: [DatagramInputConfig, DatagramInputConfig];
  windowMs: number;
}

/** What the data plane needs to know about a channel's input. */
export type InputConfig = SingleInputConfig | RedundantInputConfig | MergedInputConfig;

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

/** The on-demand HLS preview of a channel: fed like an output, but not one (no URL, no secret, not listed). */
export interface PreviewTarget {
  id: string;
  name: string;
  protocol: 'hls';
  /** The directory FFmpeg writes the playlist and segments into. */
  dir: string;
}

/** What an egress serves. */
export type EgressTarget = OutputConfig | PreviewTarget;

/** Everything that should run for one channel; outputs absent from the list are stopped. */
export interface ChannelConfig {
  id: string;
  name: string;
  input: InputConfig;
  outputs: OutputConfig[];
  /** What the outputs get when the input stops (ADR 0016); absent or null: nothing (the outputs starve). */
  inputLoss?: InputLossSettings | null;
}

/** Input-loss behaviour of a channel: after `afterMs` without input, a generated stream (ADR 0016). */
export interface InputLossSettings {
  /** slate: the admin's image, or the built-in card with the channel's name; black: a black picture. */
  action: 'slate' | 'black';
  afterMs: number;
  /** action slate: the image to show (a media library file); null: the built-in card. */
  imagePath: string | null;
  /** TS outputs (SRT/UDP/RTP) get the slate too; RTMP outputs always do. */
  tsOutputs: boolean;
}

/** The input-loss slate of a channel, as the source reports it. */
export interface SlateSnapshot {
  action: InputLossSettings['action'];
  afterMs: number;
  /** The slate is what the outputs get now. */
  onAir: boolean;
  /** When it went on air (null when off). */
  since: number | null;
  /** Times it went on air since the channel started. */
  shown: number;
  /** How long it was on air the last time it went off. */
  lastDurationMs: number | null;
  /** The encoder: idle when not running. */
  encoder: 'idle' | 'starting' | 'running' | 'backoff' | 'stopping' | 'failed' | 'stopped';
  /** What the slate is encoded as (the programme's last-seen parameters); null until known. */
  matches: { width: number; height: number; fps: string; profile: string; level: string; audio: string | null } | null;
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
  /** The sender as the transport sees it ("10.1.2.3:5000"); null when none is connected or the transport has no peer. */
  peer?: string | null;
  /** SRT inputs: the receiving side of the SRT connection. */
  srt?: SrtReceiveStats | null;
  /** RTMP inputs: the publishing encoder. */
  rtmp?: RtmpPublisherInfo | null;
  /** File inputs: where playback is. */
  file?: FilePlaybackInfo | null;
  /** WHIP inputs: the WebRTC publisher. */
  whip?: WhipPublisherInfo | null;
  /** Seamless (SMPTE 2022-7 style) merge of one RTP stream received on several paths. */
  merge?: RtpMergeStats | null;
  /** Main/backup inputs (RedundantSource): which one is on air and both inputs' health. */
  redundancy?: RedundancySnapshot | null;
  /** Channels with an input-loss behaviour: the slate's state. */
  slate?: SlateSnapshot | null;
}

/** Per path and merged counters of a seamless RTP merge (ADR 0014). */
export interface RtpMergeStats {
  /** How long a missing packet is waited for on the other path(s). */
  windowMs: number;
  /** Sequence numbers no path delivered within the window: what the outputs lost. */
  mergedLost: number;
  paths: RtpMergePathStats[];
}

export interface RtpMergePathStats {
  /** Where this path is received ("239.1.1.1:5000"). */
  address: string;
  state: IngestState;
  error: string | null;
  /** Valid RTP datagrams carrying whole TS packets. */
  received: number;
  /** Gaps in this path's own sequence (as if it were the only path). */
  lost: number;
  /** Arrived after the merge had given its packet up: the window is too short for this path. */
  late: number;
  /** The same packet twice on this path. */
  duplicates: number;
  /** Packets of the output that came from this path (its copy arrived first). */
  used: number;
  /** How much later than the first copy this path's copies arrive on average, ms. */
  behindMs: number;
  lastPacketAt: number | null;
  ssrc: number | null;
}

export type InputRole = 'main' | 'backup';

/**
 * How a channel with a backup input chooses between its two inputs (ADR 0013). Both inputs run
 * and are analysed all the time (hot standby).
 */
export interface FailoverSettings {
  mode: 'failover';
  /** `main`: go back to the main once it has been healthy for restoreMs; `none`: stay where we are. */
  prefer: 'main' | 'none';
  /** Switch away from the active input when it delivered nothing, or was broken (TR 101 290 priority 1), this long. */
  lossMs: number;
  /** How long the main must stay healthy before a return to it (prefer: main). */
  restoreMs: number;
}

export const DEFAULT_FAILOVER_SETTINGS: Readonly<FailoverSettings> = { mode: 'failover', prefer: 'main', lossMs: 500, restoreMs: 10_000 };

/** Why an input is not fit to be on air: a TR 101 290 priority-1 condition, or no data at all. */
export type InputFault = 'no_data' | 'sync_loss' | 'pat_missing' | 'pmt_missing' | 'video_missing';

/** One switch of the active input. */
export interface InputSwitch {
  at: number;
  from: InputRole;
  to: InputRole;
  /** failover: away from a failing input; restored: back to the preferred main; forced: an operator's order. */
  cause: 'failover' | 'restored' | 'forced';
  /** Human-readable, for the event log ("main: no data for 512 ms"). */
  reason: string;
  /** Time between the last packet sent from the old input and the switch. */
  gapMs: number;
  /** The new input went on air at one of its random-access points (always, unless the bounded wait ran out). */
  atRandomAccess: boolean;
}

/** One of the two inputs of a redundant source. */
export interface RedundantInputSnapshot {
  /** The input's own source snapshot (transport counters, peer, SRT/RTMP/file details). */
  ingest: IngestSnapshot;
  /** No fault right now (it may still be too recent to return to). */
  healthy: boolean;
  fault: InputFault | null;
  /** When the current fault began (null when healthy). */
  faultSince: number | null;
  /** Since when it has been healthy without a break (null when not). */
  healthySince: number | null;
  lastPacketAt: number | null;
  lastRandomAccessAt: number | null;
  /** Where this input's PIDs go in the output (empty until its PMT is known); identity for the layout's owner. */
  pidMap: { from: number; to: number }[];
}

export interface RedundancySnapshot {
  mode: FailoverSettings['mode'];
  prefer: FailoverSettings['prefer'];
  active: InputRole;
  /** Set by an operator's force(); null in automatic mode. */
  forced: InputRole | null;
  /** A planned switch waiting for a random-access point of its target. */
  pending: { to: InputRole; since: number; cause: InputSwitch['cause'] } | null;
  main: RedundantInputSnapshot;
  backup: RedundantInputSnapshot;
  switches: number;
  lastSwitch: InputSwitch | null;
  /** The latest switches, oldest first (at most 20). */
  recentSwitches: InputSwitch[];
  /** SCTE-35 sections sent, and those left out because the other input had just sent the same cue. */
  cues: { forwarded: number; duplicatesDropped: number; replayed: number };
}

/** From srt-live-transmit's JSON statistics (receiver side of the SRT connection). */
export interface SrtReceiveStats {
  at: number;
  rttMs: number;
  recvRateMbps: number;
  /** Negotiated latency (TSBPD delay), ms. */
  latencyMs: number;
  /** Totals since the connection started. */
  packetsReceived: number;
  packetsLost: number;
  packetsRetransmitted: number;
  packetsDropped: number;
}

export interface RtmpPublisherInfo {
  clientAddress: string;
  /** From the connect command's flashVer / onMetaData's encoder. */
  encoder: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  frameRate: number | null;
  videoKbps: number | null;
  audioKbps: number | null;
  connectedAt: number;
}

export interface FilePlaybackInfo {
  mediaId: string;
  durationMs: number;
  positionMs: number;
  /** Completed passes through the file. */
  loops: number;
  loop: boolean;
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
  protocol: EgressTarget['protocol'];
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

/** The WebRTC publisher of a WHIP input, as input health shows it. */
export interface WhipPublisherInfo {
  sessionId: string;
  /** Where the offer came from (the HTTP client). */
  clientAddress: string;
  connectedAt: number | null;
  iceState: string;
  dtlsState: string;
  rttMs: number | null;
  packetsLost: number;
  nacksSent: number;
  plisSent: number;
  video: { codec: 'H264'; profile: string; level: string | null; width: number | null; height: number | null };
  audio: { codec: 'opus'; channels: number; transcodedTo: 'aac' } | null;
}
