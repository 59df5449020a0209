import { PassThrough, Writable } from 'node:stream';
import type { ChildExit, ChildHandle, SpawnRequest, Spawner } from '../spawner.js';

/**
 * A child that exists only in memory: the test decides when it prints, what
 * it does with signals and when it exits. Signals are recorded, not acted on.
 */
export class FakeChild implements ChildHandle {
  readonly signals: NodeJS.Signals[] = [];
  readonly parentDeathSignal = false;
  readonly stdin: Writable | null;
  readonly stdout: PassThrough | null;
  readonly stderr = new PassThrough();
  readonly fd3: PassThrough | null;
  /** Everything written to stdin. */
  readonly received: Buffer[] = [];
  private readonly errorListeners: ((error: Error) => void)[] = [];
  private readonly exitListeners: ((exit: ChildExit) => void)[] = [];
  private readonly pendingWrites: ((error?: Error | null) => void)[] = [];
  private exited = false;

  constructor(
    readonly pid: number | undefined,
    readonly request: SpawnRequest,
    stdinHighWaterMark = 16 * 1024,
  ) {
    this.stdout = request.stdout === 'pipe' ? new PassThrough() : null;
    this.fd3 = request.fd3 === 'pipe' ? new PassThrough() : null;
    this.stdin =
      request.stdin === 'pipe'
        ? new Writable({
            highWaterMark: stdinHighWaterMark,
            // Never calls back on its own: the test drains with acceptStdin().
            write: (chunk: Buffer, _encoding, callback) => {
              this.received.push(chunk);
              this.pendingWrites.push(callback);
            },
          })
        : null;
  }

  get isExited(): boolean {
    return this.exited;
  }

  kill(signal: NodeJS.Signals): boolean {
    if (this.exited) return false;
    this.signals.push(signal);
    return true;
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener);
  }

  onExit(listener: (exit: ChildExit) => void): void {
    this.exitListeners.push(listener);
  }

  printStderr(text: string): void {
    this.stderr.write(text);
  }

  /** Lets the stdin pipe take everything written so far (it emits 'drain' if it was full). */
  acceptStdin(): void {
    for (const callback of this.pendingWrites.splice(0)) callback();
  }

  failSpawn(error: Error): void {
    for (const listener of this.errorListeners) listener(error);
  }

  /** Ends the output streams, lets pending 'data' events run, then reports the exit. */
  async exit(code: number | null, signal: NodeJS.Signals | null = null): Promise<void> {
    if (this.exited) return;
    this.exited = true;
    this.stderr.end();
    this.stdout?.end();
    this.fd3?.end();
    await new Promise((resolve) => setImmediate(resolve));
    for (const listener of this.exitListeners) listener({ code, signal });
  }
}

/** Records spawn requests and hands out {@link FakeChild}ren. */
export class FakeSpawner implements Spawner {
  readonly children: FakeChild[] = [];
  /** When set, the next spawn() throws it (synchronous spawn failure). */
  throwOnSpawn: Error | undefined;
  private nextPid = 40_000;

  constructor(private readonly stdinHighWaterMark?: number) {}

  get last(): FakeChild {
    const child = this.children.at(-1);
    if (!child) throw new Error('nothing was spawned');
    return child;
  }

  spawn(request: SpawnRequest): FakeChild {
    if (this.throwOnSpawn) {
      const error = this.throwOnSpawn;
      this.throwOnSpawn = undefined;
      throw error;
    }
    this.nextPid += 1;
    const child = new FakeChild(this.nextPid, request, this.stdinHighWaterMark);
    this.children.push(child);
    return child;
  }
}
