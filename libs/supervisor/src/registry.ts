/** Anything that can kill its whole process group; the spawner registers each live child here. */
export interface Killable {
  kill(signal: NodeJS.Signals): boolean;
}

const live = new Set<Killable>();

export function trackChild(child: Killable): void {
  live.add(child);
}

export function untrackChild(child: Killable): void {
  live.delete(child);
}

export function liveChildCount(): number {
  return live.size;
}

/**
 * Signals every live child group, synchronously, so it is safe inside a
 * process 'exit' handler. Children are detached (own process group), which is
 * why nothing else would take them down with us. Returns how many were signalled.
 */
export function killAll(signal: NodeJS.Signals = 'SIGKILL'): number {
  let signalled = 0;
  for (const child of [...live]) {
    if (child.kill(signal)) signalled += 1;
  }
  return signalled;
}

export interface ExitHandlerOptions {
  /** Signals after which the children must not survive; default SIGINT, SIGTERM, SIGHUP. */
  signals?: readonly NodeJS.Signals[];
}

let installed: (() => void) | undefined;

/**
 * Kills every child when this process exits. Called by the app, never at
 * import time, because handlers on signals change how the app shuts down.
 *
 * - `exit`: SIGKILL to every group (no time is left to wait for SIGTERM).
 * - each signal: if another listener exists (e.g. the framework's graceful
 *   shutdown), do nothing and let it stop processes then exit, which fires
 *   `exit`; if ours is the only listener, kill the children and re-raise the
 *   signal so the process dies the way it would have without us.
 *
 * Idempotent; returns a function that removes the handlers.
 */
export function installExitHandlers(options: ExitHandlerOptions = {}): () => void {
  if (installed) return installed;
  const signals = options.signals ?? (['SIGINT', 'SIGTERM', 'SIGHUP'] as const);
  const onExit = () => {
    killAll('SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    killAll('SIGKILL');
    uninstall();
    process.kill(process.pid, signal);
  };
  process.on('exit', onExit);
  for (const signal of signals) process.on(signal, onSignal);
  const uninstall = () => {
    process.off('exit', onExit);
    for (const signal of signals) process.off(signal, onSignal);
    installed = undefined;
  };
  installed = uninstall;
  return uninstall;
}
