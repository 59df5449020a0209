import type { DesiredState, InputType, OutputProtocol } from './protocols.js';
import type { OutputOptions } from './output-url.js';
import type { Role } from './roles.js';

/**
 * JSON shapes of the REST API (snake_case on the wire). The API's response DTO classes
 * implement these; the dashboard consumes them.
 */

export interface ChannelInput {
  type: InputType;
  bind_ip: string;
  port: number;
  /** Source-specific multicast: only accept the group from this sender. */
  source_ip: string | null;
  /** Local interface address used to join a multicast group. */
  interface_ip: string | null;
}

export interface ChannelResponse {
  id: string;
  name: string;
  description: string;
  input_type: InputType;
  bind_ip: string;
  port: number;
  source_ip: string | null;
  interface_ip: string | null;
  /** Seed-compatible alias of bind_ip. */
  rtp_ip: string;
  /** Seed-compatible alias of port. */
  rtp_port: number;
  desired_state: DesiredState;
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
  uptime_seconds: number;
  database: { status: 'up' | 'down'; embedded: boolean; latency_ms: number | null; error?: string };
}
