import type { Clock, TimerHandle } from './clock.js';
import { OutputLines, type OutputLine } from './output-lines.js';
import type { ChildExit, ChildHandle } from './spawner.js';
import type { StdinStats } from './supervised-process.types.js';

export interface ChildRunSettings {
  startupMs: number;
  readyOnProgress: boolean | 'parser';
  stallTimeoutMs: number | undefined;
  healthyAfterMs: number;
  stopSignal: NodeJS.Signals;
  stopGraceMs: number;
}

/** How a run tells its supervisor what happened; the supervisor owns state and counters. */
export interface ChildRunHooks {
  ready(): void;
  healthy(): void;
  line(line: OutputLine, at: number): void;
  progress(line: OutputLine | undefined, at: number): void;
  stalled(reason: string, at: number): void;
  error(source: 'spawn' | 'stdin' | 'stdout' | 'stderr', message: string, at: number): void;
  drain(): void;
  exit(result: ChildRunResult): void;
}

export interface ChildRunResult {
  exit: ChildExit;
  /** We sent the stop signal, so any exit code is a clean stop. */
  stopRequested: boolean;
  /** The grace period ran out and SIGKILL followed. */
  escalated: boolean;
  /** Why we killed it (stall) or why it never ran (spawn error). */
  failure: string | undefined;
  parsedError: string | undefined;
  uptimeMs: number;
}

type TimerName = 'startup' | 'stall' | 'healthy' | 'kill';

/** One child's lifetime: its timers, its output, its stdin. Replaced on every restart. */
export class ChildRun {
  readonly startedAt: number;
  private lastProgressAt: number;
  private isReady = false;
  private stopRequested = false;
  private escalated = false;
  private failure: string | undefined;
  private parsedError: string | undefined;
  private done = false;
  private readonly timers = new Map<TimerName, TimerHandle>();

  constructor(
    readonly child: ChildHandle,
    private readonly output: OutputLines,
    private readonly settings: ChildRunSettings,
    private readonly clock: Clock,
    private readonly redact: (text: string) => string,
    private readonly stdinStats: StdinStats,
    private readonly hooks: ChildRunHooks,
  ) {
    this.startedAt = clock.now();
    this.lastProgressAt = this.startedAt;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  begin(): void {
    const { child } = this;
    child.onError((error) => {
      const message = this.redact(error.message);
      if (child.pid === undefined) this.failure = `spawn failed: ${message}`;
      this.hooks.error('spawn', message, this.clock.now());
    });
    child.onExit((exit) => this.finish(exit));
    for (const stream of ['stderr', 'stdout'] as const) {
      const readable = child[stream];
      if (!readable) continue;
      readable.setEncoding('utf8');
      readable.on('data', (text: string) => this.handleLines(this.output.push(stream, text)));
      readable.on('error', (error: Error) => this.hooks.error(stream, this.redact(error.message), this.clock.now()));
    }
    child.stdin?.on('error', (error: Error) => {
      this.stdinStats.errors += 1;
      this.hooks.error('stdin', this.redact(error.message), this.clock.now());
    });
    child.stdin?.on('drain', () => this.hooks.drain());
    this.arm('startup', this.settings.startupMs, () => this.markReady());
    if (this.settings.stallTimeoutMs !== undefined) this.armStall(this.settings.stallTimeoutMs);
  }

  reportProgress(): void {
    if (this.done || this.stopRequested) return;
    this.noteProgress(undefined);
  }

  get canWrite(): boolean {
    const stdin = this.child.stdin;
    return !this.done && !!stdin && !stdin.destroyed && stdin.writable && !stdin.writableNeedDrain;
  }

  write(chunk: Uint8Array | string): boolean {
    if (!this.canWrite) {
      this.stdinStats.rejected += 1;
      return false;
    }
    try {
      this.child.stdin?.write(chunk);
    } catch {
      this.stdinStats.errors += 1;
      return false;
    }
    this.stdinStats.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    return true;
  }

  /** Stop signal to the whole group now, SIGKILL after the grace period. */
  stop(): void {
    if (this.done || this.stopRequested) return;
    this.stopRequested = true;
    this.clear('startup');
    this.clear('stall');
    this.clear('healthy');
    this.child.kill(this.settings.stopSignal);
    this.arm('kill', this.settings.stopGraceMs, () => {
      this.escalated = true;
      this.child.kill('SIGKILL');
    });
  }

  private handleLines(lines: readonly OutputLine[]): void {
    for (const line of lines) {
      const at = this.clock.now();
      if (line.error) this.parsedError = line.error;
      this.hooks.line(line, at);
      if (line.progress && !this.done && !this.stopRequested) this.noteProgress(line);
    }
  }

  private noteProgress(line: OutputLine | undefined): void {
    this.lastProgressAt = this.clock.now();
    this.hooks.progress(line, this.lastProgressAt);
    // 'parser': only what the tool itself says (e.g. "connected") proves readiness, not bytes we pushed.
    if (this.settings.readyOnProgress === true || (this.settings.readyOnProgress === 'parser' && line !== undefined)) this.markReady();
  }

  private markReady(): void {
    if (this.isReady || this.done || this.stopRequested) return;
    this.isReady = true;
    this.clear('startup');
    // A child that stays up this long proves the config works: its supervisor forgets earlier failures.
    this.arm('healthy', this.settings.healthyAfterMs, () => this.hooks.healthy());
    this.hooks.ready();
  }

  /** The owner judged the child unhealthy (e.g. too slow): SIGKILL it and fail with this reason. */
  failNow(reason: string): void {
    if (this.done || this.stopRequested || this.failure) return;
    this.failure = reason;
    this.hooks.stalled(reason, this.clock.now());
    this.child.kill('SIGKILL');
  }

  private armStall(delayMs: number): void {
    this.arm('stall', delayMs, () => {
      if (this.done || this.stopRequested || this.failure) return;
      const timeoutMs = this.settings.stallTimeoutMs ?? 0;
      const idleMs = this.clock.now() - this.lastProgressAt;
      // Progress only moves a timestamp and the timer re-arms lazily, so a
      // per-packet reportProgress() costs no timer churn.
      if (idleMs < timeoutMs) return this.armStall(timeoutMs - idleMs);
      this.failure = `stalled: no progress for ${Math.round(timeoutMs) / 1000} s`;
      this.hooks.stalled(this.failure, this.clock.now());
      // Straight to SIGKILL: a stalled child has nothing to flush, and FFmpeg
      // blocked on a dead RTMP peer ignores SIGTERM.
      this.child.kill('SIGKILL');
    });
  }

  private finish(exit: ChildExit): void {
    if (this.done) return;
    // Done first: a progress line in the final flush must not mark a dead child ready.
    this.done = true;
    this.handleLines(this.output.flush());
    for (const name of [...this.timers.keys()]) this.clear(name);
    this.hooks.exit({
      exit,
      stopRequested: this.stopRequested,
      escalated: this.escalated,
      failure: this.failure,
      parsedError: this.parsedError,
      uptimeMs: this.clock.now() - this.startedAt,
    });
  }

  private arm(name: TimerName, ms: number, callback: () => void): void {
    this.clear(name);
    this.timers.set(
      name,
      this.clock.setTimeout(() => {
        this.timers.delete(name);
        callback();
      }, ms),
    );
  }

  private clear(name: TimerName): void {
    const handle = this.timers.get(name);
    if (handle === undefined) return;
    this.clock.clearTimeout(handle);
    this.timers.delete(name);
  }
}
