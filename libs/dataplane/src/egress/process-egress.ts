import type { Scte35Cue } from '@mld/ts-analysis';
import { defaultSpawner, SupervisedProcess, systemClock, type Clock, type LineParser, type Spawner, type TimerHandle } from '@mld/supervisor';
import { ChunkQueue } from '../fanout/chunk-queue.js';
import { RateMeter } from '../rate-meter.js';
import type { EgressSnapshot, EgressTarget, FfmpegProgress, SrtLinkStats } from '../types.js';
import type { Egress, EgressStateListener } from './egress.js';
import { outputRedactor } from './redactor.js';
import { DeliveryReports, type ChildStdoutSink } from './stdout-sink.js';
import { parseFfmpegProgressLine, parseSrtStatsJson } from './tool-parsers.js';

export interface ProcessEgressOptions {
  config: EgressTarget;
  command: string;
  args: string[];
  parser: LineParser;
  /** Parse stdout too (FFmpeg -progress pipe:1). */
  parseStdout?: boolean;
  /** Bytes an output may fall behind before its own data is dropped (default 4 MiB ≈ 4 s at 8 Mbit/s). */
  maxQueueBytes?: number;
  /**
   * Queued TS is written in batches at most this often (0: at once). Measured with npm run bench (1x2): 4 ms →
   * child 0.80-0.89× a bare relay, +8 ms p50 latency over it; 1 ms → 1.00×, +5.7 ms; 0 → 1.13×, +4.6 ms.
   */
  coalesceMs?: number;
  stallTimeoutMs?: number;
  /** Lines that report a live connection to the peer (SRT); absent: `connected` stays null. */
  connectedPattern?: RegExp;
  /**
   * 'connected': the output is `running` only once the tool reports its peer connected (SRT: a
   * caller that cannot connect stays `starting`, then fails; a listener waits in `starting`).
   * 'alive' (default): after 1.5 s alive.
   */
  readiness?: 'alive' | 'connected';
  /** What the tool prints on stdout: SRT JSON statistics or FFmpeg -progress blocks. */
  stdoutStats?: 'srt' | 'ffmpeg';
  /** FFmpeg: speed below this for `slowTimeoutMs` is treated as a stall (the destination cannot keep up). */
  minSpeed?: number;
  slowTimeoutMs?: number;
  /**
   * Takes the child's stdout as a byte stream and delivers it (RTMP: FFmpeg's FLV, published by the
   * service). With a sink, only the sink's progress counts: the output is `running` once the sink
   * reports bytes accepted by the destination, and bytes/bitrate are what the sink sent.
   */
  stdoutSink?: ChildStdoutSink;
  spawner?: Spawner;
  /** Time for the supervisor, the write coalescing and the meters (a FakeClock in unit tests). */
  clock?: Clock;
  onStateChange?: EgressStateListener;
}

const WRITE_BATCH_BYTES = 64 * 1316;

/**
 * An output served by a supervised child fed on stdin (srt-live-transmit, FFmpeg).
 * TS waits in this output's own bounded queue; when the child does not keep up the queue fills
 * and only this output drops. Each accepted write feeds the stall watchdog; an empty queue
 * does too (no input is not a stall), so only a child that stops reading is killed.
 */
export class ProcessEgress implements Egress {
  readonly id: string;
  readonly config: EgressTarget;
  private readonly process: SupervisedProcess;
  private readonly queue: ChunkQueue;
  private readonly meter = new RateMeter(2000);
  private readonly coalesceMs: number;
  private readonly clock: Clock;
  private flushTimer: TimerHandle | undefined;
  private idleTimer: TimerHandle | undefined;
  private waitingForDrain = false;
  private bytesOut = 0;
  private connected: boolean | null;
  private srtStats: SrtLinkStats | null = null;
  private ffmpegProgress: FfmpegProgress | null = null;
  private slowSince: number | null = null;
  /** (wall time, output time) samples: FFmpeg's own speed is an average since start, skewed by probing. */
  private outTimeSamples: Array<{ at: number; outTime: number }> = [];

  constructor(private readonly options: ProcessEgressOptions) {
    this.id = options.config.id;
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.queue = new ChunkQueue(options.maxQueueBytes ?? 4 * 1024 * 1024);
    this.coalesceMs = options.coalesceMs ?? 1;
    this.connected = options.connectedPattern || options.stdoutSink ? false : null;
    const sink = options.stdoutSink;
    const spawner = options.spawner ?? defaultSpawner();
    const reports = sink ? new DeliveryReports() : undefined;
    this.process = new SupervisedProcess({
      owner: options.config.protocol === 'hls' ? options.config.id : `output:${options.config.id}`,
      command: options.command,
      args: options.args,
      stdin: 'pipe',
      stdout: options.parseStdout || options.stdoutStats || sink ? 'parse' : 'ignore',
      parser: reports ? reports.parser(options.parser) : options.parser,
      redact: options.config.protocol === 'hls' ? (text: string) => text : outputRedactor(options.config),
      stallTimeoutMs: options.stallTimeoutMs ?? 10_000,
      // srt-live-transmit's JSON statistics lines are ~800 characters.
      maxLineLength: 4096,
      // Never "running" merely because we handed it bytes: either the tool says it is connected,
      // the sink delivered bytes to the destination, or it stayed alive 1.5 s (tools without a connection notion).
      ...(sink || options.readiness === 'connected' ? { startupMs: 2 ** 31 - 1, readyOnProgress: 'parser' as const } : { startupMs: 1500, readyOnProgress: false }),
      stopGraceMs: 3000,
      backoff: { baseMs: 500, factor: 2, capMs: 10_000, jitter: 'equal' },
      healthyAfterMs: 30_000,
      clock: this.clock,
      spawner:
        sink && reports
          ? reports.spawner(spawner, (stdout) =>
              sink.attach(stdout, {
                progress: (bytes) => {
                  reports.delivered();
                  this.process.reportProgress(bytes);
                },
                fail: (reason) => this.process.failNow(reason),
              }),
            )
          : spawner,
    });
    this.process.on('drain', () => {
      this.waitingForDrain = false;
      this.flush();
    });
    this.process.on('stdout', ({ line, at }) => {
      if (options.stdoutStats === 'srt') this.onSrtStats(line, at);
      else if (options.stdoutStats === 'ffmpeg') this.onFfmpegProgress(line, at);
    });
    this.process.on('stderr', ({ line }) => {
      if (!options.connectedPattern) return;
      if (options.connectedPattern.test(line)) this.connected = true;
    });
    this.process.onStateChange((from, to, event) => {
      if (to !== 'running' && to !== 'starting') {
        sink?.detach();
        this.connected = options.connectedPattern || sink ? false : null;
      }
      if (to === 'starting') {
        this.srtStats = null;
        this.ffmpegProgress = null;
        this.slowSince = null;
        this.outTimeSamples = [];
        // A new child starts from fresh data, not from what queued up while the last one was dead.
        this.queue.clear();
        this.waitingForDrain = false;
      }
      options.onStateChange?.({ from, to, snapshot: this.snapshot(), reason: event.reason });
    });
  }

  start(): void {
    this.process.start();
    this.idleTimer ??= this.clock.setInterval(() => {
      const sink = this.options.stdoutSink;
      // With a sink, silence is only innocent while the destination session is up and drained.
      if (this.queue.empty && !this.waitingForDrain && (!sink || sink.idle)) this.process.reportProgress(0);
      const now = this.clock.now();
      if (sink) this.onSinkTick(sink, now);
      this.meter.sample(now, this.bytesSent());
    }, 500);
  }

  async stop(): Promise<void> {
    if (this.flushTimer !== undefined) this.clock.clearTimeout(this.flushTimer);
    if (this.idleTimer !== undefined) this.clock.clearInterval(this.idleTimer);
    this.flushTimer = undefined;
    this.idleTimer = undefined;
    this.queue.clear();
    await this.process.stop();
  }

  retryNow(): void {
    this.process.retryNow();
  }

  accept(ts: Buffer): void {
    const state = this.process.state;
    if (state !== 'running' && state !== 'starting') return; // nobody to give it to; the counters say so
    this.queue.push(ts);
    if (this.waitingForDrain) return;
    if (this.coalesceMs === 0) this.flush();
    else if (this.flushTimer === undefined) this.flushTimer = this.clock.setTimeout(() => this.flush(), this.coalesceMs);
  }

  cue(cue: Scte35Cue): void {
    this.options.stdoutSink?.cue?.(cue);
  }

  snapshot(): EgressSnapshot {
    const s = this.process.snapshot();
    return {
      id: this.id,
      name: this.config.name,
      protocol: this.config.protocol,
      state: s.state,
      since: s.since,
      pid: s.pid ?? null,
      restarts: s.restarts,
      lastError: s.lastError ?? null,
      nextRetryAt: s.nextRetryAt ?? null,
      startedAt: s.startedAt ?? null,
      // A sink's session (RTMP) counts once the output runs: a publish the server accepts and then
      // closes (an access rule denying it) was never a connection the operator should see.
      connected: this.options.stdoutSink ? this.options.stdoutSink.connected && s.state === 'running' : this.connected,
      bytesOut: this.bytesSent(),
      bitrateBps: this.meter.bitsPerSecond(),
      queueBytes: this.queue.bytes,
      droppedBytes: this.queue.droppedBytes,
      srt: this.srtStats,
      ffmpeg: this.ffmpegProgress,
    };
  }

  private onSrtStats(line: string, at: number): void {
    const stats = parseSrtStatsJson(line);
    if (!stats) return;
    const previous = this.srtStats;
    // srt-live-transmit reports per interval; keep running totals for the API.
    this.srtStats = {
      at,
      rttMs: stats.rtt,
      sendRateMbps: stats.mbitRate,
      bandwidthMbps: stats.bandwidth,
      latencyMs: stats.msTsbPdDelay,
      bufferMs: stats.msBuf,
      packetsSent: (previous?.packetsSent ?? 0) + stats.packets,
      packetsRetransmitted: (previous?.packetsRetransmitted ?? 0) + stats.packetsRetransmitted,
      packetsLost: (previous?.packetsLost ?? 0) + stats.packetsLost,
      packetsDropped: (previous?.packetsDropped ?? 0) + stats.packetsDropped,
    };
  }

  private onFfmpegProgress(line: string, at: number): void {
    const kv = parseFfmpegProgressLine(line);
    if (!kv) return;
    const p: FfmpegProgress = this.ffmpegProgress ?? { at, outTimeSeconds: null, speed: null, bitrateKbps: null, frames: null, fps: null, dropFrames: null };
    p.at = at;
    if (kv.key === 'out_time_us') p.outTimeSeconds = kv.value === null ? null : kv.value / 1e6;
    else if (kv.key === 'speed') p.speed = kv.value;
    else if (kv.key === 'bitrate') p.bitrateKbps = kv.value;
    else if (kv.key === 'frame') p.frames = kv.value;
    else if (kv.key === 'fps') p.fps = kv.value;
    else if (kv.key === 'drop_frames') p.dropFrames = kv.value;
    this.ffmpegProgress = p;
    if (kv.key !== 'out_time_us' || kv.value === null) return;
    this.checkSpeed(at, kv.value / 1e6);
  }

  /** FFmpeg-style progress from what the sink delivered: output time and frames actually sent. */
  private onSinkTick(sink: ChildStdoutSink, at: number): void {
    if (sink.outTimeMs < 0) return;
    const outTimeSeconds = sink.outTimeMs / 1000;
    const previous = this.ffmpegProgress;
    if (previous?.outTimeSeconds === outTimeSeconds) return;
    this.ffmpegProgress = { at, outTimeSeconds, speed: previous?.speed ?? null, bitrateKbps: Math.round(this.meter.bitsPerSecond() / 100) / 10, frames: sink.videoFrames, fps: null, dropFrames: null };
    this.checkSpeed(at, outTimeSeconds);
  }

  private checkSpeed(at: number, outTime: number): void {
    if (this.options.minSpeed === undefined) return;
    // Speed over the last 10 s of wall time, measured by us.
    this.outTimeSamples.push({ at, outTime });
    while (this.outTimeSamples.length > 2 && this.outTimeSamples[0]!.at < at - 10_000) this.outTimeSamples.shift();
    const first = this.outTimeSamples[0]!;
    if (at - first.at < 5000) return;
    const speed = (outTime - first.outTime) / ((at - first.at) / 1000);
    if (this.options.stdoutSink && this.ffmpegProgress) this.ffmpegProgress.speed = Math.round(speed * 100) / 100;
    // A push slower than real time only falls further behind: after a while, restart it.
    if (speed < this.options.minSpeed && this.process.state === 'running') {
      this.slowSince ??= at;
      const limit = this.options.slowTimeoutMs ?? 20_000;
      if (at - this.slowSince >= limit) {
        this.slowSince = null;
        this.process.failNow(`stalled: speed ${speed.toFixed(2)}x, below ${this.options.minSpeed}x for ${Math.round(limit / 1000)} s (the destination does not take the stream in real time)`);
      }
    } else this.slowSince = null;
  }

  private flush(): void {
    this.flushTimer = undefined;
    while (!this.waitingForDrain) {
      const batch = this.queue.take(WRITE_BATCH_BYTES);
      if (!batch) return;
      if (this.process.write(batch)) {
        this.bytesOut += batch.length;
        this.options.stdoutSink?.inputWritten?.(batch);
        // With a sink, handing bytes to the child proves nothing about the destination.
        if (!this.options.stdoutSink) this.process.reportProgress(batch.length);
      } else {
        this.queue.unshift(batch);
        // Full pipe: wait for its drain event. Broken pipe (child gone): the state change clears us.
        this.waitingForDrain = this.process.canWrite === false && (this.process.state === 'running' || this.process.state === 'starting');
        if (!this.waitingForDrain) this.queue.clear();
        return;
      }
    }
  }

  private bytesSent(): number {
    return this.options.stdoutSink ? this.options.stdoutSink.bytesOut : this.bytesOut;
  }
}
