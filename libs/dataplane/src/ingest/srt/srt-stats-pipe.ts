import { constants, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter, runTool } from '@mld/supervisor';

/** Where srt-live-transmit's `-statsout` writes its JSON statistics, and we read them line by line. */
export interface StatsPipe {
  /** The path to give `-statsout`. */
  readonly path: string;
  close(): Promise<void>;
}

export type StatsPipeFactory = (onLine: (line: string) => void) => Promise<StatsPipe>;

const MAX_LINE = 8192;

/**
 * A named pipe in a private temporary directory. Why not stderr: the TS is on stdout (the
 * statistics cannot share it), and `-statsout:/dev/stderr` fails under Node, whose child stdio are
 * socket pairs: opening /proc/self/fd/2 of a socket gives ENXIO (measured; srt-live-transmit then
 * falls back to stdout, into the TS). Node has no mkfifo, so coreutils' `mkfifo` runs once per
 * source, for milliseconds, bounded by a timeout. We hold the pipe open read-write, so it never
 * reports end of file when a child exits and the next child's statistics arrive on the same
 * stream; a non-blocking socket reads it, no threadpool thread waits on it.
 */
export const namedPipeStats: StatsPipeFactory = async (onLine) => {
  const dir = await mkdtemp(join(tmpdir(), 'mld-srt-stats-'));
  const path = join(dir, 'stats');
  try {
    const made = runTool({ command: 'mkfifo', args: ['-m', '600', path], timeoutMs: 5000 });
    if (made.status !== 0) throw new Error(`mkfifo failed: ${(made.stderr || made.error || `exit ${made.status}`).trim()}`);
    const socket = new Socket({ fd: openSync(path, constants.O_RDWR | constants.O_NONBLOCK), readable: true, writable: false });
    const splitter = new LineSplitter(MAX_LINE);
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      for (const line of splitter.push(text)) onLine(line);
    });
    socket.on('error', () => undefined);
    return {
      path,
      close: async () => {
        socket.destroy();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
};
