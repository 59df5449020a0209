/**
 * The limits of one node, their defaults and the bounds an admin may set. Pure: no Nest, no SQL.
 * Defaults are generous on purpose: they stop a runaway script or a typo, not normal use.
 */
export interface Limits {
  maxChannels: number;
  maxOutputsPerChannel: number;
  maxChildProcesses: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = { maxChannels: 100, maxOutputsPerChannel: 50, maxChildProcesses: 500 };

/** Inclusive bounds per limit, as the API names them. */
export const LIMIT_BOUNDS = {
  max_channels: { min: 1, max: 10_000 },
  max_outputs_per_channel: { min: 1, max: 1_000 },
  max_child_processes: { min: 1, max: 100_000 },
} as const;
export type LimitName = keyof typeof LIMIT_BOUNDS;

/**
 * Output protocols whose egress is a child process (srt-live-transmit, FFmpeg), as
 * libs/dataplane/src/egress/create-egress.ts builds them; udp and rtp are sockets in our process.
 */
export const SPAWNING_PROTOCOLS = ['srt', 'rtmp', 'rtmps'] as const;
