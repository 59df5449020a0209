import { spawnSync } from 'node:child_process';

export interface ToolRunRequest {
  command: string;
  /** Passed to the kernel as-is: there is never a shell in between. */
  args: readonly string[];
  /** Written to the tool's stdin, then closed. */
  input?: string;
  /** The tool is SIGKILLed after this long: a short-lived tool never hangs its caller. */
  timeoutMs: number;
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ToolRunResult {
  /** Exit status; null when it was killed (timeout) or never ran. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Why it did not run or was killed ("spawnSync id ENOENT", "timed out after 30 s"). */
  error: string | null;
}

/**
 * Runs a short-lived tool to completion (`id`, `initdb`, `postgres --version`, single-user mode):
 * bounded by a timeout, SIGKILL on expiry, no shell. Long-running children go through a
 * Spawner and a SupervisedProcess instead.
 */
export function runTool(request: ToolRunRequest): ToolRunResult {
  const result = spawnSync(request.command, [...request.args], {
    encoding: 'utf8',
    timeout: request.timeoutMs,
    killSignal: 'SIGKILL',
    stdio: [request.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(request.input !== undefined ? { input: request.input } : {}),
    ...(request.uid !== undefined ? { uid: request.uid } : {}),
    ...(request.gid !== undefined ? { gid: request.gid } : {}),
    ...(request.env ? { env: request.env } : {}),
  });
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    error: timedOut ? `timed out after ${Math.round(request.timeoutMs / 1000)} s` : (result.error?.message ?? null),
  };
}
