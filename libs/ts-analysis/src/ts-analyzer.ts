// Streaming analysis of one channel's TS: counters, bitrates, ETSI TR 101 290 priority-1 checks
// (and the cheap priority-2 ones), PAT/PMT and every SCTE-35 section. It reads the caller's
// buffers and never writes them. Per packet it does a handful of typed-array reads and writes
// and no allocation; objects are only made per PSI/SCTE-35 section and in snapshot().
import {
  ContinuityTracker,
  isContinuityError,
  MAX_PID,
  NULL_PID,
  SCTE35_TABLE_ID,
  SectionAssembler,
  TS_PACKET_SIZE,
  TS_SYNC_BYTE,
  tsDiscontinuity,
  tsHasAdaptationField,
  tsPcr,
  tsPid,
  tsScrambling,
  tsTransportError,
} from '@mld/mpegts';
import { CueLog } from './cue-log.js';
import { PcrMonitor } from './pcr-monitor.js';
import { PidCounters } from './pid-counters.js';
import { PidErrorWatch } from './pid-error-watch.js';
import { type PidLayout, pidIdentity, planLayout, ROLE_NONE, ROLE_PAT, ROLE_PMT, ROLE_SCTE35 } from './pid-layout.js';
import { PsiTracker } from './psi-tracker.js';
import { RateWindow } from './rate-window.js';
import { buildCue, type Scte35Cue } from './scte35-cue.js';
import type { StreamKind } from './stream-types.js';
import {
  type ErrorCounter,
  type InputState,
  newTr101290Counters,
  type PidSnapshot,
  PRIORITY_1_CHECKS,
  type Tr101290Check,
  type Tr101290Snapshot,
  type TsAnalysisSnapshot,
  type TsAnalyzerOptions,
} from './types.js';

const PID_COUNT = MAX_PID + 1;

type Settings = Required<Omit<TsAnalyzerOptions, 'onCue' | 'onStateChange'>>;

const DEFAULTS: Settings = {
  noSignalAfterMs: 2000,
  degradedWindowMs: 10_000,
  patIntervalMs: 500,
  pmtIntervalMs: 500,
  pidTimeoutMs: 5000,
  pidErrorKinds: ['video', 'audio'],
  pcrRepetitionMs: 100,
  pcrDiscontinuityMs: 100,
  syncLossAfter: 2,
  syncAcquireAfter: 5,
  maxCues: 100,
  scte35Pids: [],
};

const PRIORITY_1: ReadonlySet<Tr101290Check> = new Set(PRIORITY_1_CHECKS);

/**
 * One channel's analysis, composed of cohesive parts: sync acquisition and the per-packet path
 * live here; continuity (ContinuityTracker), PCR checks (PcrMonitor), PID_error (PidErrorWatch),
 * PAT/PMT (PsiTracker), per-PID counters (PidCounters) and the cue log (CueLog) are their own units.
 */
export class TsAnalyzer {
  private readonly o: Settings;
  private readonly pidErrorKinds: ReadonlySet<StreamKind>;
  private readonly errors = newTr101290Counters();
  private lastP1At = Number.NEGATIVE_INFINITY;
  private readonly transportLoss: ErrorCounter = { count: 0, lastAt: null };
  private state: InputState = 'no_signal';
  private clock = 0;
  /** Arrival time of the packet being analysed (for section callbacks). */
  private at = 0;

  private packets = 0;
  private bytes = 0;
  private ignoredBytes = 0;
  private lastPacketAt = -1;
  private readonly rate = new RateWindow(100, 100);

  // TS_sync_loss hysteresis. Packets seen while acquiring wait in `pending` (one copy, only then)
  // and are analysed once sync is confirmed, so nothing at the start of a stream is skipped.
  private synced = false;
  private badRun = 0;
  private goodRun = 0;
  private readonly pending: Buffer;
  private readonly pendingAt: Float64Array;

  private readonly pids = new PidCounters();
  private readonly continuity = new ContinuityTracker();
  private readonly pcr: PcrMonitor;
  private readonly pidWatch: PidErrorWatch;

  private readonly role = new Uint8Array(PID_COUNT);
  private readonly assemblers: (SectionAssembler | undefined)[] = new Array<SectionAssembler | undefined>(PID_COUNT);
  private rolePids: number[] = [];
  private readonly psi: PsiTracker;
  private layout: PidLayout;

  private readonly cues: CueLog;
  private callbackErrors = 0;

  constructor(private readonly options: TsAnalyzerOptions = {}) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.o = { ...DEFAULTS, ...given } as Settings;
    for (const [k, v] of Object.entries(this.o)) {
      if (typeof v === 'number' && !(Number.isFinite(v) && v >= (k === 'maxCues' ? 0 : 1))) throw new RangeError(`option ${k} must be a positive number`);
    }
    this.pidErrorKinds = new Set(this.o.pidErrorKinds);
    const raise = (check: Tr101290Check, at: number): void => this.raise(check, at);
    this.pcr = new PcrMonitor(this.o.pcrRepetitionMs, this.o.pcrDiscontinuityMs, raise);
    this.pidWatch = new PidErrorWatch(this.o.pidTimeoutMs, this.pids.lastSeen, raise);
    this.cues = new CueLog(this.o.maxCues);
    this.pending = Buffer.alloc(this.o.syncAcquireAfter * TS_PACKET_SIZE);
    this.pendingAt = new Float64Array(this.o.syncAcquireAfter);
    this.psi = new PsiTracker(
      this.o.patIntervalMs,
      this.o.pmtIntervalMs,
      raise,
      (at) => this.relayout(at),
    );
    this.layout = planLayout([], this.o.scte35Pids, this.pidErrorKinds);
    this.relayout(0);
  }

  /** Feeds a chunk of whole 188-byte packets received at `nowMs`. Never modifies `chunk`. */
  push(chunk: Buffer, nowMs: number): void {
    if (nowMs > this.clock) this.clock = nowMs;
    if (this.lastPacketAt < 0 || nowMs - this.lastPacketAt > this.o.noSignalAfterMs) this.resume(nowMs);
    this.lastPacketAt = nowMs;
    this.bytes += chunk.length;
    this.rate.add(nowMs, chunk.length);
    const end = chunk.length - (chunk.length % TS_PACKET_SIZE);
    this.ignoredBytes += chunk.length - end;
    for (let off = 0; off < end; off += TS_PACKET_SIZE) {
      this.packets++;
      if (chunk[off] !== TS_SYNC_BYTE) this.badSync(nowMs);
      else if (this.synced) {
        this.badRun = 0;
        this.analyze(chunk, off, nowMs);
      } else this.acquire(chunk, off, nowMs);
    }
  }

  /** Time-based checks (PAT/PMT/PID/PCR repetition), per-PID bitrates, input state. Call every ~20-100 ms. */
  tick(nowMs: number): void {
    if (nowMs > this.clock) this.clock = nowMs;
    if (this.hasSignal(nowMs)) this.checkTimers(nowMs);
    this.pids.rollRates(nowMs);
    const to = this.stateAt(nowMs);
    if (to !== this.state) {
      const from = this.state;
      this.state = to;
      this.callback(() => this.options.onStateChange?.(from, to, nowMs));
    }
  }

  /** Packets lost below TS (RTP sequence gaps, counted by the ingest): makes the input `degraded`. */
  reportTransportLoss(count: number, nowMs: number): void {
    if (!(count > 0)) return;
    this.transportLoss.count += count;
    this.transportLoss.lastAt = nowMs;
  }

  /** Input state at `nowMs` (default: the latest time seen). */
  inputState(nowMs = this.clock): InputState {
    return this.stateAt(nowMs);
  }

  /** The last `n` cues (default all kept), oldest first. Treat them as read-only. */
  recentCues(n = this.o.maxCues): Scte35Cue[] {
    return this.cues.recent(n);
  }

  snapshot(nowMs = this.clock): TsAnalysisSnapshot {
    this.pids.rollRates(nowMs);
    const tr = {} as Tr101290Snapshot;
    const cues = this.cues.counters();
    for (const [k, v] of Object.entries(this.errors) as [Tr101290Check, ErrorCounter][]) tr[k] = { ...v };
    return {
      at: nowMs,
      packets: this.packets,
      bytes: this.bytes,
      ignoredBytes: this.ignoredBytes,
      bitrate1s: this.rate.bitsPerSecond(nowMs, 1000),
      bitrate10s: this.rate.bitsPerSecond(nowMs, 10_000),
      lastPacketAt: this.lastPacketAt < 0 ? null : this.lastPacketAt,
      msSinceLastPacket: this.lastPacketAt < 0 ? null : Math.max(0, nowMs - this.lastPacketAt),
      state: this.stateAt(nowMs),
      synced: this.synced,
      tr101290: tr,
      transportLoss: { ...this.transportLoss },
      transportStreamId: this.psi.transportStreamId,
      pids: this.pids.seenPids().map((pid) => this.pidSnapshot(pid)),
      programs: this.psi.programSnapshots(),
      scte35: {
        pids: this.rolePids.filter((p) => this.role[p] === ROLE_SCTE35).sort((a, b) => a - b),
        cues: cues.cues,
        crcErrors: cues.crcErrors,
        decodeErrors: cues.decodeErrors,
        lastCueAt: cues.lastCueAt,
      },
      callbackErrors: this.callbackErrors,
    };
  }

  // ---- per packet -------------------------------------------------------------------------

  private analyze(buf: Buffer, off: number, at: number): void {
    const pid = tsPid(buf, off);
    this.pids.count(pid, at);
    if (pid === NULL_PID) return;
    if (tsTransportError(buf, off)) {
      this.raise('transportError', at);
      this.continuity.forget(pid);
      return;
    }
    const hasAf = tsHasAdaptationField(buf, off);
    const disc = hasAf && tsDiscontinuity(buf, off);
    // 1.4 Continuity_count_error: lost packet, wrong order, or a packet sent more than twice.
    if (isContinuityError(this.continuity.observe(buf, off, pid, disc))) this.ccError(pid, at);
    if (hasAf) {
      const pcr = tsPcr(buf, off);
      if (pcr >= 0) this.pcr.onPcr(pid, pcr, disc, at);
    }
    const role = this.role[pid]!;
    if (role === ROLE_NONE) return;
    if (tsScrambling(buf, off) !== 0) {
      // 1.3.a / 1.5.a: PAT and PMT packets must never be scrambled. Scrambled sections are unreadable anyway.
      if (role === ROLE_PAT) this.raise('patError', at);
      else if (role === ROLE_PMT) this.raise('pmtError', at);
      return;
    }
    this.at = at;
    this.assemblers[pid]?.push(buf, off);
  }

  private badSync(at: number): void {
    this.raise('syncByteError', at); // 1.2: every sync byte other than 0x47
    this.goodRun = 0;
    if (this.synced && ++this.badRun >= this.o.syncLossAfter) {
      this.synced = false;
      this.raise('syncLoss', at); // 1.1: once per loss; acquiring again needs syncAcquireAfter good bytes
      this.forgetContinuity();
    }
  }

  private acquire(chunk: Buffer, off: number, at: number): void {
    chunk.copy(this.pending, this.goodRun * TS_PACKET_SIZE, off, off + TS_PACKET_SIZE);
    this.pendingAt[this.goodRun] = at;
    if (++this.goodRun < this.o.syncAcquireAfter) return;
    const n = this.goodRun;
    this.synced = true;
    this.badRun = 0;
    this.goodRun = 0;
    for (let i = 0; i < n; i++) this.analyze(this.pending, i * TS_PACKET_SIZE, this.pendingAt[i]!);
  }

  private ccError(pid: number, at: number): void {
    this.pids.ccErrors[pid]!++;
    this.raise('ccError', at);
  }

  private raise(check: Tr101290Check, at: number): void {
    const c = this.errors[check];
    c.count++;
    c.lastAt = at;
    if (PRIORITY_1.has(check) && at > this.lastP1At) this.lastP1At = at;
  }

  // ---- sections ---------------------------------------------------------------------------

  private onScte35Section(section: Buffer, pid: number): void {
    if (section[0] !== SCTE35_TABLE_ID) return;
    const pcrPid = this.layout.scte35PcrPid.get(pid);
    const cue = buildCue(section, pid, this.at, pcrPid === undefined ? -1 : this.pcr.lastPcr(pcrPid));
    this.cues.add(cue);
    this.callback(() => this.options.onCue?.(cue));
  }

  private callback(fn: () => void): void {
    try {
      fn();
    } catch {
      this.callbackErrors++; // the owner's bug must not stop the analysis of the feed
    }
  }

  private makeAssembler(pid: number, role: number): SectionAssembler {
    if (role === ROLE_PAT) return new SectionAssembler(pid, (s) => this.psi.onPatSection(s, this.at));
    if (role === ROLE_PMT) return new SectionAssembler(pid, (s, p) => this.psi.onPmtSection(s, p, this.at));
    return new SectionAssembler(pid, (s, p) => this.onScte35Section(s, p));
  }

  /** Applies a new PID layout: section reassembly, PCR PIDs, PID_error watch list. */
  private relayout(at: number): void {
    const layout = planLayout(this.psi.programs.values(), this.o.scte35Pids, this.pidErrorKinds);
    const { roles } = layout;
    this.layout = layout;
    for (const pid of this.rolePids) {
      if (roles.get(pid) === this.role[pid]) continue;
      this.role[pid] = ROLE_NONE;
      this.assemblers[pid] = undefined;
    }
    for (const [pid, role] of roles) {
      if (this.role[pid] === role) continue;
      this.role[pid] = role;
      this.assemblers[pid] = this.makeAssembler(pid, role);
    }
    this.rolePids = [...roles.keys()];
    this.pcr.setPcrPids(layout.pcrPids, at);
    this.pidWatch.watch(layout.watchedPids, at);
  }

  // ---- time -------------------------------------------------------------------------------

  private hasSignal(now: number): boolean {
    return this.lastPacketAt >= 0 && now - this.lastPacketAt <= this.o.noSignalAfterMs;
  }

  private stateAt(now: number): InputState {
    if (!this.hasSignal(now)) return 'no_signal';
    const w = this.o.degradedWindowMs;
    if (now - this.lastP1At <= w) return 'degraded';
    if (this.transportLoss.lastAt !== null && now - this.transportLoss.lastAt <= w) return 'degraded';
    return 'receiving';
  }

  private checkTimers(now: number): void {
    this.psi.checkTimers(now);
    this.pidWatch.checkTimers(now);
    this.pcr.checkTimers(now);
  }

  /**
   * First packet, or packets again after `no_signal`: repetition periods restart now, and
   * continuity is not compared across the outage (the state already says the input was gone).
   */
  private resume(now: number): void {
    if (this.lastPacketAt >= 0) this.forgetContinuity();
    this.psi.rearm(now);
    this.pidWatch.rearm(now);
    this.pcr.rearm(now);
    this.pids.startRates(now);
  }

  private forgetContinuity(): void {
    this.continuity.forgetAll();
    this.pcr.forget();
    for (const pid of this.rolePids) this.assemblers[pid]?.reset();
  }

  // ---- snapshot helpers -------------------------------------------------------------------

  private pidSnapshot(pid: number): PidSnapshot {
    const stream = this.layout.streams.get(pid);
    return {
      pid,
      ...pidIdentity(pid, this.layout, this.psi.programs.values()),
      streamType: stream?.streamType ?? null,
      codec: stream?.codec ?? null,
      packets: this.pids.packets[pid]!,
      ccErrors: this.pids.ccErrors[pid]!,
      bitrate: this.pids.bitrate(pid),
      lastSeenAt: this.pids.lastSeen[pid]!,
    };
  }
}
