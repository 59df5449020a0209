import type { Scte35Cue } from '@mld/ts-analysis';
import type { TsSink } from '../fanout/fan-out.js';
import type { EgressSnapshot, EgressState, EgressTarget } from '../types.js';

/** One output of a channel: takes TS, sends it somewhere, reports how it goes. */
export interface Egress extends TsSink {
  readonly config: EgressTarget;
  start(): void;
  /** Resolves when everything it started is gone. */
  stop(): Promise<void>;
  /** Skips a pending backoff wait (and leaves `failed`). */
  retryNow(): void;
  snapshot(): EgressSnapshot;
  /** A SCTE-35 cue of the channel, for outputs that re-signal cues in their own format (RTMP ad markers). */
  cue?(cue: Scte35Cue): void;
}

/** A transition of an output, as its supervisor took it (the edge, not a rebuilt guess of it). */
export interface EgressStateChange {
  from: EgressState;
  to: EgressState;
  snapshot: EgressSnapshot;
  reason: string | undefined;
}

export type EgressStateListener = (change: EgressStateChange) => void;

export interface ToolPaths {
  srtLiveTransmit: string;
  ffmpeg: string;
}

export const DEFAULT_TOOLS: ToolPaths = { srtLiveTransmit: 'srt-live-transmit', ffmpeg: 'ffmpeg' };
