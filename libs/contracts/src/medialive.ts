/** The AWS MediaLive module's REST and socket shapes (snake_case like the rest of the API). */

export interface MediaLiveStatus {
  enabled: boolean;
  /** Why the module is disabled, and how to enable it. */
  reason?: string;
  region?: string;
  /** Set when AWS_ENDPOINT_URL_MEDIALIVE overrides the endpoint. */
  endpoint?: string | null;
  /** Last time MediaLive refused a call for throttling (ISO 8601), null when never. */
  last_throttled_at?: string | null;
}

/** One UDP/RTP destination of a UDP output group, per pipeline (index 0 = pipeline 0). */
export interface MediaLiveUdpDestination {
  output_group: string;
  output: string;
  destination_id: string;
  /** Pipeline 0 first; an empty string when that pipeline is not wired. */
  urls: string[];
  scte35_control: string | null;
  scte35_pid: number | null;
  fec: string | null;
  buffer_msec: number | null;
}

export interface MediaLiveLinkResponse {
  medialive_channel_id: string;
  channel_id: string;
  channel_name: string;
  pipeline0_url: string;
  /** Recorded for the backup input, which arrives with the redundancy issue; not wired yet. */
  pipeline1_url: string | null;
  linked_at: string;
  linked_by: string;
}

export interface MediaLiveChannelResponse {
  id: string;
  name: string;
  arn: string;
  state: string;
  channel_class: string;
  pipelines_running: number;
  input_attachments: Array<{ name: string; input_id: string }>;
  udp_destinations: MediaLiveUdpDestination[];
  link: MediaLiveLinkResponse | null;
}

export type PreflightStatus = 'pass' | 'warn' | 'fail';

export interface PreflightResult {
  check: string;
  status: PreflightStatus;
  message: string;
  /** The MediaLive setting to change (path as in the console/API), when status is not pass. */
  setting?: string;
  /** The value it should have. */
  expected?: string;
}

export interface MediaLivePreflightResponse {
  medialive_channel_id: string;
  status: PreflightStatus;
  results: PreflightResult[];
}

export interface MediaLiveActionResponse {
  medialive_channel_id: string;
  state: string;
  /** Preflight run because the channel is linked; the start is not refused for warnings. */
  preflight?: MediaLivePreflightResponse;
}

export interface MediaLiveFixChange {
  setting: string;
  from: string;
  to: string;
}

export interface MediaLiveFixResponse {
  medialive_channel_id: string;
  applied: boolean;
  changes: MediaLiveFixChange[];
}

export const MEDIALIVE_INPUT_TYPES = ['RTP_PUSH', 'RTMP_PUSH', 'SRT_CALLER'] as const;
export type MediaLiveInputType = (typeof MEDIALIVE_INPUT_TYPES)[number];

export interface MediaLiveInputResponse {
  id: string;
  name: string;
  type: string;
  state: string;
  security_group_ids: string[];
  /** Where an encoder sends to (push inputs); for SRT_CALLER the listener MediaLive calls. */
  endpoints: string[];
}

export interface MediaLiveAlertResponse {
  id: string;
  type: string;
  message: string;
  pipeline: string;
  state: string;
  set_at: string | null;
}

/** Pushed over Socket.IO while a start or stop is in progress. */
export interface MediaLiveProgress {
  medialive_channel_id: string;
  medialive_channel_name: string;
  action: 'start' | 'stop';
  state: string;
  previous_state: string | null;
  elapsed_ms: number;
  done: boolean;
  /** Why the start or stop failed (AWS's message or the channel's alerts). */
  error?: string;
}
