import type { ChildHandle } from '@mld/supervisor';

/**
 * The child as the supervisor should see it once its stdout is ours (the TS it writes): the same
 * process, stdin and stderr, but no stdout for the supervisor to parse as lines.
 */
export function stdoutTaken(child: ChildHandle): ChildHandle {
  return {
    pid: child.pid,
    parentDeathSignal: child.parentDeathSignal,
    stdin: child.stdin,
    stdout: null,
    stderr: child.stderr,
    kill: (signal) => child.kill(signal),
    onError: (listener) => child.onError(listener),
    onExit: (listener) => child.onExit(listener),
  };
}
