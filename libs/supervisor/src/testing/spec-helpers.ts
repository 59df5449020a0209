// Helpers for specs that run real children. Not part of the build: nothing
// here may be imported by library code.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProcessState } from '../state.js';
import type { SupervisedProcess } from '../supervised-process.js';

// Tests run from the workspace root (Nx and scripts/run-node-tests.mjs both do),
// and the .mjs fixtures are not compiled, so they are read from the source tree.
const FIXTURES = resolve(process.cwd(), 'libs/supervisor/src/testing/fixtures');

export function fixture(name: string): string {
  const path = resolve(FIXTURES, name);
  if (!existsSync(path)) throw new Error(`fixture ${path} missing: run the tests from the workspace root`);
  return path;
}

/** The kernel's state letter for a pid (R, S, Z, …), or undefined when the pid is gone. */
export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * Dead includes zombie: an orphan we killed is reparented to PID 1, which here
 * reaps only every second or so; the process itself no longer runs.
 */
export function isAlive(pid: number): boolean {
  const state = procState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function waitForState(proc: SupervisedProcess, state: ProcessState, timeoutMs = 5000): Promise<void> {
  return waitFor(() => proc.state === state, timeoutMs, `${proc.owner} to be ${state} (is ${proc.state})`);
}

/** SIGKILL by pid, but only a process that is recognisably one of ours (the pid may have been reused). */
export function killPid(pid: number): void {
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!/supervisor\/src\/testing\/fixtures|^sleep\0|setTimeout\(\(\) => \{\}, 30000\)/.test(cmdline)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Tracks what a test started so an after() hook can stop it and kill leftovers by pid. */
export class Cleanup {
  private readonly procs = new Set<SupervisedProcess>();
  readonly pids = new Set<number>();

  track(proc: SupervisedProcess): SupervisedProcess {
    this.procs.add(proc);
    proc.on('spawn', ({ pid }) => {
      if (pid !== undefined) this.pids.add(pid);
    });
    return proc;
  }

  async run(): Promise<void> {
    await Promise.all(
      [...this.procs].map((proc) => Promise.race([proc.stop(), new Promise((r) => setTimeout(r, 3000).unref())])),
    );
    for (const pid of this.pids) if (isAlive(pid)) killPid(pid);
    this.procs.clear();
    this.pids.clear();
  }
}

export interface ServiceRun {
  service: ChildProcess;
  child: number;
  guarded: boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts fixtures/service.mjs (a stand-in for the API process that supervises
 * `sleep 60`) and resolves once it printed the pid of its child.
 */
export async function startService(mode: 'hold' | 'exit' | 'signal', pdeathsig: 'auto' | 'off', cleanup: Cleanup): Promise<ServiceRun> {
  const indexUrl = new URL('../index.js', import.meta.url).href;
  const service = spawn(process.execPath, [fixture('service.mjs'), indexUrl, mode, pdeathsig], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (service.pid !== undefined) cleanup.pids.add(service.pid);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    service.once('exit', (code, signal) => res({ code, signal })),
  );
  let stderr = '';
  service.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const line = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`service printed no child pid within 5 s; stderr: ${stderr}`)), 5000);
    let out = '';
    service.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      res(out.slice(0, nl));
    });
    void exited.then(() => rej(new Error(`service exited before printing; stderr: ${stderr}`)));
  });
  const { child, guarded } = JSON.parse(line) as { child: number; guarded: boolean };
  cleanup.pids.add(child);
  return { service, child, guarded, exited };
}
