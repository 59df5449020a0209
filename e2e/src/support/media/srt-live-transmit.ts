// srt-live-transmit as a test peer: URL building, the stderr lines that say a peer connected
// or left, and its JSON statistics. Measured with srt-tools 1.5.1 (see media/README.md).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTracked, type ChildExit, type TrackedChild } from './child-process.js';
import { waitFor } from '../service-process.js';

export const SRT_LIVE_TRANSMIT = 'srt-live-transmit';

export interface SrtEndpoint {
  mode: 'listener' | 'caller';
  /** Listener: the address to bind (default 127.0.0.1). Caller: where to connect (default 127.0.0.1). */
  host?: string;
  port: number;
  /** Milliseconds, as srt-live-transmit and libsrt's SRTO_LATENCY take it (FFmpeg's libsrt option is µs). */
  latencyMs?: number;
  passphrase?: string;
  streamid?: string;
  /** Any other socket option srt-live-transmit understands (e.g. { maxbw: 0 }). */
  params?: Record<string, string | number>;
}

/** `srt://host:port?mode=…&latency=…`; values go in as written, so they must not contain & or whitespace. */
export function srtUrl(e: SrtEndpoint): string {
  const params: [string, string | number][] = [['mode', e.mode]];
  if (e.latencyMs !== undefined) params.push(['latency', e.latencyMs]);
  if (e.passphrase !== undefined) params.push(['passphrase', e.passphrase]);
  if (e.streamid !== undefined) params.push(['streamid', e.streamid]);
  params.push(...Object.entries(e.params ?? {}));
  for (const [k, v] of params) {
    if (/[&\s]/.test(String(v))) throw new Error(`SRT option ${k} cannot be written into an srt-live-transmit URL: ${JSON.stringify(v)}`);
  }
  return `srt://${e.host ?? '127.0.0.1'}:${e.port}?${params.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

export function udpUrl(host: string, port: number): string {
  return `udp://${host}:${port}`;
}

/**
 * What srt-live-transmit 1.5.1 prints (stderr, default log level):
 * listener source "Accepted SRT source connection" (on accept), caller source "SRT source
 * connected" (only once the first data arrives, not on the handshake), caller target "SRT
 * target connected" and listener target "Accepted SRT target connection" (on the handshake,
 * before any input), and "SRT source|target disconnected" when the peer leaves (nothing when
 * it is itself killed).
 */
export function parseSrtConnectionLine(line: string): 'connected' | 'disconnected' | undefined {
  if (/^(Accepted SRT (source|target) connection|SRT (source|target) connected)\b/.test(line)) return 'connected';
  if (/^SRT (source|target) disconnected\b/.test(line)) return 'disconnected';
  return undefined;
}

/** One `-s:N -pf:json` report (counters are per interval unless `-f` makes them totals). */
export interface SrtStats {
  sid: number;
  timepoint: string;
  /** ms since the socket connected. */
  time: number;
  window: { flow: number; congestion: number; flight: number };
  link: { rtt: number; bandwidth: number; maxBandwidth: number };
  send: { packets: number; packetsLost: number; packetsDropped: number; packetsRetransmitted: number; bytes: number; bytesDropped: number; msBuf: number; mbitRate: number };
  recv: { packets: number; packetsLost: number; packetsDropped: number; packetsRetransmitted: number; packetsBelated: number; bytes: number; bytesLost: number; bytesDropped: number; msBuf: number; mbitRate: number; msTsbPdDelay: number };
}

export function parseSrtStatsLine(line: string): SrtStats | undefined {
  if (!line.startsWith('{"sid"')) return undefined;
  try {
    return JSON.parse(line) as SrtStats;
  } catch {
    return undefined;
  }
}

export interface SrtLiveTransmitOptions {
  input: string;
  output: string;
  name?: string;
  /** `-s:N -pf:json`: a report every N packets. */
  statsEveryPackets?: number;
  /** `-f`: reports carry totals instead of per-interval counters. */
  fullStats?: boolean;
  /** Receives the output when it is `file://con`. */
  onStdout?: (chunk: Buffer) => void;
  /** The input is `file://con` and the test writes it (see `stdin`). */
  stdinPipe?: boolean;
  maxLifetimeMs?: number;
}

export interface SrtLiveTransmit {
  readonly pid: number;
  readonly process: TrackedChild;
  readonly connected: boolean;
  /** How many times a peer connected. */
  readonly connections: number;
  /** Parsed stats reports so far (the latest 1000). */
  stats(): SrtStats[];
  waitConnected(timeoutMs?: number): Promise<void>;
  stderr(): string;
  stop(graceMs?: number): Promise<ChildExit>;
}

const MAX_STATS = 1000;

export function startSrtLiveTransmit(opts: SrtLiveTransmitOptions): SrtLiveTransmit {
  const toStdout = opts.output === 'file://con';
  const args: string[] = [];
  let statsDir: string | undefined;
  const stats: SrtStats[] = [];
  const keep = (s: SrtStats | undefined) => {
    if (!s) return;
    stats.push(s);
    if (stats.length > MAX_STATS) stats.shift();
  };
  if (opts.statsEveryPackets) {
    args.push(`-s:${opts.statsEveryPackets}`, '-pf:json');
    if (opts.fullStats) args.push('-f');
    // With the data on stdout, srt-live-transmit refuses -s unless the stats go to a file
    // ("file://con with -v or -r or -s would result in mixing the data and text info").
    if (toStdout) {
      statsDir = mkdtempSync(join(tmpdir(), 'mld-srt-stats-'));
      args.push(`-statsout:${join(statsDir, 'stats.json')}`);
    }
  }
  args.push(opts.input, opts.output);

  let connected = false;
  let connections = 0;
  let stdoutTail = '';
  const onStdout =
    opts.onStdout ??
    (opts.statsEveryPackets && !toStdout
      ? (chunk: Buffer) => {
          const lines = (stdoutTail + chunk.toString('utf8')).split('\n');
          stdoutTail = lines.pop() ?? '';
          for (const line of lines) keep(parseSrtStatsLine(line));
        }
      : undefined);
  const child = spawnTracked(SRT_LIVE_TRANSMIT, args, {
    name: opts.name ?? `srt-live-transmit ${opts.input} ${opts.output}`,
    maxLifetimeMs: opts.maxLifetimeMs,
    onStdout,
    ...(opts.stdinPipe ? { stdin: 'pipe' as const } : {}),
    onStderrLine: (line) => {
      const event = parseSrtConnectionLine(line);
      if (event === 'connected') connections++;
      if (event) connected = event === 'connected';
    },
  });
  let statsFileGone = false;
  void child.exited.then(() => {
    connected = false;
    if (!statsDir) return;
    // Keep the last reports after the temp file is gone.
    for (const s of readStatsFile()) keep(s);
    statsFileGone = true;
    rmSync(statsDir, { recursive: true, force: true });
  });

  const readStatsFile = (): SrtStats[] => {
    if (!statsDir || statsFileGone) return [...stats];
    try {
      return readFileSync(join(statsDir, 'stats.json'), 'utf8')
        .split('\n')
        .map(parseSrtStatsLine)
        .filter((s): s is SrtStats => s !== undefined)
        .slice(-MAX_STATS);
    } catch {
      return [];
    }
  };

  return {
    pid: child.pid,
    process: child,
    get connected() {
      return connected;
    },
    get connections() {
      return connections;
    },
    stats: readStatsFile,
    waitConnected: (timeoutMs = 10_000) =>
      waitFor(
        `${child.name} to connect`,
        () => {
          if (!child.running) throw new Error(`${child.name} exited before connecting:\n${child.stderr()}`);
          return connected;
        },
        timeoutMs,
        20,
      ).then(() => undefined),
    stderr: () => child.stderr(),
    stop: (graceMs) => child.stop(graceMs),
  };
}
