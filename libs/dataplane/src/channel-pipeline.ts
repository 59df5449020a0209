import { type Clock, systemClock, type TimerHandle } from '@mld/supervisor';
import { TsAnalyzer, type Scte35Cue } from '@mld/ts-analysis';
import type { Egress, EgressStateChange, EgressStateListener } from './egress/egress.js';
import { FanOut } from './fanout/fan-out.js';
import { InputLossSource } from './ingest/input-loss/input-loss-source.js';
import type { SlateFactory } from './ingest/input-loss/slate-process.js';
import type { Source, SourceEvent, SourceFactory, SourceSink } from './ingest/source.js';
import { type KeyFrame, KeyFrameKeeper } from './thumbnail/key-frame-keeper.js';
import type { ChannelConfig, ChannelSnapshot, IngestState, InputConfig, InputLossSettings, OutputConfig } from './types.js';

export interface PipelineDeps {
  /** Makes the channel's input (RTP/UDP sockets in production; anything implementing Source in tests). */
  createSource: SourceFactory;
  /** Time for the analysis ticks and timestamps; the system clock unless a test passes a fake one. */
  clock?: Clock;
  createEgress: (config: OutputConfig, onStateChange: EgressStateListener) => Egress;
  onIngestState?: (channelId: string, from: IngestState, to: IngestState, detail: string | null) => void;
  onIngestEvent?: (channelId: string, event: SourceEvent) => void;
  /** An output's transition; the snapshot carries the output's current name (renames restart nothing). */
  onEgressState?: (channelId: string, change: EgressStateChange) => void;
  onCue?: (channelId: string, cue: Scte35Cue) => void;
  /** Encodes input-loss slates (ADR 0016); without it a channel's input_loss is ignored. */
  createSlate?: SlateFactory;
  /**
   * Whether this node may send the channel's data now (its ownership lease, docs/multi-node.md):
   * checked for every chunk, so a node thawed after its lease ran out sends nothing even before
   * its timers stop the pipeline. Absent: always.
   */
  mayEmit?: (channelId: string) => boolean;
}

interface RunningOutput {
  /** What requires a restart when it changes (not the display name). */
  key: string;
  config: OutputConfig;
  name: string;
  egress: Egress;
}

function outputKey(config: OutputConfig): string {
  return JSON.stringify([config.protocol, config.url, config.host, config.port, config.path, Object.entries(config.options).sort()]);
}

/** An operator's pinned input is applied to the running source (force), not by replacing it. */
function withoutSelection(input: InputConfig): InputConfig {
  return input.type === 'redundant' ? { ...input, selection: 'auto' } : input;
}

/** Inputs are plain data: the same fields with the same values are the same input (key order aside). */
function sameInput(a: InputConfig, b: InputConfig): boolean {
  return canonical(withoutSelection(a)) === canonical(withoutSelection(b));
}

function activeLoss(config: ChannelConfig): InputLossSettings | null {
  return config.inputLoss ?? null;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([x], [y]) => x.localeCompare(y));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * One running channel: ingest → fan-out → outputs keyed by id. apply() diffs a new desired
 * configuration against what runs: only outputs whose destination changed are restarted,
 * added ones start, removed ones stop; the others never notice.
 */
export class ChannelPipeline {
  private readonly fanOut = new FanOut();
  private readonly clock: Clock;
  private readonly sink: SourceSink;
  private source: Source;
  private running = false;
  private readonly outputs = new Map<string, RunningOutput>();
  private input: InputConfig;
  private readonly analyzer: TsAnalyzer;
  private analysisTimer: TimerHandle | undefined;
  private reportedLoss = 0;
  private preview: Egress | undefined;
  private readonly keyFrames = new KeyFrameKeeper();
  private inputLoss: InputLossSettings | null;
  private name: string;

  constructor(
    readonly id: string,
    config: ChannelConfig,
    private readonly deps: PipelineDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.input = config.input;
    this.inputLoss = activeLoss(config);
    this.name = config.name;
    this.analyzer = new TsAnalyzer({
      onCue: (cue) => {
        // Outputs that re-signal cues (RTMP ad markers) first: they place them in their own timeline.
        for (const output of this.outputs.values()) output.egress.cue?.(cue);
        deps.onCue?.(this.id, cue);
      },
    });
    this.sink = {
      ts: (chunk, origin) => {
        if (deps.mayEmit && !deps.mayEmit(this.id)) return;
        // The slate goes to the outputs that take it, and is not the input: no analysis, no thumbnail.
        if (origin === 'slate') return this.fanOut.push(chunk, true);
        // Outputs first: analysis reads the same buffer afterwards and never delays them.
        this.fanOut.push(chunk);
        const now = this.clock.now();
        this.analyzer.push(chunk, now);
        this.keyFrames.push(chunk, now);
      },
      rejected: (chunk) => this.analyzer.push(chunk, this.clock.now()),
      stateChanged: (from, to, detail) => deps.onIngestState?.(this.id, from, to, detail),
      event: (event) => deps.onIngestEvent?.(this.id, event),
    };
    this.source = this.makeSource(config.input);
  }

  /** The channel's source; with an input-loss behaviour, wrapped so a slate takes over when it stops. */
  private makeSource(input: InputConfig): Source {
    const loss = this.inputLoss;
    const createSlate = this.deps.createSlate;
    if (!loss || !createSlate) return this.deps.createSource(input, this.sink);
    return new InputLossSource({
      owner: `channel:${this.id}`,
      settings: loss,
      channelName: this.name,
      createProgramme: (sink) => this.deps.createSource(input, sink),
      createSlate,
      sink: this.sink,
      clock: this.clock,
    });
  }

  private takesSlate(config: OutputConfig): boolean {
    return this.inputLoss !== null && (config.protocol === 'rtmp' || config.protocol === 'rtmps' || this.inputLoss.tsOutputs);
  }

  async start(config: ChannelConfig): Promise<void> {
    this.running = true;
    await this.applyOutputs(config.outputs);
    await this.source.start();
    this.analysisTimer = this.clock.setInterval(() => this.tickAnalysis(), 100);
  }

  async apply(config: ChannelConfig): Promise<void> {
    const loss = activeLoss(config);
    const lossChanged = canonical(loss) !== canonical(this.inputLoss);
    const slateKeyChanged = lossChanged && canonical(loss && { ...loss, tsOutputs: null }) !== canonical(this.inputLoss && { ...this.inputLoss, tsOutputs: null });
    this.inputLoss = loss;
    const renamed = config.name !== this.name;
    this.name = config.name;
    await this.applyOutputs(config.outputs);
    if (lossChanged) for (const o of this.outputs.values()) this.fanOut.add(o.egress, this.takesSlate(o.config));
    // A new name is on the built-in card: only a source showing a card needs to be remade.
    const cardRenamed = renamed && loss !== null && loss.action === 'slate' && loss.imagePath === null;
    if (sameInput(this.input, config.input) && !slateKeyChanged && !cardRenamed) {
      if (config.input.type === 'redundant' && this.input.type === 'redundant' && config.input.selection !== this.input.selection) {
        this.source.force?.(config.input.selection);
      }
      this.input = config.input;
    } else {
      // A new input is a new source: its counters start again; the outputs keep running.
      this.input = config.input;
      await this.source.stop();
      this.source = this.makeSource(config.input);
      this.reportedLoss = 0;
      if (this.running) await this.source.start();
    }
  }

  /** Attaches a preview (or any extra, unlisted) sink: it gets the stream like an output but is not one. */
  attachPreview(egress: Egress): void {
    if (this.preview) return;
    this.preview = egress;
    egress.start();
    // The preview shows what RTMP platforms get, slate included.
    this.fanOut.add(egress, true);
  }

  async detachPreview(): Promise<void> {
    const preview = this.preview;
    this.preview = undefined;
    if (!preview) return;
    this.fanOut.remove(preview.id);
    await preview.stop();
  }

  get hasPreview(): boolean {
    return this.preview !== undefined;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.analysisTimer !== undefined) this.clock.clearInterval(this.analysisTimer);
    this.analysisTimer = undefined;
    await this.detachPreview();
    await this.source.stop();
    await Promise.all([...this.outputs.keys()].map((id) => this.removeOutput(id)));
  }

  retryOutput(outputId: string): boolean {
    const output = this.outputs.get(outputId);
    output?.egress.retryNow();
    return output !== undefined;
  }

  /**
   * The latest key frame of the input, for a thumbnail; the pipeline keeps key frames for a while
   * after each call (and none when nobody calls), so the first call usually gets null.
   */
  keyFrame(): KeyFrame | null {
    this.keyFrames.want(this.clock.now());
    return this.keyFrames.keyFrame();
  }

  recentCues(n?: number): Scte35Cue[] {
    return this.analyzer.recentCues(n);
  }

  snapshot(): ChannelSnapshot {
    return {
      id: this.id,
      ingest: this.source.snapshot(),
      analysis: this.analyzer.snapshot(this.clock.now()),
      outputs: [...this.outputs.values()].map((o) => ({ ...o.egress.snapshot(), name: o.name })),
    };
  }

  private tickAnalysis(): void {
    const now = this.clock.now();
    const lost = this.source.lostPackets();
    // The analyzer wants new losses; the source counts since its start.
    if (lost > this.reportedLoss) this.analyzer.reportTransportLoss(lost - this.reportedLoss, now);
    this.reportedLoss = lost;
    this.analyzer.tick(now);
  }

  private async applyOutputs(desired: OutputConfig[]): Promise<void> {
    const wanted = new Map(desired.map((o) => [o.id, o]));
    const removals: Promise<void>[] = [];
    for (const id of this.outputs.keys()) if (!wanted.has(id)) removals.push(this.removeOutput(id));
    await Promise.all(removals);
    for (const config of desired) {
      const running = this.outputs.get(config.id);
      if (running && running.key === outputKey(config)) {
        running.name = config.name;
        running.config = config;
        continue;
      }
      if (running) await this.removeOutput(config.id);
      this.addOutput(config);
    }
  }

  private addOutput(config: OutputConfig): void {
    // The pipeline owns the name: the egress keeps the config it started with, and a rename restarts nothing.
    const currentName = (): string => this.outputs.get(config.id)?.name ?? config.name;
    const egress = this.deps.createEgress(config, (change) => this.deps.onEgressState?.(this.id, { ...change, snapshot: { ...change.snapshot, name: currentName() } }));
    this.outputs.set(config.id, { key: outputKey(config), config, name: config.name, egress });
    egress.start();
    this.fanOut.add(egress, this.takesSlate(config));
  }

  private async removeOutput(id: string): Promise<void> {
    const output = this.outputs.get(id);
    if (!output) return;
    this.fanOut.remove(id);
    this.outputs.delete(id);
    await output.egress.stop();
  }
}
