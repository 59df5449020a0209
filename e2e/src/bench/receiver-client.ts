// Starts receiver-process.js (with setpriv --pdeathsig, like every other child here) and talks
// to it over Node IPC.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { detectPdeathsigSupport, wrapWithPdeathsig } from '@mld/supervisor';
import type { ReceiverInit, ReceiverReply, ReceiverRequest, ReceiverResult } from './receiver-protocol.js';

const SCRIPT = fileURLToPath(new URL('./receiver-process.js', import.meta.url));
const live = new Set<ChildProcess>();

export class ReceiverProcess {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: ReceiverReply) => {
      const w = this.waiting.get(reply.seq);
      if (!w) return;
      this.waiting.delete(reply.seq);
      if (reply.ok) w.resolve(reply.value);
      else w.reject(new Error(`receiver process: ${reply.error}`));
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(child);
        for (const w of this.waiting.values()) w.reject(new Error(`receiver process exited (${code ?? signal})`));
        this.waiting.clear();
        resolve();
      }),
    );
  }

  static async start(init: ReceiverInit): Promise<ReceiverProcess> {
    const args = ['--max-old-space-size=1024', SCRIPT];
    const cmd = detectPdeathsigSupport() ? wrapWithPdeathsig(process.execPath, args) : { command: process.execPath, args };
    const child = spawn(cmd.command, cmd.args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    live.add(child);
    const rx = new ReceiverProcess(child);
    await rx.request({ op: 'init', init });
    return rx;
  }

  get pid(): number {
    return this.child.pid!;
  }

  request<T = unknown>(req: ReceiverRequest, timeoutMs = 30_000): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(new Error(`receiver process did not answer '${req.op}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(seq, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (!this.child.connected) {
        this.waiting.delete(seq);
        clearTimeout(timer);
        reject(new Error('receiver process is not running'));
        return;
      }
      this.child.send({ seq, req });
    });
  }

  /** `compare: false`: the stream is only counted and inspected (an FFmpeg remux is not the sender's bytes). */
  addSrt(name: string, port: number, latencyMs: number, compare = true): Promise<{ pid: number }> {
    return this.request({ op: 'addSrt', name, port, latencyMs, compare });
  }

  addUdp(name: string, mode: 'udp' | 'rtp', compare = true): Promise<{ port: number }> {
    return this.request({ op: 'addUdp', name, mode, compare });
  }

  bytes(): Promise<Record<string, number>> {
    return this.request({ op: 'bytes' });
  }

  /** Continuity errors each receiver has seen so far. */
  ccErrors(): Promise<Record<string, number>> {
    return this.request({ op: 'ccErrors' });
  }

  results(): Promise<Record<string, ReceiverResult>> {
    return this.request({ op: 'results' }, 60_000);
  }

  /** Event-loop delay of the receiver process since the last reset (ms). */
  loopDelay(reset: boolean): Promise<{ p50: number; p99: number; max: number }> {
    return this.request({ op: 'loopDelay', reset });
  }

  /** Stops its receivers, then the process (SIGKILL if it does not leave within 10 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.request({ op: 'stop' }, 10_000).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** SIGKILLs any receiver process still running (its receivers die with it: pdeathsig). */
export function killReceiverProcesses(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
