import type { Readable } from 'node:stream';
import { formatUrlHost } from '@mld/contracts';
import { TS_PACKET_SIZE } from '@mld/mpegts';
import { defaultSpawner, SupervisedProcess, systemClock, type ChildHandle, type Clock, type ProcessState, type Spawner, type StateChangeEvent, type TimerHandle } from '@mld/supervisor';
import { RateMeter } from '../../rate-meter.js';
import type { IngestSnapshot, IngestState, SrtInputConfig, SrtReceiveStats } from '../../types.js';
import { NO_SIGNAL_AFTER_MS } from '../datagram-ts-source.js';
import type { Source, SourceEvent, SourceFactoryOf, SourceSink } from '../source.js';
import { TsStreamChunker } from '../ts-stream-chunker.js';
import { describeSrtInput, srtInputCommand, srtInputRedactor, srtInputUri } from './srt-input-command.js';
import { describeRefusalByListener, describeSrtError, parseSrtInputLine, parseSrtReceiveReport, srtInputLineParser, type SrtInputLine, type SrtReceiveReport } from './srt-input-lines.js';
import { SrtPeerTracker } from './srt-peer-tracker.js';
import { namedPipeStats, type StatsPipe, type StatsPipeFactory } from './srt-stats-pipe.js';
import { stdoutTaken } from '../stdout-taken.js';

const TICK_MS = 100;

export interface SrtSourceOptions {
  input: SrtInputConfig;
  sink: SourceSink;
  spawner?: Spawner;
  clock?: Clock;
  /** srt-live-transmit to run; default the one on PATH. */
  command?: string;
  /** Where the child's JSON statistics come from; default a named pipe. */
  statsPipe?: StatsPipeFactory;
  /** Jitter of the retry delays (tests pass a constant). */
  random?: () => number;
}

/**
 * An SRT input: one supervised srt-live-transmit (listener or caller) writing the TS it receives
 * to stdout, cut into whole 188-byte packets for the sink. starting → no_signal (listening or
 * calling) ⇄ receiving (TS within NO_SIGNAL_AFTER_MS); error, retried with backoff, when the child
 * cannot run (port taken, call refused) or dies. A caller leaving is not an error: the child keeps
 * listening (or calls again) by itself (`-a:yes`, ADR 0011).
 */
export class SrtSource implements Source {
  private readonly input: SrtInputConfig;
  private readonly sink: SourceSink;
  private readonly clock: Clock;
  private process: SupervisedProcess | undefined;
  private statsPipe: StatsPipe | undefined;
  private started = false;
  private readonly chunker = new TsStreamChunker((ts) => this.forward(ts));
  private readonly tracker: SrtPeerTracker;
  private readonly where: string;
  private readonly meter = new RateMeter(1000);
  private state: IngestState = 'stopped';
  private since: number;
  private error: string | null = null;
  /** This child's own words for why it cannot run (from its stderr). */
  private childError: string | undefined;
  private bytes = 0;
  private tsBytes = 0;
  private lastPacketAt: number | null = null;
  private ticker: TimerHandle | undefined;
  private report: SrtReceiveReport | undefined;
  private stats: SrtReceiveStats | null = null;
  /** Totals of the connections that ended, so lostPackets() and datagrams cover the source's life. */
  private pastDropped = 0;
  private pastReceived = 0;

  constructor(private readonly options: SrtSourceOptions) {
    this.input = options.input;
    this.sink = options.sink;
    this.clock = options.clock ?? systemClock;
    this.since = this.clock.now();
    const listening = this.input.mode === 'listener';
    this.where = listening ? `${formatUrlHost(this.input.bindIp)}:${this.input.port}` : `${formatUrlHost(this.input.host ?? '')}:${this.input.port}`;
    this.tracker = new SrtPeerTracker({ mode: this.input.mode, target: listening ? null : this.where, hasPassphrase: this.input.passphrase !== null });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.ticker = this.clock.setInterval(() => this.tick(), TICK_MS);
    this.setState('starting', null);
    try {
      srtInputUri(this.input);
    } catch (error) {
      // A config srt-live-transmit cannot take: retrying cannot fix it.
      this.error = srtInputRedactor(this.input)((error as Error).message);
      this.setState('error', this.error);
      return;
    }
    // Statistics are health, not data: without the pipe the input still runs, with `srt: null`.
    const pipe = await (this.options.statsPipe ?? namedPipeStats)((line) => this.onStatsLine(line)).catch(() => undefined);
    if (!this.started) {
      await pipe?.close();
      return;
    }
    this.statsPipe = pipe;
    this.process = this.supervise(srtInputCommand(this.input, pipe?.path ?? null, this.options.command));
    this.process.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.ticker !== undefined) this.clock.clearInterval(this.ticker);
    this.ticker = undefined;
    await this.process?.stop();
    this.process = undefined;
    await this.statsPipe?.close();
    this.statsPipe = undefined;
    this.tracker.childGone('');
    this.endConnection();
    this.error = null;
    this.setState('stopped', null);
  }

  private supervise(commandLine: { command: string; args: string[] }): SupervisedProcess {
    const base = this.options.spawner ?? defaultSpawner();
    const process = new SupervisedProcess({
      owner: `input:srt:${this.input.mode}:${this.where}`,
      ...commandLine,
      stdin: 'ignore',
      // The supervisor reads stderr only; stdout is TS, taken by the spawner below.
      stdout: 'ignore',
      parser: srtInputLineParser,
      redact: srtInputRedactor(this.input),
      // Bound and alive this long (a taken port fails in ms), or data, makes the child running.
      startupMs: 500,
      readyOnProgress: true,
      stopGraceMs: 2000,
      backoff: { baseMs: 1000, factor: 2, capMs: 30_000, jitter: 'equal' },
      healthyAfterMs: 30_000,
      clock: this.clock,
      ...(this.options.random ? { random: this.options.random } : {}),
      spawner: { spawn: (request) => this.takeStdout(base.spawn({ ...request, stdout: 'pipe' })) },
    });
    process.on('stderr', ({ line, at }) => this.onLine(line, at));
    process.onStateChange((_from, to, event) => this.onProcessState(process, to, event));
    return process;
  }

  lostPackets(): number {
    return this.pastDropped + (this.report?.packetsDropped ?? 0);
  }

  snapshot(): IngestSnapshot {
    const a = this.chunker.stats;
    return {
      state: this.state,
      since: this.since,
      error: this.error,
      datagrams: this.pastReceived + (this.report?.packetsReceived ?? 0),
      bytes: this.bytes,
      tsBytes: this.tsBytes,
      malformed: a.syncLosses,
      malformedReasons: a.syncLosses > 0 ? { 'TS sync lost': a.syncLosses } : {},
      rtp: { lost: 0, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrcChanges: 0, ssrc: null },
      lastPacketAt: this.lastPacketAt,
      bitrateBps: this.state === 'receiving' ? this.meter.bitsPerSecond() : 0,
      peer: this.tracker.peer,
      srt: this.stats ? { ...this.stats } : null,
    };
  }

  /** The child's stdout is ours; the supervisor gets a handle without it. */
  private takeStdout(child: ChildHandle): ChildHandle {
    const stdout: Readable | null = child.stdout;
    // Whatever a previous child left half-sent is not the start of this one's stream.
    this.chunker.reset();
    stdout?.on('data', (chunk: Buffer) => this.onData(chunk));
    return stdoutTaken(child);
  }

  private onData(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.process?.reportProgress(chunk.length);
    this.chunker.push(chunk);
  }

  private forward(ts: Buffer): void {
    this.tsBytes += ts.length;
    this.lastPacketAt = this.clock.now();
    // A packet split across two reads comes alone, in the aligner's carry buffer, which the next
    // split packet overwrites; the fan-out queues chunks by reference (FanOut: "buffers are
    // immutable once received"), so that one is copied. Longer runs are views of the child's
    // chunks, never reused. (Seen with encoders whose SRT messages are not 188-byte multiples.)
    this.sink.ts(ts.length === TS_PACKET_SIZE ? Buffer.from(ts) : ts);
  }

  private onLine(text: string, at: number): void {
    const line = parseSrtInputLine(text);
    if (!line) return;
    if (line.kind === 'stats') return this.onReport(line.report, at); // statistics are in the pipe; stderr would do too
    if (line.kind === 'error') {
      // The verbose line has the errno; the summary that follows it does not: keep the first.
      this.childError ??= describeSrtError(line, this.where, this.input.mode === 'listener');
      return;
    }
    if (line.kind === 'accepted' || line.kind === 'established' || line.kind === 'disconnected') this.endConnection();
    this.emit(this.tracker.push(line, at));
    if (line.kind === 'refused_by_listener') this.refusedByListener(line);
  }

  private refusedByListener(line: Extract<SrtInputLine, { kind: 'refused_by_listener' }>): void {
    // srt-live-transmit would call again at once, forever; the supervisor's backoff paces it instead.
    this.childError = `listener ${this.where} refused the call: ${describeRefusalByListener(line.reason, this.input.passphrase !== null)}`;
    this.process?.failNow(this.childError);
  }

  private onStatsLine(line: string): void {
    const report = parseSrtReceiveReport(line);
    if (report && this.started) this.onReport(report, this.clock.now());
  }

  private onReport(r: SrtReceiveReport, at: number): void {
    if (this.report && this.report.sid !== r.sid) this.endConnection();
    this.report = r;
    this.stats = {
      at,
      rttMs: r.rttMs,
      recvRateMbps: r.recvRateMbps,
      latencyMs: r.latencyMs,
      packetsReceived: r.packetsReceived,
      packetsLost: r.packetsLost,
      packetsRetransmitted: r.packetsRetransmitted,
      packetsDropped: r.packetsDropped,
    };
  }

  /** The connection the statistics were about is over: its totals join the source's. */
  private endConnection(): void {
    if (this.report) {
      this.pastDropped += this.report.packetsDropped;
      this.pastReceived += this.report.packetsReceived;
    }
    this.report = undefined;
    this.stats = null;
  }

  private onProcessState(process: SupervisedProcess, to: ProcessState, event: StateChangeEvent): void {
    switch (to) {
      case 'starting':
        this.childError = undefined;
        this.setState('starting', null);
        return;
      case 'running':
        this.error = null;
        this.setState('no_signal', describeSrtInput(this.input));
        return;
      case 'backoff':
      case 'failed': {
        this.emit(this.tracker.childGone('lost: the receiver exited'));
        this.endConnection();
        const next = process.snapshot().nextRetryAt;
        const retry = next === undefined ? '' : ` (retrying in ${Math.max(1, Math.round((next - this.clock.now()) / 1000))} s)`;
        this.error = `${this.childError ?? event.reason ?? 'srt-live-transmit exited'}${retry}`;
        this.setState('error', this.error);
        return;
      }
      default:
        return; // stopping/stopped: stop() reports
    }
  }

  private tick(): void {
    const now = this.clock.now();
    this.meter.sample(now, this.tsBytes);
    if (this.state !== 'no_signal' && this.state !== 'receiving') return;
    const receiving = this.lastPacketAt !== null && now - this.lastPacketAt < NO_SIGNAL_AFTER_MS;
    if (receiving && this.state === 'no_signal') this.setState('receiving', null);
    else if (!receiving && this.state === 'receiving') this.setState('no_signal', `no packet for ${NO_SIGNAL_AFTER_MS / 1000} s (${describeSrtInput(this.input)})`);
  }

  private emit(events: SourceEvent[]): void {
    for (const event of events) this.sink.event?.(event);
  }

  private setState(to: IngestState, detail: string | null): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    this.since = this.clock.now();
    this.sink.stateChanged(from, to, detail);
  }
}

/** SRT inputs on supervised srt-live-transmit children (or the given spawner's, in tests). */
export function srtSourceFactory(options: Pick<SrtSourceOptions, 'spawner' | 'clock' | 'command' | 'statsPipe'> = {}): SourceFactoryOf<SrtInputConfig> {
  return (input, sink) => new SrtSource({ input, sink, ...options });
}
