import { spawn, type ChildProcess } from 'node:child_process';

/** The built service (main.js next to this folder) as a child process, for what only a real process shows: logs, exit codes. */
export interface SpawnedService {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the port once "listening on" appears; rejects if the process exits first. */
  listening(timeoutMs?: number): Promise<number>;
  /** SIGTERM, SIGKILL after 30 s; resolves with the exit code. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

export function spawnService(env: Record<string, string>, cwd: string): SpawnedService {
  const main = new URL('../main.js', import.meta.url).pathname;
  const base: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', NO_COLOR: '1', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'log' };
  const child = spawn(process.execPath, [main], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => text,
    listening(timeoutMs = 90_000) {
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "listening on" within ${timeoutMs} ms:\n${text}`)), timeoutMs);
        const check = setInterval(() => {
          const m = /listening on [\d.]+:(\d+)/.exec(text);
          if (m) {
            clearInterval(check);
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        }, 50);
        void exited.then((code) => {
          clearInterval(check);
          clearTimeout(timer);
          reject(new Error(`exited (${code}) during start:\n${text}`));
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(force);
      return code;
    },
  };
}
