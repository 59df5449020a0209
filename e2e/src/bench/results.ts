// What one benchmark configuration measured, and the small statistics used to get there.
import { DATAGRAM_BYTES } from './looped-stream.js';
import type { ProcessUsage, WindowUsage } from './proc.js';
import type { DerivedStandby } from './backup-results.js';
import type { DerivedInput, InputReferenceRun } from './input-results.js';
import type { InputKind } from './options.js';
import type { ReceiverResult } from './receiver-protocol.js';

export interface Distribution {
  n: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

export function distribution(values: number[]): Distribution {
  if (values.length === 0) return { n: 0, p50: null, p99: null, max: null };
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { n: s.length, p50: q(0.5), p99: q(0.99), max: s[s.length - 1]! };
}

/** CPU (% of one core, summed) and RSS (mean VmRSS, summed) of a set of processes. */
export interface GroupUsage {
  processes: number;
  cpu: number;
  rss: number;
  /** Per process, for per-output figures. */
  members: Array<Pick<ProcessUsage, 'pid' | 'comm' | 'cpu' | 'rss' | 'rssMax' | 'wholeWindow' | 'cpuSeries'>>;
}

/**
 * `input-child`: the service's srt-live-transmit (SRT input) or FFmpeg remux (RTMP input);
 * `feeder`: the harness's SRT caller or FFmpeg publisher in front of an input; `input-tool`:
 * the bare tool an input is compared with.
 */
export type Role =
  | 'service'
  | 'srt-live-transmit'
  | 'ffmpeg'
  | 'postgres'
  | 'other'
  | 'sender'
  | 'receiver-node'
  | 'receiver-srt'
  | 'rtmp-server'
  | 'relay'
  | 'input-child'
  | 'feeder'
  | 'input-tool';

export interface PhaseUsage {
  label: string;
  seconds: number;
  roles: Partial<Record<Role, GroupUsage>>;
  /** TS the service's channels took in during the window (from their ts_bytes counters), bits/s in total. */
  ingestBps?: number;
  /** Event-loop delay of the sender (this process) and of the receiver process, ms. */
  loopDelay?: { sender: LoopDelay; receivers: LoopDelay | null };
  /** What each receiver got during the window, bits/s, by receiver name. */
  receiverBps?: Record<string, number>;
  /** Continuity errors each receiver saw during the window (where in the run damage happened). */
  receiverCcErrors?: Record<string, number>;
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export function summarize(label: string, w: WindowUsage, roleOf: (p: ProcessUsage) => Role): PhaseUsage {
  const roles: Partial<Record<Role, GroupUsage>> = {};
  for (const p of w.processes) {
    const role = roleOf(p);
    const g = (roles[role] ??= { processes: 0, cpu: 0, rss: 0, members: [] });
    g.processes++;
    g.cpu += p.cpu;
    g.rss += p.rss;
    g.members.push({ pid: p.pid, comm: p.comm, cpu: p.cpu, rss: p.rss, rssMax: p.rssMax, wholeWindow: p.wholeWindow, cpuSeries: p.cpuSeries });
  }
  return { label, seconds: w.seconds, roles };
}

export function cpuOf(phase: PhaseUsage | undefined, ...roles: Role[]): number {
  return roles.reduce((n, r) => n + (phase?.roles[r]?.cpu ?? 0), 0);
}

/**
 * Standard error of a role's CPU figure over a window, from its ~1 s samples (summed across
 * the role's processes): how far the window's mean may be from the process's true mean.
 */
export function cpuStdErr(phase: PhaseUsage | undefined, role: Role): number | null {
  const members = phase?.roles[role]?.members ?? [];
  if (members.length === 0) return null;
  const n = Math.min(...members.map((m) => m.cpuSeries.length));
  if (n < 3) return null;
  const xs = Array.from({ length: n }, (_, i) => members.reduce((a, m) => a + m.cpuSeries[i]!, 0));
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return Math.sqrt(variance / n);
}

export interface ReceiverSummary {
  name: string;
  channel: number;
  protocol: 'srt' | 'udp' | 'rtp';
  /** False when the stream is FFmpeg's remux (RTMP input, bare FFmpeg tools): only counted and inspected. */
  compared: boolean;
  /** Everything that arrived is identical to what was sent at its position (loss is judged by `complete`). */
  byteExact: boolean;
  /** It arrived from the first byte sent, without a gap, at least through the end of the main window. */
  complete: boolean;
  receivedBytes: number;
  verifiedBytes: number;
  /** Datagrams missing at the start or in gaps (1316-byte units). */
  lostDatagrams: number;
  ccErrors: number;
  cuesValid: number;
  cuesInvalid: number;
  cuesExpected: number;
  rtpMissing: number;
  /** Sent → arrived at this receiver, ms, over datagrams sent in the main window. */
  latency: Distribution;
  /** What it got during the main window, bits/s. */
  windowBps?: number;
  raw: Omit<ReceiverResult, 'samples'>;
}

/**
 * Judges one receiver's result; `mainEndPosition` is where the sender was when the main window
 * closed, `startPosition` where the output is meant to start (0 but for main/backup pairs).
 */
export function summarizeReceiver(
  r: ReceiverResult,
  channel: number,
  mainEndPosition: number,
  slackBytes: number,
  latency: number[],
  startPosition = 0,
): ReceiverSummary {
  const { samples: _samples, ...raw } = r;
  const lostBytes = Math.max(0, (r.firstPosition ?? 0) - startPosition) + r.gapBytes;
  return {
    name: r.name,
    channel,
    protocol: r.kind,
    compared: r.compared,
    byteExact: r.compared && r.verifiedBytes > 0 && r.unmatchedBytes === 0 && r.rewinds === 0,
    // Not compared: got a stream without losing TS sync (its rate is judged against the ingest's).
    complete: r.compared ? r.firstPosition !== null && r.firstPosition <= startPosition && r.gaps === 0 && (r.endPosition ?? 0) >= mainEndPosition - slackBytes : r.receivedBytes > 0 && r.syncLosses === 0,
    receivedBytes: r.receivedBytes,
    verifiedBytes: r.verifiedBytes,
    lostDatagrams: Math.round(lostBytes / DATAGRAM_BYTES),
    ccErrors: r.ccErrors,
    cuesValid: r.cues.valid,
    cuesInvalid: r.cues.invalid + r.cues.wrongPid,
    cuesExpected: r.cues.expected,
    rtpMissing: r.rtp?.missing ?? 0,
    latency: distribution(latency),
    raw,
  };
}

export interface OutputRecord {
  name: string;
  channel: number;
  protocol: 'srt' | 'udp' | 'rtp' | 'rtmp';
  id: string;
  pid: number | null;
  /** srt-live-transmit / ffmpeg child over the main window. */
  cpu: number | null;
  rss: number | null;
  restarts: number;
  droppedBytes: number;
  /** SRT outputs: packets srt-live-transmit dropped as too late (sender side), last read before removal. */
  srtDroppedPackets?: number | null;
  state: string;
}

/** The phase that measures the same service with its channels switched to RTP inputs (inputs other than RTP only). */
export const RTP_INGEST_PHASE = 'ingest only, RTP input';

export interface ServiceRun {
  input: InputKind;
  idle: { cpu: number; rss: number; seconds: number };
  main: PhaseUsage;
  /** Cost-split phases: 'without UDP/RTP', 'without UDP/RTP and RTMP', 'ingest only', and for other inputs than RTP 'ingest only, RTP input'. */
  phases: PhaseUsage[];
  outputs: OutputRecord[];
  channels: Array<{
    name: string;
    rtpLost: number;
    malformed: number;
    tsBytes: number;
    bitrateBps: number;
    state: string;
    /** TR 101 290 CC errors the channel's analysis saw on its input while the benchmark's input fed it (before any switch to RTP). */
    inputCcErrors?: number | null;
    inputCcLastAt?: string | null;
  }>;
  receivers: ReceiverSummary[];
  latency: { srt: Distribution; udp: Distribution };
  /** Absent when nothing was paced by the benchmark (RTMP and file inputs). */
  sender?: { datagrams: number; sendErrors: number; maxLatenessMs: number; lateOver10ms: number };
  rtmp?: { published: number; expected: number; recordingBytes: number };
  /** --backup: each channel's main/backup pair right after the main window (runtime.redundancy). */
  /** --backup: where the outputs are meant to start in the main's stream (its first PMT, ADR 0013). */
  outputStart?: number;
  pairs?: Array<{ name: string; active: 'main' | 'backup' | null; switches: number; mainHealthy: boolean; backupHealthy: boolean; backupBitrateBps: number; backupLost: number }>;
  /** Set when something about the run itself went wrong (not a measurement). */
  problems: string[];
}

export interface ReferenceRun {
  main: PhaseUsage;
  relays: Array<{ name: string; pid: number; cpu: number; rss: number }>;
  receivers: ReceiverSummary[];
  latency: Distribution;
  sender: { datagrams: number; sendErrors: number; maxLatenessMs: number; lateOver10ms: number };
  problems: string[];
}

export interface ConfigResult {
  label: string;
  input: InputKind;
  channels: number;
  outputsPerChannel: number;
  srtOutputs: number;
  udpOutputs: number;
  rtmpOutputs: number;
  udpMode: 'udp' | 'rtp';
  bitrate: number;
  seconds: number;
  latencyMs: number;
  startedAt: string;
  durationSeconds: number;
  service: ServiceRun;
  reference?: ReferenceRun;
  inputReference?: InputReferenceRun;
  derived: Derived;
  /** Input figures (service run and bare tool); absent for RTP inputs. */
  derivedInput?: DerivedInput;
  /** --backup: the hot-standby cost (pair vs main alone, same run). */
  standby?: DerivedStandby;
  targets: Target[];
  /** Every receiver byte-exact and complete, 0 CC errors, every cue valid, no loss anywhere. */
  held: boolean;
  heldReasons: string[];
  /**
   * The service kept pace: its channels took in the full rate during the window and SRT
   * receivers got the stream within twice the configured latency (added p99 ≤ latency).
   */
  keptUp: boolean;
  keptUpReasons: string[];
  /** The sender fell behind its pace for more than 1 % of the window's datagrams: figures are the harness's limit as much as the service's. */
  harnessSaturated: boolean;
}

export interface Derived {
  serviceCpu: number;
  servicePerChannel: number;
  serviceRss: number;
  rssPerChannelBeyondIdle: number;
  srtCpu: number;
  srtPerOutput: number | null;
  srtRssPerProcess: number | null;
  ffmpegCpu: number;
  ffmpegPerOutput: number | null;
  ffmpegRssPerProcess: number | null;
  postgresCpu: number;
  postgresRss: number;
  referencePerOutput: number | null;
  referenceRssPerProcess: number | null;
  ratioSrtToReference: number | null;
  /** srt-live-transmit child + the service's marginal cost of feeding it, per SRT output. */
  srtPerOutputWithFeed: number | null;
  ratioSrtWithFeedToReference: number | null;
  udpPerOutput: number | null;
  rtmpServicePerOutput: number | null;
  srtFeedPerOutput: number | null;
  ingestPerChannel: number | null;
  /** Standard errors of the figures above that are differences of two windows (± one standard error). */
  stdErr: { servicePerChannel: number | null; udpPerOutput: number | null; srtFeedPerOutput: number | null; rtmpServicePerOutput: number | null; ingestPerChannel: number | null };
  ingestPerChannelAt8M: number | null;
  addedLatency: { p50: number | null; p99: number | null };
  referenceAddedLatency: { p50: number | null; p99: number | null };
  harnessCpu: { sender: number; receiverNode: number; receiverSrt: number; rtmpServer: number; feeder: number; total: number };
  referenceHarnessCpu: { sender: number; receiverNode: number; receiverSrt: number; total: number } | null;
}

export interface Target {
  name: string;
  limit: string;
  measured: string;
  verdict: 'PASS' | 'FAIL' | 'n/a';
}
