import type { ChildExit, ChildHandle, Clock, Spawner, TimerHandle } from '@mld/supervisor';

/** One short-lived tool run (ffprobe, a one-off remux): arguments, never a shell string. */
export interface BoundedRunRequest {
  command: string;
  args: readonly string[];
  /** SIGTERM to the child's group after this long… */
  timeoutMs: number;
  /** …then SIGKILL if it is still there this much later. */
  graceMs: number;
  /** More stdout than this is a misbehaving tool: it is killed, not buffered without end. */
  maxStdoutBytes: number;
}

export interface BoundedRunResult {
  exit: ChildExit;
  /** The time limit ran out and we stopped it. */
  timedOut: boolean;
  /** It ignored SIGTERM and was killed. */
  escalated: boolean;
  /** Stdout went past maxStdoutBytes (and was cut there). */
  stdoutOverflow: boolean;
  /** The program could not be started at all (not installed, not executable). */
  spawnError: string | undefined;
  stdout: string;
  /** The last few KB of stderr: enough for the tool's own error sentence. */
  stderrTail: string;
}

const STDERR_TAIL_CHARS = 4096;

/**
 * Runs a tool to completion under the supervisor's spawner (own process group, pdeathsig), so it
 * can never outlive the service or hang a request: a time limit, SIGTERM then SIGKILL, bounded
 * output. Resolves (never rejects) once the child has been reaped.
 */
export function runBounded(spawner: Spawner, clock: Clock, request: BoundedRunRequest): Promise<BoundedRunResult> {
  return new Promise((resolve) => {
    let child: ChildHandle;
    try {
      child = spawner.spawn({ command: request.command, args: request.args, stdin: 'ignore', stdout: 'pipe' });
    } catch (error) {
      resolve({ exit: { code: null, signal: null }, timedOut: false, escalated: false, stdoutOverflow: false, spawnError: (error as Error).message, stdout: '', stderrTail: '' });
      return;
    }
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrTail = '';
    let timedOut = false;
    let escalated = false;
    let stdoutOverflow = false;
    let spawnError: string | undefined;
    let killTimer: TimerHandle | undefined;

    const stop = () => {
      if (killTimer !== undefined) return;
      child.kill('SIGTERM');
      killTimer = clock.setTimeout(() => {
        escalated = child.kill('SIGKILL');
      }, request.graceMs);
    };
    const limitTimer = clock.setTimeout(() => {
      timedOut = true;
      stop();
    }, request.timeoutMs);

    child.stdout?.on('data', (chunk: Buffer) => {
      if (stdoutOverflow) return;
      const room = request.maxStdoutBytes - stdoutBytes;
      if (chunk.length > room) {
        stdout.push(chunk.subarray(0, room));
        stdoutBytes += room;
        stdoutOverflow = true;
        stop();
        return;
      }
      stdout.push(chunk);
      stdoutBytes += chunk.length;
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });
    child.onError((error) => {
      if (child.pid === undefined) spawnError = error.message;
    });
    child.onExit((exit) => {
      clock.clearTimeout(limitTimer);
      if (killTimer !== undefined) clock.clearTimeout(killTimer);
      resolve({ exit, timedOut, escalated, stdoutOverflow, spawnError, stdout: Buffer.concat(stdout).toString('utf8'), stderrTail });
    });
  });
}

/** A human-readable reason a run failed, for logs and error messages; undefined when it succeeded. */
export function describeRunFailure(tool: string, result: BoundedRunResult, timeoutMs: number): string | undefined {
  if (result.spawnError !== undefined) return `${tool} could not be started: ${result.spawnError}`;
  if (result.timedOut) return `${tool} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`;
  if (result.stdoutOverflow) return `${tool} printed more output than expected and was stopped`;
  if (result.exit.code === 0) return undefined;
  const lastLine = result.stderrTail.trim().split('\n').at(-1)?.trim();
  const how = result.exit.signal ? `was killed by ${result.exit.signal}` : `exited with code ${result.exit.code}`;
  return `${tool} ${how}${lastLine ? `: ${lastLine}` : ''}`;
}
