// Messages between the benchmark and its receiver process (Node IPC, JSON).
import type { VerifierResult } from './stream-verifier.js';

export interface ReceiverInit {
  feedPath: string;
  bitrate: number;
  scte35Pid: number;
  cueOffsets: number[];
  sampleEvery: number;
  searchLimit: number;
  maxLifetimeMs: number;
}

export type ReceiverRequest =
  | { op: 'init'; init: ReceiverInit }
  | { op: 'addSrt'; name: string; port: number; latencyMs: number; compare?: boolean }
  | { op: 'addUdp'; name: string; mode: 'udp' | 'rtp'; compare?: boolean }
  | { op: 'bytes' }
  | { op: 'ccErrors' }
  | { op: 'results' }
  | { op: 'loopDelay'; reset: boolean }
  | { op: 'stop' };

export interface ReceiverResult extends VerifierResult {
  name: string;
  kind: 'srt' | 'udp' | 'rtp';
  /** SRT: the receiving srt-live-transmit's PID and how often a peer connected. */
  pid?: number;
  connections?: number;
  /** SRT: the receiving side's totals (SRT statistics): packets lost on the way, dropped as too late, retransmitted, belated. */
  srtRecv?: { packets: number; lost: number; dropped: number; retransmitted: number; belated: number } | null;
  /** UDP/RTP: datagrams received, and RTP sequence accounting. */
  datagrams?: number;
  rtp?: { missing: number; outOfOrder: number; duplicates: number; invalid: number };
}

export type ReceiverReply = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: string };
