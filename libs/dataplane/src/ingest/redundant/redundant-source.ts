// A channel input made of two inputs, main and backup, of any kind (ADR 0005, ADR 0013). Both
// run and are analysed all the time (hot standby); the one on air feeds the sink through the
// TsSwitcher, so the outputs see one continuous TS whichever it is, and egress never knows.
import { systemClock, type Clock, type TimerHandle } from '@mld/supervisor';
import type { FailoverSettings, IngestSnapshot, IngestState, InputRole, InputSwitch, RedundantInputConfig, RedundantInputSnapshot, SingleInputConfig } from '../../types.js';
import type { Source, SourceEvent, SourceFactory, SourceFactoryOf, SourceSink } from '../source.js';
import { CueLedger } from './cue-ledger.js';
import { FailoverPolicy, type SwitchDecision } from './failover-policy.js';
import { InputMonitor } from './input-monitor.js';
import { type CutReport, TsSwitcher } from './ts-switcher.js';

const ROLES: readonly InputRole[] = ['main', 'backup'];
const indexOf = (r: InputRole): number => (r === 'main' ? 0 : 1);
const MAX_RECENT_SWITCHES = 20;

export interface RedundantSourceOptions {
  main: SingleInputConfig;
  backup: SingleInputConfig;
  settings: FailoverSettings;
  /** Makes each of the two inputs (the pipeline's own factory: any input kind). */
  createSource: SourceFactory;
  sink: SourceSink;
  clock?: Clock;
  /** How often health is judged, ms. Default 20 (an emergency switch lands within lossMs + this). */
  tickMs?: number;
  /** Longest wait for the target's random-access point in a planned switch. Default 3000 ms. */
  maxRapWaitMs?: number;
  /** A cue seen on both inputs within this window goes out once. Default 3000 ms. */
  cueWindowMs?: number;
}

export class RedundantSource implements Source {
  private readonly clock: Clock;
  private readonly sink: SourceSink;
  private readonly inputs: Source[];
  private readonly monitors: [InputMonitor, InputMonitor];
  private readonly policy: FailoverPolicy;
  private readonly switcher: TsSwitcher;
  private readonly ledger: CueLedger;
  private readonly tickMs: number;
  private ticker: TimerHandle | undefined;
  private started = false;
  private startedAt: number;
  private state: IngestState = 'stopped';
  private since: number;
  private tsBytes = 0;
  private lastSentAt: number | null = null;
  private readonly lost = [0, 0];
  private lostOnAir = 0;
  private decision: SwitchDecision | null = null;
  private switches = 0;
  private readonly recent: InputSwitch[] = [];

  constructor(private readonly options: RedundantSourceOptions) {
    this.clock = options.clock ?? systemClock;
    this.sink = options.sink;
    this.since = this.clock.now();
    this.startedAt = this.since;
    this.tickMs = options.tickMs ?? 20;
    this.policy = new FailoverPolicy(options.settings);
    this.ledger = new CueLedger(options.cueWindowMs ?? 3000);
    this.monitors = [this.newMonitor(0), this.newMonitor(1)];
    this.switcher = new TsSwitcher({
      monitors: this.monitors,
      ledger: this.ledger,
      emit: (chunk) => this.emit(chunk),
      onCut: (cut) => this.onCut(cut),
      opening: () => (this.started ? indexOf(this.policy.forced ?? this.policy.active) : -1),
      maxRapWaitMs: options.maxRapWaitMs ?? 3000,
      maxHoldMs: 200,
    });
    this.inputs = [options.createSource(options.main, this.innerSink(0)), options.createSource(options.backup, this.innerSink(1))];
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.startedAt = this.clock.now();
    for (const m of this.monitors) m.startedAt = this.startedAt;
    this.setState('starting', null);
    this.ticker = this.clock.setInterval(() => this.tick(), this.tickMs);
    await Promise.all(this.inputs.map((s) => s.start()));
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.ticker !== undefined) this.clock.clearInterval(this.ticker);
    this.ticker = undefined;
    await Promise.all(this.inputs.map((s) => s.stop()));
    this.setState('stopped', null);
  }

  /** An operator's order: put `to` on air and keep it there, or hand the choice back ('auto'). */
  force(to: InputRole | 'auto'): void {
    this.policy.force(to);
    if (this.started) this.tick();
  }

  /** Losses of the input on air only: the standby's do not reach the outputs. */
  lostPackets(): number {
    return this.lostOnAir;
  }

  snapshot(): IngestSnapshot {
    const now = this.clock.now();
    const active = this.policy.active;
    const inner = this.inputs.map((s) => s.snapshot());
    const onAir = inner[indexOf(active)]!;
    const pending = this.switcher.pending;
    return {
      ...onAir,
      state: this.state,
      since: this.since,
      error: this.state === 'error' ? this.errorText(inner) : onAir.error,
      tsBytes: this.tsBytes,
      lastPacketAt: this.lastSentAt,
      srt: onAir.srt ?? null,
      rtmp: onAir.rtmp ?? null,
      file: onAir.file ?? null,
      redundancy: {
        mode: this.options.settings.mode,
        prefer: this.options.settings.prefer,
        active,
        forced: this.policy.forced,
        pending: pending < 0 || !this.decision ? null : { to: ROLES[pending]!, since: this.switcher.pendingSince, cause: this.decision.cause },
        main: this.inputSnapshot(0, inner[0]!, now),
        backup: this.inputSnapshot(1, inner[1]!, now),
        switches: this.switches,
        lastSwitch: this.recent[this.recent.length - 1] ?? null,
        recentSwitches: [...this.recent],
        cues: { forwarded: this.ledger.forwarded, duplicatesDropped: this.ledger.duplicatesDropped, replayed: this.ledger.replayed },
      },
    };
  }

  // ---- the decision loop --------------------------------------------------------------------

  private tick(): void {
    const now = this.clock.now();
    this.countLoss();
    const health = { main: this.monitors[0].health(now), backup: this.monitors[1].health(now) };
    const d = this.policy.evaluate(now, health);
    this.decision = d;
    const target = d ? indexOf(d.to) : -1;
    if (d && d.kind === 'emergency') {
      this.switcher.cutNow(target, now);
    } else if (d) {
      if (this.switcher.active < 0) this.switcher.cutNow(target, now);
      else this.switcher.arm(target, now);
    } else {
      if (this.switcher.pending >= 0) this.switcher.disarm();
      // The output opens with the input the policy has on air, once its layout is known.
      const active = indexOf(this.policy.active);
      if (this.switcher.active < 0 && health[this.policy.active].usable) this.switcher.cutNow(active, now);
    }
    this.switcher.tick(now);
    this.updateState(now);
  }

  private onCut(cut: CutReport): void {
    const to = ROLES[cut.to]!;
    this.policy.switched(to);
    const d = this.decision;
    if (cut.from < 0 || !d || d.to !== to) return;
    const from = ROLES[cut.from]!;
    const record: InputSwitch = { at: cut.at, from, to, cause: d.cause, reason: d.reason, gapMs: Math.round(cut.gapMs), atRandomAccess: cut.atRandomAccess };
    this.switches++;
    this.recent.push(record);
    if (this.recent.length > MAX_RECENT_SWITCHES) this.recent.shift();
    this.decision = null;
    const kind = d.cause === 'failover' ? 'failover' : d.cause === 'restored' ? 'restored' : 'switched';
    const how = cut.atRandomAccess ? 'at a random-access point' : 'without a random-access point (none within the wait)';
    this.sink.event?.({
      kind,
      level: d.cause === 'failover' ? 'warn' : 'info',
      message: `input switched ${from} → ${to} (${d.reason}); ${record.gapMs} ms since the last packet sent, ${how}`,
      input: to,
      switch: record,
    });
  }

  private countLoss(): void {
    const onAir = this.switcher.active;
    for (let i = 0; i < 2; i++) {
      const total = this.inputs[i]!.lostPackets();
      if (i === onAir && total > this.lost[i]!) this.lostOnAir += total - this.lost[i]!;
      this.lost[i] = total;
    }
  }

  private updateState(now: number): void {
    const inner = this.inputs.map((s) => s.snapshot());
    if (inner.every((s) => s.state === 'error')) {
      this.setState('error', this.errorText(inner));
      return;
    }
    const active = this.switcher.active;
    if (active < 0) {
      this.setState(now - this.startedAt < this.options.settings.lossMs ? 'starting' : 'no_signal', null);
      return;
    }
    const h = this.monitors[active]!.health(now);
    this.setState(h.usable ? 'receiving' : 'no_signal', h.usable ? null : `${ROLES[active]}: no data`);
  }

  private setState(to: IngestState, detail: string | null): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    this.since = this.clock.now();
    this.sink.stateChanged(from, to, detail);
  }

  // ---- inputs -------------------------------------------------------------------------------

  private newMonitor(i: number): InputMonitor {
    return new InputMonitor({
      lossMs: this.options.settings.lossMs,
      startedAt: this.clock.now(),
      onCue: (section, pid) => this.switcher.onCue(i, section, pid),
    });
  }

  private innerSink(i: number): SourceSink {
    const role = ROLES[i]!;
    return {
      ts: (chunk) => {
        if (this.started) this.switcher.push(i, chunk, this.clock.now());
      },
      rejected: (chunk) => {
        if (i === this.switcher.active) this.sink.rejected(chunk);
      },
      stateChanged: (from, to, detail) => {
        const message = `${role} input: ${from} → ${to}${detail ? ` (${detail})` : ''}`;
        this.sink.event?.({ kind: 'input_state', level: to === 'error' || to === 'no_signal' ? 'warn' : 'info', message, input: role, state: { from, to, detail } });
      },
      event: (e: SourceEvent) => this.sink.event?.({ ...e, message: `${role} input: ${e.message}`, input: role }),
    };
  }

  private emit(chunk: Buffer): void {
    this.tsBytes += chunk.length;
    this.lastSentAt = this.clock.now();
    this.sink.ts(chunk);
  }

  private inputSnapshot(i: number, ingest: IngestSnapshot, now: number): RedundantInputSnapshot {
    const m = this.monitors[i]!;
    const h = m.health(now);
    const role = ROLES[i]!;
    return {
      ingest,
      healthy: h.fault === null,
      fault: h.fault,
      faultSince: h.fault === null ? null : h.since,
      healthySince: h.fault === null ? this.policy.healthySince(role) : null,
      lastPacketAt: m.lastPacketAt < 0 ? null : m.lastPacketAt,
      lastRandomAccessAt: m.lastRapAt < 0 ? null : m.lastRapAt,
      pidMap: this.switcher.pidPairs(i).map((p) => ({ ...p })),
    };
  }

  private errorText(inner: IngestSnapshot[]): string {
    return inner.map((s, i) => `${ROLES[i]}: ${s.error ?? s.state}`).join('; ');
  }
}

/**
 * Makes the main/backup source of a channel; `createSource` makes each of its two inputs (the
 * node's factory for single inputs). An operator's pinned input is applied before it starts.
 */
export function redundantSourceFactory(createSource: SourceFactory, options: Pick<RedundantSourceOptions, 'clock' | 'tickMs' | 'maxRapWaitMs' | 'cueWindowMs'> = {}): SourceFactoryOf<RedundantInputConfig> {
  return (input, sink) => {
    const source = new RedundantSource({ ...options, main: input.main, backup: input.backup, settings: input.failover, createSource, sink });
    if (input.selection !== 'auto') source.force(input.selection);
    return source;
  };
}
