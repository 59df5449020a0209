/**
 * What is happening to a supervised process. The *order* (what the owner asked
 * for) is kept apart in {@link ProcessOrder}: an order of `start` can be
 * `backoff` for a while, and an order of `stop` can still be `stopping`.
 */
export const PROCESS_STATES = ['stopped', 'starting', 'running', 'backoff', 'failed', 'stopping'] as const;
export type ProcessState = (typeof PROCESS_STATES)[number];

export type ProcessOrder = 'start' | 'stop';

// Every edge the supervisor may take. Anything else is a bug in the supervisor,
// so setState throws instead of silently drifting into an impossible state.
const TRANSITIONS: Readonly<Record<ProcessState, readonly ProcessState[]>> = {
  stopped: ['starting'],
  // backoff/failed: the child died (or could not be spawned) before it was considered running.
  starting: ['running', 'backoff', 'failed', 'stopping'],
  running: ['backoff', 'failed', 'stopping'],
  // A pending retry needs no child to be signalled, so stop goes straight to stopped.
  backoff: ['starting', 'stopped'],
  failed: ['starting', 'stopped'],
  stopping: ['stopped'],
};

export function canTransition(from: ProcessState, to: ProcessState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function allowedTransitions(from: ProcessState): readonly ProcessState[] {
  return TRANSITIONS[from];
}

export function isProcessState(value: unknown): value is ProcessState {
  return typeof value === 'string' && (PROCESS_STATES as readonly string[]).includes(value);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: ProcessState,
    readonly to: ProcessState,
  ) {
    super(`illegal process state transition ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
  }
}
