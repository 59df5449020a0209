// Every peer program a media test starts goes through here: argument arrays only, a hard
// lifetime, stop by PID (SIGTERM, then SIGKILL after a grace period), and a registry so a
// test's after() hook can kill whatever is left and assert that nothing survived.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { detectPdeathsigSupport, LineSplitter, wrapWithPdeathsig } from '@mld/supervisor';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (e.g. ENOENT). */
  error?: string;
  /** True when the hard lifetime ran out and the child was SIGKILLed. */
  timedOut: boolean;
}

export interface TrackedChildOptions {
  /** Short name for error messages ("srt-live-transmit listener :4000"). */
  name: string;
  /** Hard limit: SIGKILL after this long, whatever the test does. Default 10 minutes. */
  maxLifetimeMs?: number;
  /** Receives every stdout chunk; stdout is ignored when absent. */
  onStdout?: (chunk: Buffer) => void;
  /** Receives stderr line by line (split on \r and \n). */
  onStderrLine?: (line: string) => void;
  /** 'pipe': the test writes the program's input through `child.stdin`. Default ignored. */
  stdin?: 'pipe' | 'ignore';
  cwd?: string;
}

export interface TrackedChild {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ChildExit>;
  readonly running: boolean;
  /** The last 64 KB of stderr. */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<ChildExit>;
}

const DEFAULT_MAX_LIFETIME_MS = 10 * 60_000;
const STDERR_KEEP = 64 * 1024;
const live = new Set<TrackedChild>();

export function spawnTracked(command: string, args: readonly string[], opts: TrackedChildOptions): TrackedChild {
  // setpriv execs the program, so the PID is the program's; the kernel kills it if this
  // test process dies without running any cleanup (SIGKILL by a suite timeout).
  const wrapped = detectPdeathsigSupport() ? wrapWithPdeathsig(command, args) : { command, args: [...args] };
  const child = spawn(wrapped.command, wrapped.args, {
    cwd: opts.cwd,
    stdio: [opts.stdin ?? 'ignore', opts.onStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  // A reader that went away (EPIPE) is the test's business to notice, never an uncaught error.
  child.stdin?.on('error', () => undefined);
  let stderrText = '';
  let timedOut = false;
  let spawnError: string | undefined;
  const splitter = new LineSplitter();
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderrText = (stderrText + text).slice(-STDERR_KEEP);
    if (opts.onStderrLine) for (const line of splitter.push(text)) opts.onStderrLine(line);
  });
  if (opts.onStdout) child.stdout!.on('data', opts.onStdout);

  const lifetime = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.maxLifetimeMs ?? DEFAULT_MAX_LIFETIME_MS);

  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (err) => {
      spawnError = err.message;
      // 'close' does not follow an 'error' for a program that never started.
      if (child.pid === undefined) resolve({ code: null, signal: null, error: spawnError, timedOut });
    });
    // 'close' waits for stdout/stderr to drain, so received() is complete once this resolves.
    child.once('close', (code, signal) => resolve({ code, signal, error: spawnError, timedOut }));
  });
  const tracked: TrackedChild = {
    name: opts.name,
    pid: child.pid ?? -1,
    child,
    exited,
    get running() {
      return child.exitCode === null && child.signalCode === null && child.pid !== undefined && spawnError === undefined;
    },
    stderr: () => stderrText,
    stop: (graceMs = 2000) => stopChild(tracked, graceMs),
  };
  live.add(tracked);
  void exited.then(() => {
    clearTimeout(lifetime);
    live.delete(tracked);
    if (opts.onStderrLine) for (const line of splitter.flush()) opts.onStderrLine(line);
  });
  return tracked;
}

async function stopChild(tracked: TrackedChild, graceMs: number): Promise<ChildExit> {
  if (tracked.running) {
    tracked.child.kill('SIGTERM');
    const timer = setTimeout(() => tracked.child.kill('SIGKILL'), graceMs);
    try {
      return await tracked.exited;
    } finally {
      clearTimeout(timer);
    }
  }
  return tracked.exited;
}

/** PIDs of children started here that have not exited yet. */
export function trackedPids(): number[] {
  return [...live].map((c) => c.pid);
}

/** Stops every child still running (for after() hooks). */
export async function stopAllTracked(graceMs = 2000): Promise<void> {
  await Promise.all([...live].map((c) => c.stop(graceMs)));
}

/** Whether a process with this PID exists and is not a zombie, read from /proc. */
export function pidAlive(pid: number): boolean {
  if (pid <= 0 || !existsSync(`/proc/${pid}`)) return false;
  try {
    // Field 3 of /proc/<pid>/stat is the state; the command name before it may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Runs a program to completion (bounded by `timeoutMs`, then SIGKILL) and returns its stdout. */
export async function runTracked(command: string, args: readonly string[], timeoutMs: number): Promise<ChildExit & { stdout: Buffer; stderr: string }> {
  const chunks: Buffer[] = [];
  const child = spawnTracked(command, args, { name: command, maxLifetimeMs: timeoutMs, onStdout: (c) => chunks.push(c) });
  const exit = await child.exited;
  return { ...exit, stdout: Buffer.concat(chunks), stderr: child.stderr() };
}
