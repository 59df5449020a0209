import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { DEFAULT_SETPRIV_PATH, detectPdeathsigSupport, wrapWithPdeathsig } from './pdeathsig.js';
import { trackChild, untrackChild } from './registry.js';

export interface SpawnRequest {
  command: string;
  /** Passed to the kernel as-is: there is never a shell in between. */
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdin: 'pipe' | 'ignore';
  stdout: 'pipe' | 'ignore';
  /** 'pipe': a second output pipe on the child's fd 3 (FFmpeg `pipe:3`), for a tool writing two outputs of one run. */
  fd3?: 'pipe';
  /** Run as this user and group (a root service starting PostgreSQL as "postgres"). */
  uid?: number;
  gid?: number;
  /**
   * What the kernel sends the child if this process dies (default SIGKILL). A server with its own
   * clean shutdown (PostgreSQL: SIGINT) gets that instead, so it never outlives us half-written.
   */
  parentDeathSignal?: 'KILL' | 'INT' | 'TERM';
  /**
   * false: not SIGKILLed by the exit sweep (killAll). Only for a child whose owner always stops it
   * first and whose parentDeathSignal covers a crash (PostgreSQL: SIGKILL would force crash recovery).
   */
  sweepOnExit?: boolean;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned child as the supervisor sees it; the adapter owns every OS call. */
export interface ChildHandle {
  /** Undefined when the spawn itself failed (an error follows, then exit). */
  readonly pid: number | undefined;
  /** True when the kernel will SIGKILL the child if our process dies. */
  readonly parentDeathSignal: boolean;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** The child's fd 3 when the request asked for it. */
  readonly fd3?: Readable | null;
  /** Signals the child's whole process group. False when it is already gone. */
  kill(signal: NodeJS.Signals): boolean;
  onError(listener: (error: Error) => void): void;
  /** Fires once, after the child was reaped and its stdio drained (or a spawn error). */
  onExit(listener: (exit: ChildExit) => void): void;
}

export interface Spawner {
  spawn(request: SpawnRequest): ChildHandle;
}

export interface NodeSpawnerOptions {
  /** `auto` wraps in `setpriv --pdeathsig KILL` when available; `off` never does. */
  pdeathsig?: 'auto' | 'off';
  setprivPath?: string;
  /**
   * How long to wait for stdio to close after the child was reaped. A process
   * that escaped the group (setsid) can hold our pipes open forever.
   */
  closeTimeoutMs?: number;
}

/** The real spawner: `node:child_process`, one process group per child. */
export class NodeSpawner implements Spawner {
  private readonly pdeathsig: 'auto' | 'off';
  private readonly setprivPath: string;
  private readonly closeTimeoutMs: number;

  constructor(options: NodeSpawnerOptions = {}) {
    this.pdeathsig = options.pdeathsig ?? 'auto';
    this.setprivPath = options.setprivPath ?? DEFAULT_SETPRIV_PATH;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 2000;
  }

  /** Whether children spawned by this spawner are guarded by PR_SET_PDEATHSIG. */
  get usesPdeathsig(): boolean {
    return this.pdeathsig === 'auto' && detectPdeathsigSupport(this.setprivPath);
  }

  spawn(request: SpawnRequest): ChildHandle {
    const guarded = this.usesPdeathsig;
    const target = guarded
      ? wrapWithPdeathsig(request.command, request.args, this.setprivPath, request.parentDeathSignal)
      : { command: request.command, args: [...request.args] };
    const child = spawn(target.command, target.args, {
      cwd: request.cwd,
      env: request.env,
      ...(request.uid !== undefined ? { uid: request.uid } : {}),
      ...(request.gid !== undefined ? { gid: request.gid } : {}),
      stdio: request.fd3 ? [request.stdin, request.stdout, 'pipe', 'pipe'] : [request.stdin, request.stdout, 'pipe'],
      // Own process group: stop() can signal grandchildren too, and a Ctrl-C
      // on our terminal does not hit the children before we decide to stop them.
      detached: true,
      windowsHide: true,
    });

    const errorListeners: ((error: Error) => void)[] = [];
    const exitListeners: ((exit: ChildExit) => void)[] = [];
    let reaped = false;
    let finished = false;
    let exitInfo: ChildExit | undefined;
    let closeTimer: ReturnType<typeof setTimeout> | undefined;

    const signalGroup = (signal: NodeJS.Signals): boolean => {
      if (finished || child.pid === undefined) return false;
      try {
        process.kill(-child.pid, signal);
        return true;
      } catch {
        return false;
      }
    };

    const fd3 = request.fd3 ? (child.stdio[3] as Readable | null) : null;
    const streams = [child.stdin, child.stdout, child.stderr, fd3];

    const finish = (exit: ChildExit) => {
      if (finished) return;
      finished = true;
      if (closeTimer) clearTimeout(closeTimer);
      untrackChild(handle);
      for (const stream of streams) stream?.destroy();
      for (const listener of exitListeners) listener(exit);
    };

    const handle: ChildHandle = {
      pid: child.pid,
      parentDeathSignal: guarded,
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      fd3,
      // Once the leader is reaped its pid may be reused; the sweep below was the last signal we owed.
      kill: (signal) => !reaped && signalGroup(signal),
      onError: (listener) => errorListeners.push(listener),
      onExit: (listener) => exitListeners.push(listener),
    };

    // A stdio stream 'error' without a listener would crash the service.
    for (const stream of streams) stream?.on('error', () => undefined);
    child.on('error', (error) => {
      for (const listener of errorListeners) listener(error);
    });
    child.once('exit', (code, signal) => {
      reaped = true;
      exitInfo = { code, signal };
      // Anything left in the group (a grandchild) is an orphan of ours: kill it
      // now so it releases our pipes and cannot outlive its owner.
      signalGroup('SIGKILL');
      closeTimer = setTimeout(() => finish(exitInfo ?? { code, signal }), this.closeTimeoutMs);
      closeTimer.unref();
    });
    // 'close' also covers a failed spawn, which emits 'error' and 'close' but no 'exit'.
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      finish(exitInfo ?? { code: reaped || code === null || code >= 0 ? code : null, signal });
    });

    if (child.pid !== undefined && request.sweepOnExit !== false) trackChild(handle);
    return handle;
  }
}

let shared: NodeSpawner | undefined;

/** Lazily created so importing the library probes nothing. */
export function defaultSpawner(): NodeSpawner {
  shared ??= new NodeSpawner();
  return shared;
}
