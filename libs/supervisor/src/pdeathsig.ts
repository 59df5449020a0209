import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEFAULT_SETPRIV_PATH = '/usr/bin/setpriv';

const support = new Map<string, boolean>();

/**
 * Whether `setpriv --pdeathsig` can be used to make the kernel SIGKILL a child
 * when this process dies, even by SIGKILL (where no JS exit handler runs).
 * Probed once per path and cached: the answer cannot change while we run.
 */
export function detectPdeathsigSupport(setprivPath: string = DEFAULT_SETPRIV_PATH): boolean {
  const cached = support.get(setprivPath);
  if (cached !== undefined) return cached;
  let ok = false;
  if (process.platform === 'linux' && existsSync(setprivPath)) {
    // --help lists the options this build understands; old util-linux lacks --pdeathsig.
    const probe = spawnSync(setprivPath, ['--help'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'pipe'] });
    ok = probe.status === 0 && `${probe.stdout}${probe.stderr}`.includes('--pdeathsig');
  }
  support.set(setprivPath, ok);
  return ok;
}

/** `setpriv --pdeathsig KILL -- cmd args…`: setpriv sets the flag and execs cmd, so the pid stays the same. */
export function wrapWithPdeathsig(
  command: string,
  args: readonly string[],
  setprivPath: string = DEFAULT_SETPRIV_PATH,
  signal: 'KILL' | 'INT' | 'TERM' = 'KILL',
): { command: string; args: string[] } {
  return { command: setprivPath, args: ['--pdeathsig', signal, '--', command, ...args] };
}
