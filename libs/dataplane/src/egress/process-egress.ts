import { SupervisedProcess, type LineParser, type Spawner } from '@mld/supervisor';
import { ChunkQueue } from '../fanout/chunk-queue.js';
import { RateMeter } from '../rate-meter.js';
import type { EgressSnapshot, OutputConfig } from '../types.js';
import type { Egress } from './egress.js';
import { outputRedactor } from './redactor.js';

export interface ProcessEgressOptions {
  config: OutputConfig;
  command: string;
  args: string[];
  parser: LineParser;
  /** Parse stdout too (FFmpeg -progress pipe:1). */
  parseStdout?: boolean;
  /** Bytes an output may fall behind before its own data is dropped (default 4 MiB ≈ 4 s at 8 Mbit/s). */
  maxQueueBytes?: number;
  /** Queued TS is written in batches at most this often: bigger reads cost the child less CPU (EVIDENCE §11). */
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
  spawner?: Spawner;
  onStateChange?: (snapshot: EgressSnapshot, reason: string | undefined) => void;
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
  readonly config: OutputConfig;
  private readonly process: SupervisedProcess;
  private readonly queue: ChunkQueue;
  private readonly meter = new RateMeter(2000);
  private readonly coalesceMs: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;
  private bytesOut = 0;
  private connected: boolean | null;

  constructor(private readonly options: ProcessEgressOptions) {
    this.id = options.config.id;
    this.config = options.config;
    this.queue = new ChunkQueue(options.maxQueueBytes ?? 4 * 1024 * 1024);
    this.coalesceMs = options.coalesceMs ?? 4;
    this.connected = options.connectedPattern ? false : null;
    this.process = new SupervisedProcess({
      owner: `output:${options.config.id}`,
      command: options.command,
      args: options.args,
      stdin: 'pipe',
      stdout: options.parseStdout ? 'parse' : 'ignore',
      parser: options.parser,
      redact: outputRedactor(options.config),
      stallTimeoutMs: options.stallTimeoutMs ?? 10_000,
      // Never "running" merely because we handed it bytes: either the tool says it is connected,
      // or it stayed alive 1.5 s (tools without a connection notion).
      ...(options.readiness === 'connected' ? { startupMs: 2 ** 31 - 1, readyOnProgress: 'parser' as const } : { startupMs: 1500, readyOnProgress: false }),
      stopGraceMs: 3000,
      backoff: { baseMs: 500, factor: 2, capMs: 10_000, jitter: 'equal' },
      healthyAfterMs: 30_000,
      ...(options.spawner ? { spawner: options.spawner } : {}),
    });
    this.process.on('drain', () => {
      this.waitingForDrain = false;
      this.flush();
    });
    this.process.on('stderr', ({ line }) => {
      if (!options.connectedPattern) return;
      if (options.connectedPattern.test(line)) this.connected = true;
    });
    this.process.onStateChange((_from, to, event) => {
      if (to !== 'running' && to !== 'starting') this.connected = options.connectedPattern ? false : null;
      if (to === 'starting') {
        // A new child starts from fresh data, not from what queued up while the last one was dead.
        this.queue.clear();
        this.waitingForDrain = false;
      }
      options.onStateChange?.(this.snapshot(), event.reason);
    });
  }

  start(): void {
    this.process.start();
    this.idleTimer ??= setInterval(() => {
      if (this.queue.empty && !this.waitingForDrain) this.process.reportProgress(0);
      this.meter.sample(Date.now(), this.bytesOut);
    }, 500);
  }

  async stop(): Promise<void> {
    clearTimeout(this.flushTimer);
    clearInterval(this.idleTimer);
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
    if (this.flushTimer === undefined && !this.waitingForDrain) this.flushTimer = setTimeout(() => this.flush(), this.coalesceMs);
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
      connected: this.connected,
      bytesOut: this.bytesOut,
      bitrateBps: this.meter.bitsPerSecond(),
      queueBytes: this.queue.bytes,
      droppedBytes: this.queue.droppedBytes,
    };
  }

  private flush(): void {
    this.flushTimer = undefined;
    while (!this.waitingForDrain) {
      const batch = this.queue.take(WRITE_BATCH_BYTES);
      if (!batch) return;
      if (this.process.write(batch)) {
        this.bytesOut += batch.length;
        this.process.reportProgress(batch.length);
      } else {
        this.queue.unshift(batch);
        // Full pipe: wait for its drain event. Broken pipe (child gone): the state change clears us.
        this.waitingForDrain = this.process.canWrite === false && (this.process.state === 'running' || this.process.state === 'starting');
        if (!this.waitingForDrain) this.queue.clear();
        return;
      }
    }
  }
}
