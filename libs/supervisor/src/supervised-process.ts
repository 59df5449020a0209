import { Backoff } from './backoff.js';
import { ChildRun, type ChildRunResult, type ChildRunSettings } from './child-run.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { genericLineParser, type LineParser } from './line-parser.js';
import { OutputLines, safeRedactor } from './output-lines.js';
import { RingBuffer } from './ring-buffer.js';
import { defaultSpawner, type ChildExit, type ChildHandle, type Spawner } from './spawner.js';
import { canTransition, IllegalTransitionError, type ProcessOrder, type ProcessState } from './state.js';
import type {
  ProcessSnapshot,
  StateChangeEvent,
  StdinStats,
  SupervisedProcessEvents,
  SupervisedProcessOptions,
} from './supervised-process.types.js';
import { TypedEmitter, type Listener } from './typed-emitter.js';

const MIN_RETRY_DELAY_MS = 10;

/**
 * One supervised child program. The owner gives orders (start/stop); the
 * process walks the state machine, restarts with backoff, kills stalled
 * children and keeps a redacted view of what the child said.
 */
export class SupervisedProcess {
  readonly owner: string;
  private readonly argv: string[];
  private readonly spawner: Spawner;
  private readonly clock: Clock;
  private readonly redact: (text: string) => string;
  private readonly settings: ChildRunSettings;
  private readonly backoff: Backoff;
  private readonly tail: RingBuffer<string>;
  private readonly emitter = new TypedEmitter<SupervisedProcessEvents>();
  private readonly stdinStats: StdinStats = { bytes: 0, rejected: 0, errors: 0 };
  private orderValue: ProcessOrder = 'stop';
  private stateValue: ProcessState = 'stopped';
  private since: number;
  private run: ChildRun | undefined;
  private retryTimer: TimerHandle | undefined;
  private nextRetryAt: number | undefined;
  private restarts = 0;
  private failures = 0;
  private lastExit: ChildExit = { code: null, signal: null };
  private lastError: { message: string; at: number } | undefined;
  /** Set when the tool printed a line its parser marks fatal: the exit then fails for good. */
  private fatalReason: string | undefined;
  private lastProgressAt: number | undefined;
  private progressBytes = 0;
  private stopWaiters: (() => void)[] = [];
  private readonly queuedStateEvents: StateChangeEvent[] = [];
  private drainingStateEvents = false;

  constructor(private readonly options: SupervisedProcessOptions) {
    if (!options.owner) throw new TypeError('owner is required');
    if (!options.command) throw new TypeError('command is required');
    const { startupMs, stallTimeoutMs, stopGraceMs, healthyAfterMs, maxRestarts, maxLineLength, stderrTailLines } = options;
    for (const [name, value] of Object.entries({ startupMs, stallTimeoutMs, stopGraceMs, healthyAfterMs, maxRestarts, maxLineLength, stderrTailLines })) {
      if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new RangeError(`${name} must be a number >= 0, got ${value}`);
    }
    if (stallTimeoutMs === 0) throw new RangeError('stallTimeoutMs must be > 0 (leave it undefined to disable the watchdog)');
    this.owner = options.owner;
    this.spawner = options.spawner ?? defaultSpawner();
    this.clock = options.clock ?? systemClock;
    this.redact = safeRedactor(options.redact);
    this.backoff = new Backoff(options.backoff, options.random);
    this.tail = new RingBuffer(stderrTailLines ?? 50);
    this.argv = [options.command, ...(options.args ?? [])].map((item) => this.redact(item));
    this.settings = {
      startupMs: startupMs ?? 1000,
      readyOnProgress: options.readyOnProgress ?? true,
      stallTimeoutMs,
      healthyAfterMs: healthyAfterMs ?? 30_000,
      stopSignal: options.stopSignal ?? 'SIGTERM',
      stopGraceMs: stopGraceMs ?? 5000,
    };
    this.since = this.clock.now();
  }

  get state(): ProcessState {
    return this.stateValue;
  }

  get order(): ProcessOrder {
    return this.orderValue;
  }

  get pid(): number | undefined {
    return this.run?.child.pid;
  }

  on<K extends keyof SupervisedProcessEvents>(name: K, listener: Listener<SupervisedProcessEvents[K]>): () => void {
    return this.emitter.on(name, listener);
  }

  onStateChange(listener: (from: ProcessState, to: ProcessState, event: StateChangeEvent) => void): () => void {
    return this.emitter.on('state', (event) => listener(event.from, event.to, event));
  }

  start(): void {
    this.orderValue = 'start';
    const idle = this.stateValue === 'stopped' || this.stateValue === 'failed';
    // A new start order forgets the failures of the previous one.
    if (idle || this.stateValue === 'stopping') this.resetCounters();
    // While stopping, the exit handler sees the start order and launches again.
    if (idle) this.launch();
  }

  /** Resolves once the child is reaped (at once when there is none). */
  stop(): Promise<void> {
    this.orderValue = 'stop';
    switch (this.stateValue) {
      case 'stopped':
        return Promise.resolve();
      case 'backoff':
      case 'failed':
        this.cancelRetry();
        this.setState('stopped', 'stop requested');
        return Promise.resolve();
      case 'starting':
      case 'running':
        this.setState('stopping', 'stop requested');
        this.run?.stop();
        return this.waitStopped();
      case 'stopping':
        return this.waitStopped();
    }
  }

  /** Skips the pending backoff delay, or tries again after `failed`. False when there is nothing to retry. */
  retryNow(): boolean {
    if (this.stateValue === 'backoff') {
      this.cancelRetry();
    } else if (this.stateValue === 'failed') {
      this.orderValue = 'start';
      this.failures = 0;
      this.backoff.reset();
    } else {
      return false;
    }
    this.restarts += 1;
    this.launch();
    return true;
  }

  /** Feeds the stall watchdog: call when the child demonstrably moved data. */
  /**
   * Fails the running child now (SIGKILL, then backoff as for any failure), for health checks
   * the owner makes itself, such as an RTMP push persistently slower than real time.
   */
  failNow(reason: string): void {
    this.run?.failNow(this.redact(reason));
  }

  reportProgress(bytes = 0): void {
    if (!this.run || this.run.stopping) return;
    this.progressBytes += bytes;
    this.run.reportProgress();
  }

  /**
   * Hands a chunk to the child's stdin. True when accepted; false when the
   * pipe is full (wait for `drain`), closed or absent. Never throws and never
   * queues more than one pipe buffer, so the owner's bounded buffer decides
   * what is dropped.
   */
  write(chunk: Uint8Array | string): boolean {
    if (this.run) return this.run.write(chunk);
    this.stdinStats.rejected += 1;
    return false;
  }

  get canWrite(): boolean {
    return this.run?.canWrite ?? false;
  }

  snapshot(): ProcessSnapshot {
    const run = this.run;
    return {
      owner: this.owner,
      order: this.orderValue,
      state: this.stateValue,
      since: this.since,
      pid: run?.child.pid,
      argv: [...this.argv],
      restarts: this.restarts,
      consecutiveFailures: this.failures,
      lastExitCode: this.lastExit.code,
      lastSignal: this.lastExit.signal,
      lastError: this.lastError?.message,
      lastErrorAt: this.lastError?.at,
      nextRetryAt: this.nextRetryAt,
      startedAt: run?.startedAt,
      uptimeMs: run ? this.clock.now() - run.startedAt : 0,
      lastProgressAt: this.lastProgressAt,
      progressBytes: this.progressBytes,
      parentDeathSignal: run?.child.parentDeathSignal ?? false,
      stdin: { ...this.stdinStats },
      stderrTail: this.tail.toArray(),
    };
  }

  private launch(): void {
    let child: ChildHandle;
    try {
      child = this.spawner.spawn({
        command: this.options.command,
        args: this.options.args ?? [],
        cwd: this.options.cwd,
        env: this.options.env,
        stdin: this.options.stdin ?? 'ignore',
        stdout: this.options.stdout === 'parse' ? 'pipe' : 'ignore',
      });
    } catch (err) {
      const message = this.redact(err instanceof Error ? err.message : String(err));
      this.setState('starting');
      this.emitter.emit('error', { owner: this.owner, source: 'spawn', message, at: this.clock.now() });
      this.fail(`spawn failed: ${message}`);
      return;
    }
    const toolParser = this.options.parser ?? genericLineParser;
    this.fatalReason = undefined;
    const parser: LineParser = {
      parse: (line) => {
        const parsed = toolParser.parse(line);
        if (parsed?.fatal) this.fatalReason ??= parsed.error ?? line;
        return parsed;
      },
    };
    const output = new OutputLines(parser, this.redact, this.options.maxLineLength ?? 500);
    const run: ChildRun = new ChildRun(child, output, this.settings, this.clock, this.redact, this.stdinStats, {
      ready: () => {
        if (this.run === run && this.stateValue === 'starting') this.setState('running');
      },
      healthy: () => {
        if (this.run !== run) return;
        this.failures = 0;
        this.backoff.reset();
      },
      line: ({ stream, line, error, parserError }, at) => {
        if (stream === 'stderr') {
          this.tail.push(line);
          this.emitter.emit('stderr', { owner: this.owner, line, at });
        } else this.emitter.emit('stdout', { owner: this.owner, line, at });
        if (error) this.lastError = { message: error, at };
        if (parserError) this.emitter.emit('error', { owner: this.owner, source: 'parser', message: parserError, at });
      },
      progress: (line, at) => {
        this.lastProgressAt = at;
        if (line?.progress) this.emitter.emit('progress', { owner: this.owner, progress: line.progress, at });
      },
      stalled: (reason, at) => {
        this.lastError = { message: reason, at };
      },
      error: (source, message, at) => this.emitter.emit('error', { owner: this.owner, source, message, at }),
      drain: () => {
        if (this.run === run) this.emitter.emit('drain', { owner: this.owner });
      },
      exit: (result) => this.onExit(run, result),
    });
    // In place before anyone hears "starting", so a listener that calls stop() finds a child to stop.
    this.run = run;
    run.begin();
    this.setState('starting');
    this.emitter.emit('spawn', { owner: this.owner, pid: child.pid, argv: [...this.argv], at: run.startedAt });
  }

  private onExit(run: ChildRun, result: ChildRunResult): void {
    if (this.run !== run) return;
    this.run = undefined;
    this.lastExit = result.exit;
    const at = this.clock.now();
    const { code, signal } = result.exit;
    const base = { owner: this.owner, pid: run.child.pid, code, signal, uptimeMs: result.uptimeMs, at };
    if (result.stopRequested) {
      const reason = result.escalated ? `still alive ${this.settings.stopGraceMs} ms after ${this.settings.stopSignal}: SIGKILL` : undefined;
      // Whatever the code (FFmpeg exits 255 after SIGTERM), an exit we asked for is a clean stop.
      this.emitter.emit('exit', { ...base, expected: true, ...(reason ? { reason } : {}) });
      this.setState('stopped', 'stopped on request');
      for (const resolve of this.stopWaiters.splice(0)) resolve();
      if (this.orderValue === 'start') this.launch();
      return;
    }
    const reason = result.failure ?? withDetail(describeExit(result.exit), this.fatalReason ?? result.parsedError);
    this.emitter.emit('exit', { ...base, expected: false, reason });
    if (this.fatalReason !== undefined && result.failure === undefined) {
      this.lastError = { message: reason, at };
      this.nextRetryAt = undefined;
      this.setState('failed', `${reason} (not retried: retrying cannot fix this)`);
      return;
    }
    this.fail(reason);
  }

  private fail(reason: string): void {
    const at = this.clock.now();
    this.lastError = { message: reason, at };
    this.failures += 1;
    const limit = this.options.maxRestarts;
    if (limit !== undefined && this.failures > limit) {
      this.nextRetryAt = undefined;
      this.setState('failed', `${reason} (gave up after ${this.failures} consecutive failures)`);
      return;
    }
    // Absolute floor whatever the backoff config says: a child that dies at
    // once must never turn into a spawn loop.
    const delay = Math.max(MIN_RETRY_DELAY_MS, this.backoff.next());
    this.nextRetryAt = at + delay;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.nextRetryAt = undefined;
      this.restarts += 1;
      this.launch();
    }, delay);
    this.setState('backoff', reason);
  }

  private setState(to: ProcessState, reason?: string): void {
    const from = this.stateValue;
    if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
    this.stateValue = to;
    this.since = this.clock.now();
    this.queuedStateEvents.push({ owner: this.owner, from, to, at: this.since, ...(reason ? { reason } : {}) });
    // A listener that changes state again (stop() in a handler) is heard after
    // the current event, so every listener sees the transitions in order.
    if (this.drainingStateEvents) return;
    this.drainingStateEvents = true;
    try {
      for (let event = this.queuedStateEvents.shift(); event; event = this.queuedStateEvents.shift()) this.emitter.emit('state', event);
    } finally {
      this.drainingStateEvents = false;
    }
  }

  private waitStopped(): Promise<void> {
    return new Promise((resolve) => this.stopWaiters.push(resolve));
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.nextRetryAt = undefined;
  }

  private resetCounters(): void {
    this.restarts = 0;
    this.failures = 0;
    this.backoff.reset();
  }
}

function describeExit(exit: ChildExit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  return exit.code === null ? 'exited' : `exited with code ${exit.code}`;
}

function withDetail(summary: string, detail: string | undefined): string {
  return detail ? `${summary}: ${detail}` : summary;
}
