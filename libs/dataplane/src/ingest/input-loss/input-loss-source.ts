// A channel input with an input-loss behaviour (ADR 0016): the programme (any Source, main/backup
// included) goes to the outputs through a TsSwitcher whose second input is a slate encoded to the
// programme's last-seen parameters. When the programme has been silent for afterMs the slate goes
// on air; when the programme is back, the outputs return to it at its next random-access point.
// The timeline stitcher keeps one continuous clock across both cuts, so an RTMP session (one FLV
// timeline) never notices. The slate's encoder runs only around a loss.
import { systemClock, type Clock, type TimerHandle } from '@mld/supervisor';
import type { IngestSnapshot, InputLossSettings, SlateSnapshot } from '../../types.js';
import { CueLedger } from '../redundant/cue-ledger.js';
import { InputMonitor } from '../redundant/input-monitor.js';
import { type CutReport, TsSwitcher } from '../redundant/ts-switcher.js';
import type { Source, SourceSink } from '../source.js';
import { ProgrammeProfile } from './programme-profile.js';
import type { SlateArtwork, SlateFactory, SlateGenerator } from './slate-process.js';

const PROGRAMME = 0;
const SLATE = 1;
/** The encoder is started after this much silence (it needs ~0.3-1 s to its first key frame), so the slate is ready at afterMs. */
const PREROLL_MS = 200;
/** The programme must flow this long, healthy, before the outputs go back to it. */
const RETURN_AFTER_MS = 300;
/** The return waits this long at most for the programme's random-access point (long GOPs). */
const MAX_RAP_WAIT_MS = 10_000;

export interface InputLossSourceOptions {
  owner: string;
  settings: InputLossSettings;
  /** The built-in card shows it. */
  channelName: string;
  /** Makes the programme's source with the sink it must feed. */
  createProgramme: (sink: SourceSink) => Source;
  createSlate: SlateFactory;
  sink: SourceSink;
  clock?: Clock;
  tickMs?: number;
}

export class InputLossSource implements Source {
  private readonly clock: Clock;
  private readonly programme: Source;
  private readonly monitors: [InputMonitor, InputMonitor];
  private readonly profile: ProgrammeProfile;
  private readonly switcher: TsSwitcher;
  private ticker: TimerHandle | undefined;
  private started = false;
  private slate: SlateGenerator | null = null;
  private slateStartedAt = 0;
  private onAirSince: number | null = null;
  private shown = 0;
  private lastDurationMs: number | null = null;
  private healthySince = -1;
  private tsBytes = 0;
  private warnedNoParams = false;

  constructor(private readonly o: InputLossSourceOptions) {
    this.clock = o.clock ?? systemClock;
    const now = this.clock.now();
    this.monitors = [
      new InputMonitor({ lossMs: o.settings.afterMs, startedAt: now, onCue: (s, pid) => this.switcher.onCue(PROGRAMME, s, pid) }),
      new InputMonitor({ lossMs: 1000, startedAt: now }),
    ];
    this.profile = new ProgrammeProfile(this.monitors[0]);
    this.switcher = new TsSwitcher({
      monitors: this.monitors,
      ledger: new CueLedger(3000),
      emit: (chunk) => this.emit(chunk),
      onCut: (cut) => this.onCut(cut),
      opening: () => (this.started ? PROGRAMME : -1),
      maxRapWaitMs: MAX_RAP_WAIT_MS,
      maxHoldMs: 200,
      splitAtCut: true,
    });
    this.programme = o.createProgramme({
      ts: (chunk) => {
        if (!this.started) return;
        const now = this.clock.now();
        this.switcher.push(PROGRAMME, chunk, now);
        this.profile.observe(chunk, now);
      },
      rejected: (chunk) => {
        if (this.switcher.active !== SLATE) o.sink.rejected(chunk);
      },
      stateChanged: (from, to, detail) => o.sink.stateChanged(from, to, detail),
      event: (e) => o.sink.event?.(e),
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.monitors[0].startedAt = this.clock.now();
    this.ticker = this.clock.setInterval(() => this.tick(), this.o.tickMs ?? 20);
    await this.programme.start();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.ticker !== undefined) this.clock.clearInterval(this.ticker);
    this.ticker = undefined;
    await Promise.all([this.programme.stop(), this.stopSlate()]);
  }

  lostPackets(): number {
    return this.programme.lostPackets();
  }

  force(to: 'main' | 'backup' | 'auto'): void {
    this.programme.force?.(to);
  }

  snapshot(): IngestSnapshot {
    const inner = this.programme.snapshot();
    return { ...inner, tsBytes: this.tsBytes, lastPacketAt: inner.lastPacketAt, slate: this.slateSnapshot() };
  }

  private slateSnapshot(): SlateSnapshot {
    const p = this.profile.params();
    const v = p?.video;
    return {
      action: this.o.settings.action,
      afterMs: this.o.settings.afterMs,
      onAir: this.onAirSince !== null,
      since: this.onAirSince,
      shown: this.shown,
      lastDurationMs: this.lastDurationMs,
      encoder: this.slate ? this.slate.state : 'idle',
      matches: !p || !v ? null : {
        width: v.width,
        height: v.height,
        fps: v.fpsDen === 1 ? String(v.fpsNum) : `${v.fpsNum}/${v.fpsDen}`,
        profile: v.profile,
        level: v.level,
        audio: p.audio ? `${p.audio.codec} ${p.audio.sampleRate} Hz ${p.audio.channels} ch` : null,
      },
    };
  }

  // ---- the decision loop --------------------------------------------------------------------

  private tick(): void {
    const now = this.clock.now();
    const m = this.monitors[PROGRAMME];
    const health = m.health(now);
    const seen = m.lastPacketAt >= 0;
    const silentMs = seen ? now - m.lastPacketAt : 0;
    const active = this.switcher.active;
    if (active < 0) {
      if (health.usable) this.switcher.cutNow(PROGRAMME, now);
    } else if (active === PROGRAMME) {
      if (seen && silentMs >= Math.min(PREROLL_MS, this.o.settings.afterMs) && !this.slate) this.startSlate(now);
      if (seen && silentMs >= this.o.settings.afterMs && this.slateReady()) this.switcher.cutNow(SLATE, now);
      // Back before the slate was needed: the encoder is not kept running.
      if (this.slate && health.fault === null && silentMs < PREROLL_MS) void this.stopSlate();
    } else {
      const healthy = health.fault === null && health.usable;
      if (!healthy) {
        this.healthySince = -1;
        if (this.switcher.pending === PROGRAMME) this.switcher.disarm();
      } else {
        if (this.healthySince < 0) this.healthySince = now;
        if (now - this.healthySince >= RETURN_AFTER_MS) this.switcher.arm(PROGRAMME, now);
      }
    }
    this.switcher.tick(now);
  }

  private slateReady(): boolean {
    const s = this.monitors[SLATE];
    return this.slate !== null && s.layout !== null && s.lastRapAt >= this.slateStartedAt;
  }

  private startSlate(now: number): void {
    const params = this.profile.params();
    if (!params) {
      if (!this.warnedNoParams) {
        this.warnedNoParams = true;
        this.o.sink.event?.({ kind: 'slate_on', level: 'warn', message: 'input lost, but no slate can be made: the programme\'s H.264 parameters (SPS, frame rate) were never seen' });
      }
      return;
    }
    const s = this.o.settings;
    const artwork: SlateArtwork = s.action === 'black' ? { kind: 'black' } : s.imagePath ? { kind: 'image', path: s.imagePath } : { kind: 'card', title: this.o.channelName };
    // Every encoder run has the same PID layout; only a key frame of this run makes it ready.
    this.slateStartedAt = now;
    this.slate = this.o.createSlate(`${this.o.owner}:slate`, { video: params.video, audio: params.audio, muxDelaySeconds: params.muxDelaySeconds, artwork }, (chunk) => {
      if (this.started && this.slate) this.switcher.push(SLATE, chunk, this.clock.now());
    });
    this.slate.start();
  }

  private async stopSlate(): Promise<void> {
    const slate = this.slate;
    this.slate = null;
    if (slate) await slate.stop();
  }

  private onCut(cut: CutReport): void {
    if (cut.to === SLATE) {
      this.onAirSince = cut.at;
      this.shown++;
      this.healthySince = -1;
      const silent = Math.round(cut.gapMs);
      const what = this.o.settings.action === 'black' ? 'black' : this.o.settings.imagePath ? 'the slate image' : 'the slate card';
      this.o.sink.event?.({ kind: 'slate_on', level: 'warn', message: `input lost: ${what} on air after ${silent} ms without input`, durationMs: silent });
    } else if (cut.from === SLATE) {
      const duration = Math.round(cut.at - (this.onAirSince ?? cut.at));
      this.onAirSince = null;
      this.lastDurationMs = duration;
      const how = cut.atRandomAccess ? 'at its random-access point' : 'without a random-access point (none within 10 s)';
      this.o.sink.event?.({ kind: 'slate_off', level: 'info', message: `input back: programme on air again ${how}; the slate was on air ${(duration / 1000).toFixed(1)} s`, durationMs: duration });
      void this.stopSlate();
    }
  }

  private emit(chunk: Buffer): void {
    const slate = this.switcher.active === SLATE;
    this.tsBytes += chunk.length;
    this.o.sink.ts(chunk, slate ? 'slate' : 'programme');
  }
}
