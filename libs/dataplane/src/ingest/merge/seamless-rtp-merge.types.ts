// Options and counters of SeamlessRtpMerge (ADR 0014).
import type { PathSequenceTracker } from './path-sequence-tracker.js';

export const DEFAULT_MERGE_WINDOW_MS = 200;
/** How long a gap is held when only one path is alive: plain reorder, as a single-path input waits. */
export const DEFAULT_SINGLE_PATH_DELAY_MS = 40;

export interface SeamlessRtpMergeOptions {
  paths: number;
  /** Payloads (whole TS packets), in sequence order; a view of the datagram, never reused. */
  emit: (ts: Buffer) => void;
  /** Payloads refused for damaged sync bytes (analysed, never forwarded). */
  onRejectedTs?: (ts: Buffer) => void;
  /** How long a missing packet is waited for (from the first packet behind it) while another path is alive. */
  windowMs?: number;
  singlePathDelayMs?: number;
  /** Packets the merge can hold or remember; a power of two larger than the window at the highest rate. */
  capacity?: number;
  /** A sequence jump this large means the sender restarted, not that packets were lost. */
  resyncThreshold?: number;
}

export interface MergePathCounters {
  datagrams: number;
  bytes: number;
  malformed: number;
  /** Valid RTP datagrams carrying whole TS packets. */
  received: number;
  /** Copies that went to the output (this path's copy came first). */
  used: number;
  /** Arrived after the merge had given its packet up (the window was too short for this path). */
  late: number;
  /** Average of how much later than the first copy this path's copies arrive (ms, EWMA). */
  behindMs: number;
  lastPacketAt: number | null;
  ssrc: number | null;
  sequence: PathSequenceTracker;
}

export interface MergeStats {
  emitted: number;
  tsBytes: number;
  /** Sequence numbers no path delivered within the window. */
  lost: number;
  /** Packets emitted from behind a gap that another copy (or a late one) filled. */
  reordered: number;
  resyncs: number;
  ssrcChanges: number;
  malformedReasons: Record<string, number>;
}
