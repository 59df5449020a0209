import { hostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';

/**
 * The whole runtime configuration, read from the environment once at boot.
 * Nothing else in the service reads process.env: a bad value stops the service here with a
 * message naming the variable, instead of failing later in some corner.
 */
export interface AppConfig {
  /** HTTP port; 0 picks a free port (tests). */
  port: number;
  /** Address the HTTP server binds. */
  host: string;
  dataDir: string;
  /** External PostgreSQL; when undefined an embedded server runs under dataDir/postgres. */
  databaseUrl: string | undefined;
  /** Port for the embedded PostgreSQL; 0 picks a free one at each start. */
  embeddedPostgresPort: number;
  adminUsername: string | undefined;
  adminPassword: string | undefined;
  /** HMAC key for access tokens; when undefined one is generated and kept in dataDir/jwt-secret. */
  jwtSecret: string | undefined;
  jwtTtlSeconds: number;
  /** Login attempts allowed per client address per minute. */
  loginRateLimitPerMinute: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** Colours in log lines: only on a terminal, and never when NO_COLOR is set (no-color.org). */
  logColors: boolean;
  /** Directory with the built dashboard, served at /. */
  dashboardDir: string;
  /** Run pending migrations at start (true unless explicitly disabled). */
  migrationsRun: boolean;
  /** Days of audit records kept. */
  auditRetentionDays: number;
  /** Serve /metrics without a token (for a Prometheus on a trusted network). */
  metricsPublic: boolean;
  /** Days of event log kept. */
  eventRetentionDays: number;
  /** FFmpeg executable (RTMP outputs). */
  ffmpegPath: string;
  /** srt-live-transmit executable (SRT outputs). */
  srtLiveTransmitPath: string;
  /** ffprobe executable (decides what an uploaded media file is). */
  ffprobePath: string;
  /** Largest media file an upload may carry, in bytes; larger ones are refused with 413. */
  mediaMaxUploadBytes: number;
  /** The host name or address encoders are told to send to (SRT URL to call, RTMP server URL); undefined: this node's first external IPv4. */
  publicHost: string | undefined;
  rtmpIngest: RtmpIngestConfig;
  /** WHIP (WebRTC) inputs: how publishers reach this node (docs/inputs.md, "WHIP"). */
  whip: WhipConfig;
  medialive: MediaLiveConfig;
  /** This process as a node of a cluster sharing one PostgreSQL (docs/multi-node.md). */
  node: NodeConfig;
}

export interface NodeConfig {
  /** NODE_ID: stable across restarts, unique per machine; default the host name. */
  id: string;
  name: string;
  /** The IPv4 addresses this node advertises (its inputs can bind them). */
  addresses: string[];
  /** NODE_ADDRESSES was set: the node owns those addresses only (else every address of its machine). */
  addressesGiven: boolean;
  /** A channel's ownership lease lasts this long without renewal (LEASE_TTL_MS): the takeover time after a node dies. */
  leaseTtlMs: number;
  heartbeatMs: number;
  /** No heartbeat for this long: the node is shown down. */
  downAfterMs: number;
}

/** The shared RTMP server every RTMP-input channel is published to (it listens while one such channel runs). */
export interface WhipConfig {
  /** Extra host candidate addresses (a host-networked node's public address). */
  hostAddresses: string[];
  /** UDP ports ICE may use, inclusive (open them in the firewall); undefined: any ephemeral port. */
  portRange: [number, number] | undefined;
  iceServers: { urls: string; username?: string; credential?: string }[];
}

export interface RtmpIngestConfig {
  bindIp: string;
  /** 0: any free port (tests). */
  port: number;
  /** RTMPS beside RTMP when a certificate and key are given. */
  tls: { port: number; certFile: string; keyFile: string } | undefined;
}

/**
 * The AWS MediaLive module. Credentials are not configured here: the SDK's standard chain
 * (environment, shared profile, container/instance role, web identity) finds them.
 */
export interface MediaLiveConfig {
  /** AWS_REGION; undefined disables the module (no AWS call is ever made). */
  region: string | undefined;
  /** AWS_ENDPOINT_URL_MEDIALIVE: the SDK's standard endpoint override (private endpoints, tests). */
  endpoint: string | undefined;
  /** How long list/describe answers are reused, so many dashboards do not multiply AWS calls. */
  cacheMs: number;
  /** How often a starting/stopping channel is polled for its state. */
  pollIntervalMs: number;
  /** A start or stop still unsettled after this is reported as failed. */
  transitionTimeoutMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function executable(env: Env, name: string, fallback: string): string {
  const value = optional(env, name) ?? fallback;
  if (!/^[\w./+-]+$/.test(value)) throw new ConfigError(`${name} must be a program name or path without spaces or shell characters, got "${value}"`);
  return value;
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): AppConfig {
  const databaseUrl = optional(env, 'DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const adminUsername = optional(env, 'ADMIN_USERNAME');
  if (adminUsername !== undefined && !/^[a-zA-Z0-9._-]{3,64}$/.test(adminUsername)) {
    throw new ConfigError('ADMIN_USERNAME must be 3-64 characters of letters, digits, ".", "_" or "-"');
  }
  const adminPassword = optional(env, 'ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters long');
  }
  const jwtSecret = optional(env, 'JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters long');
  }
  const logLevel = (optional(env, 'LOG_LEVEL') ?? 'log') as AppConfig['logLevel'];
  if (!['error', 'warn', 'log', 'debug', 'verbose'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of error, warn, log, debug, verbose, got "${logLevel}"`);
  }
  const host = optional(env, 'HOST') ?? '0.0.0.0';
  if (!/^[0-9a-fA-F.:]+$|^localhost$/.test(host)) throw new ConfigError(`HOST must be an IP address, got "${host}"`);
  return {
    port: int(env, 'PORT', 8000, 0, 65535),
    host,
    dataDir: resolve(cwd, optional(env, 'DATA_DIR') ?? 'data'),
    databaseUrl,
    embeddedPostgresPort: int(env, 'EMBEDDED_POSTGRES_PORT', 0, 0, 65535),
    adminUsername,
    adminPassword,
    jwtSecret,
    jwtTtlSeconds: int(env, 'JWT_TTL_SECONDS', 3600, 60, 7 * 24 * 3600),
    loginRateLimitPerMinute: int(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 10, 1, 10000),
    logLevel,
    logColors: optional(env, 'NO_COLOR') === undefined,
    dashboardDir: resolve(cwd, optional(env, 'DASHBOARD_DIR') ?? 'dist/apps/dashboard/browser'),
    migrationsRun: bool(env, 'MIGRATIONS_RUN', true),
    auditRetentionDays: int(env, 'AUDIT_RETENTION_DAYS', 90, 1, 3650),
    metricsPublic: bool(env, 'METRICS_PUBLIC', false),
    eventRetentionDays: int(env, 'EVENT_RETENTION_DAYS', 30, 1, 3650),
    ffmpegPath: executable(env, 'FFMPEG_PATH', 'ffmpeg'),
    srtLiveTransmitPath: executable(env, 'SRT_LIVE_TRANSMIT_PATH', 'srt-live-transmit'),
    ffprobePath: executable(env, 'FFPROBE_PATH', 'ffprobe'),
    mediaMaxUploadBytes: int(env, 'MEDIA_MAX_UPLOAD_BYTES', 4 * 1024 ** 3, 1, 1024 ** 4),
    publicHost: publicHost(env),
    rtmpIngest: rtmpIngestConfig(env),
    whip: whipConfig(env),
    medialive: medialiveConfig(env),
    node: nodeConfig(env),
  };
}

/** This machine's non-internal IPv4 addresses, in interface order. */
function localIpv4Addresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a): a is NonNullable<typeof a> => !!a && a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

function nodeConfig(env: Env): NodeConfig {
  const id = optional(env, 'NODE_ID') ?? hostname();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(id)) throw new ConfigError(`NODE_ID must be 1-63 letters, digits, ".", "_" or "-" starting with a letter or digit, got "${id}"`);
  const name = optional(env, 'NODE_NAME') ?? id;
  if (name.length > 100 || /[\u0000-\u001f]/.test(name)) throw new ConfigError('NODE_NAME must be at most 100 characters, without control characters');
  const given = optional(env, 'NODE_ADDRESSES');
  const addresses = given === undefined ? localIpv4Addresses() : given.split(',').map((a) => a.trim()).filter(Boolean);
  for (const a of addresses) if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(a) || a.split('.').some((o) => Number(o) > 255)) throw new ConfigError(`NODE_ADDRESSES must be IPv4 addresses separated by commas, got "${a}"`);
  const heartbeatMs = int(env, 'NODE_HEARTBEAT_MS', 1000, 100, 60_000);
  const downAfterMs = int(env, 'NODE_DOWN_AFTER_MS', 5000, 300, 600_000);
  if (downAfterMs < 2 * heartbeatMs) throw new ConfigError(`NODE_DOWN_AFTER_MS (${downAfterMs}) must be at least twice NODE_HEARTBEAT_MS (${heartbeatMs}): one late beat must not show a node down`);
  const leaseTtlMs = int(env, 'LEASE_TTL_MS', 4000, 1000, 600_000);
  return { id, name, addresses, addressesGiven: given !== undefined, heartbeatMs, downAfterMs, leaseTtlMs };
}

function publicHost(env: Env): string | undefined {
  const value = optional(env, 'PUBLIC_HOST');
  if (value !== undefined && !/^[a-zA-Z0-9.-]{1,253}$/.test(value)) throw new ConfigError(`PUBLIC_HOST must be a host name or IPv4 address, got "${value}"`);
  return value;
}

function rtmpIngestConfig(env: Env): RtmpIngestConfig {
  const bindIp = optional(env, 'RTMP_INGEST_BIND') ?? '0.0.0.0';
  if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(bindIp)) throw new ConfigError(`RTMP_INGEST_BIND must be an IPv4 address, got "${bindIp}"`);
  const certFile = optional(env, 'RTMPS_CERT_FILE');
  const keyFile = optional(env, 'RTMPS_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new ConfigError('RTMPS_CERT_FILE and RTMPS_KEY_FILE go together: give both for RTMPS ingest, or neither');
  return {
    bindIp,
    port: int(env, 'RTMP_INGEST_PORT', 1935, 0, 65535),
    tls: certFile && keyFile ? { port: int(env, 'RTMPS_INGEST_PORT', 1936, 0, 65535), certFile, keyFile } : undefined,
  };
}

function whipConfig(env: Env): WhipConfig {
  const hosts = (optional(env, 'WHIP_HOST_ADDRESSES') ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  for (const h of hosts) if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(h)) throw new ConfigError(`WHIP_HOST_ADDRESSES must be IPv4 addresses separated by commas, got "${h}"`);
  const range = optional(env, 'WHIP_UDP_PORTS');
  let portRange: [number, number] | undefined;
  if (range !== undefined) {
    const m = /^(\d{1,5})-(\d{1,5})$/.exec(range);
    const [min, max] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    if (!m || min < 1024 || max > 65535 || max <= min) throw new ConfigError(`WHIP_UDP_PORTS must be a range "min-max" of UDP ports (1024-65535, min < max), got "${range}"`);
    portRange = [min, max];
  }
  // STUN/TURN servers: "stun:host:3478,turn:user:pass@host:3478" (TURN credentials inline, never logged).
  const iceServers = (optional(env, 'WHIP_ICE_SERVERS') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
    .map((u) => {
      const m = /^(stun|turns?):(?:([^:@]+):([^@]+)@)?([a-zA-Z0-9.-]+(?::\d{1,5})?(?:\?transport=(?:udp|tcp))?)$/.exec(u);
      if (!m) throw new ConfigError('WHIP_ICE_SERVERS must be stun:host[:port] or turn:user:password@host[:port], separated by commas');
      return m[2] ? { urls: `${m[1]}:${m[4]}`, username: m[2], credential: m[3] } : { urls: `${m[1]}:${m[4]}` };
    });
  return { hostAddresses: hosts, portRange, iceServers };
}

function medialiveConfig(env: Env): MediaLiveConfig {
  const region = optional(env, 'AWS_REGION');
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new ConfigError(`AWS_REGION must be a region name like eu-west-1, got "${region}"`);
  const endpoint = optional(env, 'AWS_ENDPOINT_URL_MEDIALIVE');
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) throw new ConfigError(`AWS_ENDPOINT_URL_MEDIALIVE must be an http(s) URL, got "${endpoint}"`);
  return {
    region,
    endpoint,
    cacheMs: int(env, 'MEDIALIVE_CACHE_MS', 5000, 0, 600_000),
    pollIntervalMs: int(env, 'MEDIALIVE_POLL_INTERVAL_MS', 5000, 50, 600_000),
    transitionTimeoutMs: int(env, 'MEDIALIVE_TRANSITION_TIMEOUT_SECONDS', 900, 1, 86_400) * 1000,
  };
}

/** Injection token for the AppConfig value. */
export const APP_CONFIG = Symbol('APP_CONFIG');
