import type { Scte35Cue } from './scte35-cue.js';
import type { PidType, StreamKind } from './stream-types.js';

export type InputState = 'no_signal' | 'receiving' | 'degraded';

export interface TsAnalyzerOptions {
  /** No packet for longer than this: `no_signal`. Default 2000 ms. */
  noSignalAfterMs?: number;
  /** A priority-1 error or reported transport loss within this window: `degraded`. Default 10 000 ms. */
  degradedWindowMs?: number;
  /** TR 101 290 1.3.a: longest gap between PAT sections. Default 500 ms. */
  patIntervalMs?: number;
  /** TR 101 290 1.5.a: longest gap between PMT sections of each program. Default 500 ms. */
  pmtIntervalMs?: number;
  /** TR 101 290 1.6 "user specified period" a referenced PID may go unseen. Default 5000 ms. */
  pidTimeoutMs?: number;
  /**
   * Stream kinds the PID_error check applies to. Default video and audio: SCTE-35, subtitle,
   * teletext and metadata PIDs are legitimately silent for minutes.
   */
  pidErrorKinds?: readonly StreamKind[];
  /** TR 101 290 2.3a: longest gap between PCR arrivals on a PCR PID. Default 100 ms (DVB asks 40). */
  pcrRepetitionMs?: number;
  /** TR 101 290 2.3b: largest PCR step without discontinuity_indicator. Default 100 ms. */
  pcrDiscontinuityMs?: number;
  /** Consecutive bad sync bytes that lose sync (TR 101 290 5.2.1 recommends 2). */
  syncLossAfter?: number;
  /** Consecutive good sync bytes that (re)acquire sync (TR 101 290 5.2.1 recommends 5). */
  syncAcquireAfter?: number;
  /** Cues kept for recentCues(). Default 100. */
  maxCues?: number;
  /** PIDs to read SCTE-35 from whatever the PMT says (in addition to stream_type 0x86 PIDs). */
  scte35Pids?: readonly number[];
  /** Every splice_info_section as it completes. Exceptions are caught and counted (`callbackErrors`). */
  onCue?: (cue: Scte35Cue) => void;
  /** Input state changes, evaluated on tick(). Exceptions are caught and counted. */
  onStateChange?: (from: InputState, to: InputState, atMs: number) => void;
}

export interface ErrorCounter {
  count: number;
  /** ms (caller's clock) of the latest occurrence, or null. */
  lastAt: number | null;
}

export interface Tr101290Snapshot {
  // Priority 1
  syncLoss: ErrorCounter;
  syncByteError: ErrorCounter;
  patError: ErrorCounter;
  ccError: ErrorCounter;
  pmtError: ErrorCounter;
  pidError: ErrorCounter;
  // Priority 2 (cheap, kept apart: they do not make the input `degraded`)
  transportError: ErrorCounter;
  crcError: ErrorCounter;
  pcrRepetitionError: ErrorCounter;
  pcrDiscontinuity: ErrorCounter;
}

export type Tr101290Check = keyof Tr101290Snapshot;

export const PRIORITY_1_CHECKS: readonly Tr101290Check[] = ['syncLoss', 'syncByteError', 'patError', 'ccError', 'pmtError', 'pidError'];

export function newTr101290Counters(): Tr101290Snapshot {
  const c = (): ErrorCounter => ({ count: 0, lastAt: null });
  return {
    syncLoss: c(),
    syncByteError: c(),
    patError: c(),
    ccError: c(),
    pmtError: c(),
    pidError: c(),
    transportError: c(),
    crcError: c(),
    pcrRepetitionError: c(),
    pcrDiscontinuity: c(),
  };
}

export interface PidSnapshot {
  pid: number;
  type: PidType;
  name: string;
  streamType: number | null;
  codec: string | null;
  packets: number;
  ccErrors: number;
  /** Bits per second over the last completed second (updated by tick()/snapshot()). */
  bitrate: number;
  lastSeenAt: number;
}

export interface StreamSnapshot {
  pid: number;
  streamType: number;
  codec: string;
  kind: StreamKind;
  language?: string;
  descriptorsSummary: string[];
}

export interface ProgramSnapshot {
  number: number;
  pmtPid: number;
  /** null until the program's PMT has been received. */
  pcrPid: number | null;
  pmtVersion: number | null;
  descriptorsSummary: string[];
  streams: StreamSnapshot[];
}

export interface TsAnalysisSnapshot {
  /** Time the snapshot describes (ms, caller's clock). */
  at: number;
  packets: number;
  bytes: number;
  /** Bytes of chunks that were not a whole number of packets (not analysed). */
  ignoredBytes: number;
  bitrate1s: number;
  bitrate10s: number;
  lastPacketAt: number | null;
  msSinceLastPacket: number | null;
  state: InputState;
  /** TS_sync_loss hysteresis state: false from a sync loss until enough good sync bytes follow. */
  synced: boolean;
  tr101290: Tr101290Snapshot;
  /** Packet loss the owner saw below TS (RTP sequence gaps), via reportTransportLoss(). */
  transportLoss: ErrorCounter;
  transportStreamId: number | null;
  pids: PidSnapshot[];
  programs: ProgramSnapshot[];
  scte35: {
    pids: number[];
    cues: number;
    crcErrors: number;
    decodeErrors: number;
    lastCueAt: number | null;
  };
  /** onCue / onStateChange callbacks that threw (the analysis carried on). */
  callbackErrors: number;
}
