import type { BackoffOptions } from './backoff.js';
import type { Clock } from './clock.js';
import type { LineParser } from './line-parser.js';
import type { Spawner } from './spawner.js';
import type { ProcessOrder, ProcessState } from './state.js';

export interface SupervisedProcessOptions {
  /** Who this process belongs to, e.g. `output:<uuid>`; carried on every event. */
  owner: string;
  command: string;
  args?: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** `pipe` when the owner feeds the child through {@link SupervisedProcess.write}. Default `ignore`. */
  stdin?: 'pipe' | 'ignore';
  /** `parse` runs stdout lines through the parser too (not into the stderr tail). Default `ignore`. */
  stdout?: 'parse' | 'ignore';
  /** Default: {@link genericLineParser}. */
  parser?: LineParser;
  /** Applied to every stderr line, every argv item and every error message before it is stored or emitted. */
  redact?: (text: string) => string;
  /** A child alive this long is `running`. Default 1000. */
  startupMs?: number;
  /**
   * Progress makes a starting child `running` at once. true (default): parser progress or
   * reportProgress(); 'parser': only a progress line from the tool (e.g. "connected"); false: never.
   */
  readyOnProgress?: boolean | 'parser';
  /** Kill and restart when no progress for this long. Default undefined: no watchdog. */
  stallTimeoutMs?: number;
  /** Default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** SIGKILL follows the stop signal after this long. Default 5000. */
  stopGraceMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Running this long resets the consecutive-failure count and the backoff. Default 30000. */
  healthyAfterMs?: number;
  /** Consecutive failures tolerated before `failed`. Default undefined: retry forever. */
  maxRestarts?: number;
  /** Lines kept in the stderr tail. Default 50. */
  stderrTailLines?: number;
  /** Characters kept per stored line. Default 500. */
  maxLineLength?: number;
  /** Default: the shared {@link NodeSpawner}. */
  spawner?: Spawner;
  /** Default: {@link systemClock}. */
  clock?: Clock;
  /** Jitter source, injectable for tests. Default Math.random. */
  random?: () => number;
}

export interface StdinStats {
  /** Bytes accepted by write(). */
  bytes: number;
  /** write() calls refused because the pipe was full, closed or absent. */
  rejected: number;
  /** Errors on the pipe (EPIPE when the child died while we wrote). */
  errors: number;
}

export interface ProcessSnapshot {
  owner: string;
  order: ProcessOrder;
  state: ProcessState;
  /** When the current state was entered (ms epoch). */
  since: number;
  pid: number | undefined;
  /** Redacted command and arguments, as the owner asked for them (no wrapper). */
  argv: string[];
  /** Retries launched since the last start() order. */
  restarts: number;
  /** Failures in a row; reset after a healthy period. */
  consecutiveFailures: number;
  lastExitCode: number | null;
  lastSignal: NodeJS.Signals | null;
  lastError: string | undefined;
  lastErrorAt: number | undefined;
  /** When the pending retry fires (ms epoch), while in `backoff`. */
  nextRetryAt: number | undefined;
  /** When the current child was spawned. */
  startedAt: number | undefined;
  /** Milliseconds the current child has been alive; 0 without a child. */
  uptimeMs: number;
  lastProgressAt: number | undefined;
  /** Bytes the owner reported through reportProgress(). */
  progressBytes: number;
  /** True when the kernel kills the child if this service dies. */
  parentDeathSignal: boolean;
  stdin: StdinStats;
  stderrTail: string[];
}

export interface StateChangeEvent {
  owner: string;
  from: ProcessState;
  to: ProcessState;
  at: number;
  reason?: string;
}

export interface SupervisedProcessEvents {
  state: StateChangeEvent;
  spawn: { owner: string; pid: number | undefined; argv: string[]; at: number };
  stderr: { owner: string; line: string; at: number };
  /** Lines on stdout (only with `stdout: 'parse'`), redacted. */
  stdout: { owner: string; line: string; at: number };
  progress: { owner: string; progress: Readonly<Record<string, string | number>>; at: number };
  exit: {
    owner: string;
    pid: number | undefined;
    code: number | null;
    signal: NodeJS.Signals | null;
    /** True when we asked for it (stop); false for crashes and stall kills. */
    expected: boolean;
    reason?: string;
    uptimeMs: number;
    at: number;
  };
  error: { owner: string; source: 'spawn' | 'stdin' | 'stdout' | 'stderr' | 'parser'; message: string; at: number };
  /** stdin can take writes again after write() returned false because it was full. */
  drain: { owner: string };
}
