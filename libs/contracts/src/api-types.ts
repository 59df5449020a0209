import type { ChannelInputView, InputType } from './channel-input.js';
import type { FailoverSpec, InputSelection, MergeHealth, RedundancyHealth } from './channel-redundancy.js';
import type { InputLossSpec } from './input-loss.js';
import type { DesiredState, OutputProtocol } from './protocols.js';
import type { OutputOptions } from './output-url.js';
import type { Role } from './roles.js';

/**
 * JSON shapes of the REST API (snake_case on the wire). The API's response DTO classes
 * implement these; the dashboard consumes them.
 */

export interface ChannelResponse {
  id: string;
  name: string;
  description: string;
  /** The input, whatever its type (secrets masked for roles without secret.read). */
  input: ChannelInputView;
  /** The second input of a main/backup pair (same shape as `input`); null: no backup. */
  backup_input: ChannelInputView | null;
  /** How the pair is used; null when there is no backup input. */
  failover: FailoverSpec | null;
  /** An operator's choice (POST …/input/switch): `auto` lets the failover policy choose. */
  input_selection: InputSelection;
  /** What the outputs get when the input stops (slate, black, or nothing). */
  input_loss: InputLossSpec;
  input_type: InputType;
  /** RTP/UDP and SRT listener: the address bound; null for other inputs. */
  bind_ip: string | null;
  /** RTP/UDP and SRT: the port; null for RTMP and file inputs. */
  port: number | null;
  source_ip: string | null;
  interface_ip: string | null;
  /** Seed-compatible alias of bind_ip (RTP/UDP inputs). */
  rtp_ip: string | null;
  /** Seed-compatible alias of port (RTP/UDP inputs). */
  rtp_port: number | null;
  desired_state: DesiredState;
  /** What is happening now; null when the channel is not running. */
  runtime: ChannelRuntime | null;
  output_count: number;
  created_at: string;
  updated_at: string;
}

export interface OutputResponse {
  id: string;
  channel_id: string;
  name: string;
  protocol: OutputProtocol;
  /** Secrets (RTMP stream keys, SRT passphrase/streamid) are masked for roles without secret.read. */
  url: string;
  options: OutputOptions;
  enabled: boolean;
  desired_state: DesiredState;
  /** What is happening now; null when the output is not meant to run (channel stopped, output stopped or disabled). */
  runtime: OutputRuntime | null;
  secrets_masked: boolean;
  created_at: string;
  updated_at: string;
}

export interface ChannelWithOutputsResponse extends ChannelResponse {
  outputs: OutputResponse[];
}

export interface LoginResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  user: UserResponse;
}

export interface UserResponse {
  id: string;
  username: string;
  role: Role;
  created_at: string;
  updated_at: string;
}

export interface ApiTokenResponse {
  expires_at: string | null;
  id: string;
  name: string;
  role: Role;
  /** First characters of the token, enough to recognise it in a list. */
  prefix: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreatedApiTokenResponse extends ApiTokenResponse {
  /** The secret itself: shown once, stored only as a hash. */
  token: string;
}

export interface ErrorFieldProblem {
  field: string;
  message: string;
}

export interface ErrorResponse {
  status_code: number;
  error: string;
  code: string;
  message: string;
  errors?: ErrorFieldProblem[];
}

export interface HealthResponse {
  status: 'ok' | 'degraded';
  version: string;
  /** The Node.js that runs the service, e.g. "24.22.3". */
  node_version: string;
  uptime_seconds: number;
  database: { status: 'up' | 'down'; embedded: boolean; latency_ms: number | null; error?: string };
}

/** Live state of a channel's input (absent while the channel is not running). */
export interface ChannelRuntime {
  /** `degraded`: receiving, but with TR 101 290 priority-1 errors or RTP loss in the last 10 s, or a black or frozen picture (`picture`). */
  state: 'stopped' | 'starting' | 'no_signal' | 'receiving' | 'degraded' | 'error';
  since: string;
  error: string | null;
  datagrams_in: number;
  bytes_in: number;
  ts_bytes: number;
  malformed: number;
  malformed_reasons: Record<string, number>;
  rtp: { lost: number; duplicates: number; reordered: number; late: number; resyncs: number; ssrc_changes: number; ssrc: number | null };
  last_packet_at: string | null;
  bitrate_bps: number;
  /** The sender as the transport sees it ("10.1.2.3:5000"): SRT peer, RTMP publisher; null when none. */
  peer: string | null;
  /** SRT inputs: the receiving side of the connection; null for other inputs or while nobody is connected. */
  srt: SrtInputHealth | null;
  /** RTMP inputs: the publishing encoder; null while nobody publishes. */
  rtmp: RtmpInputHealth | null;
  /** File inputs: playback position. */
  file: FileInputHealth | null;
  /** WHIP (WebRTC) inputs: the publisher's connection; null while nobody publishes. */
  whip?: WhipInputHealth | null;
  /** The stream itself: TR 101 290, programs and PIDs, PCR, SCTE-35 counts. Null before the first analysis. */
  analysis: StreamAnalysis | null;
  /** Main/backup in failover mode: the input on air, both inputs' health, the switches. Null without a backup. */
  redundancy: RedundancyHealth | null;
  /** Main/backup in merge mode: per-path and merged loss. Null otherwise. */
  merge: MergeHealth | null;
  /** Channels with an input_loss action: the slate; null with action none. */
  slate: SlateHealth | null;
  /**
   * The picture as the thumbnails see it (black, frozen): checked only while someone looks at a
   * thumbnail of the channel; null when nobody did in the last minute.
   */
  picture?: PictureHealth | null;
  /** The node that runs the channel (NODE_ID; docs/multi-node.md): this one or another sharing the database. */
  node?: string;
}

export interface PictureHealth {
  /** `unknown` until two key frames were compared. */
  state: 'ok' | 'black' | 'frozen' | 'unknown';
  /** When the current state began (its first key frame). */
  since: string | null;
  /** The key frame last checked. */
  checked_at: string | null;
  /** Key frames checked since someone started looking. */
  samples: number;
  /** Of the last key frame's 64x36 gray copy: mean and standard deviation of luma (0..255), mean absolute difference to the one before. */
  mean_luma: number | null;
  luma_std_dev: number | null;
  change: number | null;
}

export interface SlateHealth {
  action: 'slate' | 'black';
  after_ms: number;
  /** The outputs that take it (RTMP; TS outputs with ts_outputs) get the slate now. */
  on_air: boolean;
  /** When it went on air; null when off. */
  since: string | null;
  /** Times it went on air since the channel started. */
  shown: number;
  last_duration_ms: number | null;
  /** Its encoder: idle when not running (it runs only around a loss). */
  encoder: string;
  /** What it is encoded as: the programme's last-seen parameters; null until known. */
  matches: { width: number; height: number; fps: string; profile: string; level: string; audio: string | null } | null;
}

export interface SrtInputHealth {
  at: string;
  rtt_ms: number;
  recv_rate_mbps: number;
  /** Negotiated latency (TSBPD), ms. */
  latency_ms: number;
  packets_received: number;
  packets_lost: number;
  packets_retransmitted: number;
  /** Lost for good (not recovered in time): what the outputs miss. */
  packets_dropped: number;
}

export interface WhipInputHealth {
  session_id: string;
  client_address: string;
  connected_at: string | null;
  ice_state: string;
  dtls_state: string;
  rtt_ms: number | null;
  packets_lost: number;
  nacks_sent: number;
  plis_sent: number;
  /** H.264 as sent (not transcoded): profile and level, and the size from its SPS once seen. */
  video: { codec: 'H264'; profile: string; level: string | null; width: number | null; height: number | null };
  /** Opus from the publisher, encoded to AAC for the outputs. */
  audio: { codec: 'opus'; channels: number; transcoded_to: 'aac' } | null;
}

export interface RtmpInputHealth {
  client_address: string;
  encoder: string | null;
  video_codec: string | null;
  audio_codec: string | null;
  width: number | null;
  height: number | null;
  frame_rate: number | null;
  video_kbps: number | null;
  audio_kbps: number | null;
  connected_at: string;
}

export interface FileInputHealth {
  media_id: string;
  duration_ms: number;
  position_ms: number;
  loops: number;
  loop: boolean;
}

/** Live state of an output's process or socket (absent while it is not meant to run). */
export interface OutputRuntime {
  state: 'stopped' | 'starting' | 'running' | 'backoff' | 'failed' | 'stopping';
  since: string;
  pid: number | null;
  restarts: number;
  last_error: string | null;
  next_retry_at: string | null;
  started_at: string | null;
  uptime_seconds: number | null;
  /** SRT: a peer is connected; null for protocols without that notion. */
  connected: boolean | null;
  bytes_out: number;
  bitrate_bps: number;
  queue_bytes: number;
  dropped_bytes: number;
  /** SRT outputs: live statistics of the SRT connection (sender side). */
  srt: {
    at: string;
    rtt_ms: number;
    send_rate_mbps: number;
    bandwidth_mbps: number;
    latency_ms: number;
    buffer_ms: number;
    packets_sent: number;
    packets_retransmitted: number;
    packets_lost: number;
    packets_dropped: number;
  } | null;
  /** RTMP outputs: FFmpeg's progress. */
  ffmpeg: {
    at: string;
    out_time_seconds: number | null;
    speed: number | null;
    bitrate_kbps: number | null;
    frames: number | null;
    fps: number | null;
    drop_frames: number | null;
  } | null;
}

/** Every kind of entry in the event log, `domain.verb`. */
export const EVENT_TYPES = [
  'channel.started',
  'channel.stopped',
  'output.started',
  'output.stopped',
  'config.changed',
  'output.running',
  'output.failed',
  'output.stalled',
  'output.recovered',
  'input.lost',
  'input.restored',
  'input.error',
  'input.connected',
  'input.disconnected',
  'input.rejected',
  'input.restarted',
  'input.looped',
  'input.ended',
  'input.failover',
  'input.switched',
  'input.slate_on',
  'input.slate_off',
  'input.video_black',
  'input.video_frozen',
  'input.video_ok',
  'channel.scte35_cue',
  'medialive.state_changed',
  'medialive.alert',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type EventSeverity = 'info' | 'warning' | 'error';

export interface EventRecord {
  /** Monotonic; use as the cursor (`before`) for the next page. */
  id: string;
  at: string;
  type: EventType;
  severity: EventSeverity;
  channel_id: string | null;
  channel_name: string | null;
  output_id: string | null;
  output_name: string | null;
  /** Who caused it (user name or token:name); null for what the system saw by itself. */
  actor: string | null;
  message: string;
  details: Record<string, unknown> | null;
}

export interface EventPage {
  events: EventRecord[];
  /** Pass as `before` to get the next (older) page; null when there is none. */
  next_cursor: string | null;
}

/** Live status of one output, as pushed to dashboards. No URLs: nothing secret travels here. */
export interface OutputStatus {
  id: string;
  name: string;
  protocol: OutputProtocol;
  enabled: boolean;
  desired_state: DesiredState;
  runtime: OutputRuntime | null;
}

export interface ChannelStatus {
  channel_id: string;
  name: string;
  input_type: InputType;
  desired_state: DesiredState;
  runtime: ChannelRuntime | null;
  outputs: OutputStatus[];
}

export interface StatusSnapshot {
  at: string;
  channels: ChannelStatus[];
}

/** One decoded SCTE-35 splice_info_section, as seen on the channel's input (times in seconds). */
export interface Scte35CueRecord {
  /** Arrival time. */
  at: string;
  pid: number;
  crc_valid: boolean;
  pts_adjustment: number;
  tier: number;
  command_type: 'splice_null' | 'splice_insert' | 'time_signal' | 'bandwidth_reservation' | 'private_command' | 'splice_schedule' | 'unknown';
  splice_insert?: {
    event_id: number;
    cancel: boolean;
    out_of_network: boolean;
    immediate: boolean;
    splice_time_pts?: number;
    splice_time_seconds?: number;
    break_duration_seconds?: number;
    auto_return?: boolean;
    unique_program_id: number;
    avail_num: number;
    avails_expected: number;
  };
  time_signal?: { pts_time?: number; seconds?: number };
  segmentation?: Array<{
    event_id: number;
    cancel: boolean;
    type_id: number;
    type_name: string;
    upid_type: number;
    upid_type_name: string;
    upid: { hex: string; text?: string };
    duration_seconds?: number;
    segment_num: number;
    segments_expected: number;
  }>;
  /** Seconds between the program clock at arrival and the splice time (negative: late). */
  preroll_seconds?: number;
  decode_error?: string;
  /** The whole section, base64, for re-decoding with any tool. */
  raw: string;
}

export interface ErrorCounterRecord {
  count: number;
  last_at: string | null;
}

/** Analysis of the stream itself (ETSI TR 101 290 priority 1 and more), on the channel's input. */
export interface StreamAnalysis {
  state: 'no_signal' | 'receiving' | 'degraded';
  packets: number;
  bitrate_1s_bps: number;
  bitrate_10s_bps: number;
  ms_since_last_packet: number | null;
  tr101290: {
    sync_loss: ErrorCounterRecord;
    sync_byte_error: ErrorCounterRecord;
    pat_error: ErrorCounterRecord;
    cc_error: ErrorCounterRecord;
    pmt_error: ErrorCounterRecord;
    pid_error: ErrorCounterRecord;
    transport_error: ErrorCounterRecord;
    crc_error: ErrorCounterRecord;
    pcr_repetition_error: ErrorCounterRecord;
    pcr_discontinuity: ErrorCounterRecord;
  };
  programs: Array<{ number: number; pmt_pid: number; pcr_pid: number | null; streams: Array<{ pid: number; stream_type: number; codec: string; kind: string; language?: string }> }>;
  pids: Array<{ pid: number; name: string; codec: string | null; packets: number; cc_errors: number; bitrate_bps: number }>;
  scte35: { pids: number[]; cues: number; crc_errors: number; last_cue_at: string | null };
}

/** GET /api/nodes: one service process of the cluster (docs/multi-node.md). */
export interface NodeResponse {
  id: string;
  name: string;
  /** up: a heartbeat within NODE_DOWN_AFTER_MS; down: none since (killed, frozen, cut off); stopped: shut down cleanly. */
  state: 'up' | 'down' | 'stopped';
  /** The node that answered this request. */
  self: boolean;
  addresses: string[];
  version: string;
  node_version: string;
  started_at: string;
  heartbeat_at: string;
  /** Since the last heartbeat, by the database's clock (nodes' clocks need not agree). */
  heartbeat_age_ms: number;
  stopped_at: string | null;
  /** Hands its channels to other nodes one by one and takes no new ones (drain); kept across restarts until undrained. */
  draining: boolean;
  load: NodeLoad;
}

export interface NodeLoad {
  channels: number;
  outputs_running: number;
  bitrate_in_bps: number;
  bitrate_out_bps: number;
  /** The service process, % of one core, since the previous heartbeat (its children not included). */
  cpu_percent: number;
  /** The machine's 1-minute load average. */
  load_average_1m: number;
}
