export const OUTPUT_PROTOCOLS = ['srt', 'rtmp', 'rtmps', 'udp', 'rtp'] as const;
export type OutputProtocol = (typeof OUTPUT_PROTOCOLS)[number];

export const DESIRED_STATES = ['running', 'stopped'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];
