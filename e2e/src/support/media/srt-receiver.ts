// An SRT destination as a platform would run it: srt-live-transmit receiving into memory.
// restart() brings it back on the same port, for "destination down, then back" tests.
import { waitFor } from '../service-process.js';
import { udpPortBound } from './free-port.js';
import { type SrtEndpoint, type SrtLiveTransmit, type SrtStats, srtUrl, startSrtLiveTransmit } from './srt-live-transmit.js';

export interface SrtReceiverOptions {
  mode: 'listener' | 'caller';
  port: number;
  /** Listener: bind address; caller: where the system under test listens. Default 127.0.0.1. */
  host?: string;
  latencyMs?: number;
  passphrase?: string;
  streamid?: string;
  statsEveryPackets?: number;
  maxLifetimeMs?: number;
}

export interface SrtReceiver {
  readonly mode: 'listener' | 'caller';
  readonly port: number;
  /** The endpoint the system under test must use to reach this receiver (the opposite mode). */
  readonly peer: SrtEndpoint;
  readonly url: string;
  /** PID of the current srt-live-transmit. */
  readonly pid: number;
  readonly running: boolean;
  readonly connected: boolean;
  /** Connections accepted/made over all runs. */
  readonly connections: number;
  /** Every byte received, over all runs, in order. */
  received(): Buffer;
  /** The bytes of each run separately (each is one contiguous stream). */
  runs(): Buffer[];
  bytes(): number;
  waitConnected(timeoutMs?: number): Promise<void>;
  waitForBytes(count: number, timeoutMs?: number): Promise<void>;
  stats(): SrtStats[];
  stderr(): string;
  /** SIGTERM, SIGKILL after 2 s. */
  stop(): Promise<void>;
  /** stop() if running, then start again on the same port. */
  restart(): Promise<void>;
}

export async function startSrtReceiver(opts: SrtReceiverOptions): Promise<SrtReceiver> {
  const host = opts.host ?? '127.0.0.1';
  const self: SrtEndpoint = {
    mode: opts.mode,
    host,
    port: opts.port,
    latencyMs: opts.latencyMs,
    passphrase: opts.passphrase,
    streamid: opts.streamid,
  };
  const peer: SrtEndpoint = { ...self, mode: opts.mode === 'listener' ? 'caller' : 'listener' };
  const url = srtUrl(self);
  const runs: Buffer[][] = [];
  let total = 0;
  const processes: SrtLiveTransmit[] = [];
  let current: SrtLiveTransmit;

  const launch = async () => {
    const chunks: Buffer[] = [];
    runs.push(chunks);
    current = startSrtLiveTransmit({
      name: `srt receiver (${opts.mode} :${opts.port})`,
      input: url,
      output: 'file://con',
      statsEveryPackets: opts.statsEveryPackets,
      maxLifetimeMs: opts.maxLifetimeMs,
      onStdout: (chunk) => {
        chunks.push(chunk);
        total += chunk.length;
      },
    });
    processes.push(current);
    if (opts.mode === 'listener') {
      // Nothing is printed when the listener is up; the bound socket is the signal.
      const started = current;
      await waitFor(
        `srt listener on :${opts.port}`,
        () => {
          if (!started.process.running) throw new Error(`srt-live-transmit listener exited:\n${started.stderr()}`);
          return udpPortBound(opts.port);
        },
        5_000,
        10,
      );
    }
  };
  await launch();

  const stop = async () => {
    await current.stop(2000);
  };

  return {
    mode: opts.mode,
    port: opts.port,
    peer,
    url,
    get pid() {
      return current.pid;
    },
    get running() {
      return current.process.running;
    },
    get connected() {
      return current.connected;
    },
    get connections() {
      return processes.reduce((n, p) => n + p.connections, 0);
    },
    received: () => Buffer.concat(runs.flat()),
    runs: () => runs.map((chunks) => Buffer.concat(chunks)),
    bytes: () => total,
    waitConnected: (timeoutMs) => current.waitConnected(timeoutMs),
    waitForBytes: async (count, timeoutMs = 10_000) => {
      await waitFor(`${count} bytes on the SRT receiver (:${opts.port})`, () => total >= count, timeoutMs, 20);
    },
    stats: () => current.stats(),
    stderr: () => current.stderr(),
    stop,
    restart: async () => {
      if (current.process.running) await stop();
      await launch();
    },
  };
}
