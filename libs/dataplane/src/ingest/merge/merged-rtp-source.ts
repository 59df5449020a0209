import { type Clock, systemClock, type TimerHandle } from '@mld/supervisor';
import { RateMeter } from '../../rate-meter.js';
import type { DatagramInputConfig, IngestSnapshot, IngestState, MergedInputConfig, RtpMergePathStats } from '../../types.js';
import type { DatagramSource, DatagramSourceFactory } from '../datagram-source.js';
import { NO_SIGNAL_AFTER_MS, RETRY_BIND_MS } from '../datagram-ts-source.js';
import type { Source, SourceFactoryOf, SourceSink } from '../source.js';
import { DEFAULT_MERGE_WINDOW_MS, SeamlessRtpMerge } from './seamless-rtp-merge.js';

/** Gap give-up precision: a gap is released at most this long after its window ran out. */
const TICK_MS = 10;

export interface MergedRtpSourceOptions {
  /** The same RTP stream on two paths (two sockets: two NICs, two multicast groups, two ports). */
  inputs: readonly [DatagramInputConfig, DatagramInputConfig];
  sink: SourceSink;
  datagrams: DatagramSourceFactory;
  /** How long a missing packet is waited for on the other path; default 200 ms. */
  windowMs?: number;
  clock?: Clock;
}

interface MergePath {
  readonly index: number;
  readonly input: DatagramInputConfig;
  readonly address: string;
  socket: DatagramSource | undefined;
  bound: boolean;
  error: string | null;
  retryTimer: TimerHandle | undefined;
  /** Receiving as far as the last tick saw (for the path lost / back events). */
  receiving: boolean;
  /** A "path lost" event went out: its return is news too. */
  reportedLost: boolean;
}

/**
 * One channel input made of two paths carrying the identical RTP stream (SMPTE 2022-7 style,
 * ADR 0014): both sockets feed one SeamlessRtpMerge, whose output is the depacketized TS a
 * lossless path would give. State as for a single RTP input (starting → no_signal ⇄ receiving),
 * taken from the merged stream; `error` only when no path can be opened. Each path is opened and
 * retried on its own, and its health is in `snapshot().merge`.
 */
export class MergedRtpSource implements Source {
  private readonly sink: SourceSink;
  private readonly datagrams: DatagramSourceFactory;
  private readonly clock: Clock;
  private readonly merge: SeamlessRtpMerge;
  private readonly paths: MergePath[];
  private state: IngestState = 'stopped';
  private since: number;
  private lastPacketAt: number | null = null;
  private readonly meter = new RateMeter(1000);
  private ticker: TimerHandle | undefined;
  private running = false;

  constructor(options: MergedRtpSourceOptions) {
    const [a, b] = options.inputs;
    for (const input of options.inputs) {
      if (input.type !== 'rtp') throw new Error(`merge needs RTP on both paths (sequence numbers); ${input.bindIp}:${input.port} is raw UDP`);
    }
    if (a.bindIp === b.bindIp && a.port === b.port) throw new Error(`merge needs two different paths; both are ${a.bindIp}:${a.port}`);
    this.sink = options.sink;
    this.datagrams = options.datagrams;
    this.clock = options.clock ?? systemClock;
    this.since = this.clock.now();
    this.merge = new SeamlessRtpMerge({
      paths: 2,
      windowMs: options.windowMs ?? DEFAULT_MERGE_WINDOW_MS,
      emit: (ts) => this.sink.ts(ts),
      onRejectedTs: (ts) => this.sink.rejected(ts),
    });
    this.paths = options.inputs.map((input, index) => ({
      index,
      input,
      address: `${input.bindIp}:${input.port}`,
      socket: undefined,
      bound: false,
      error: null,
      retryTimer: undefined,
      receiving: false,
      reportedLost: false,
    }));
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.setState('starting', null);
    this.ticker = this.clock.setInterval(() => this.tick(), TICK_MS);
    await Promise.all(this.paths.map((path) => this.open(path)));
    this.updateOpenState();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.ticker !== undefined) this.clock.clearInterval(this.ticker);
    this.ticker = undefined;
    await Promise.all(
      this.paths.map(async (path) => {
        if (path.retryTimer !== undefined) this.clock.clearTimeout(path.retryTimer);
        path.retryTimer = undefined;
        const socket = path.socket;
        path.socket = undefined;
        path.bound = false;
        path.receiving = false;
        await socket?.stop();
      }),
    );
    this.setState('stopped', null);
  }

  lostPackets(): number {
    return this.merge.stats.lost;
  }

  snapshot(): IngestSnapshot {
    const m = this.merge.stats;
    const now = this.clock.now();
    const counters = this.merge.paths;
    const sum = (pick: (i: number) => number) => pick(0) + pick(1);
    return {
      state: this.state,
      since: this.since,
      error: this.errorText(now),
      datagrams: sum((i) => counters[i]!.datagrams),
      bytes: sum((i) => counters[i]!.bytes),
      tsBytes: m.tsBytes,
      malformed: sum((i) => counters[i]!.malformed),
      malformedReasons: { ...m.malformedReasons },
      rtp: {
        lost: m.lost,
        duplicates: sum((i) => counters[i]!.sequence.stats.duplicates),
        reordered: m.reordered,
        late: sum((i) => counters[i]!.late),
        resyncs: m.resyncs,
        ssrcChanges: m.ssrcChanges,
        ssrc: this.merge.ssrc,
      },
      lastPacketAt: this.lastPacketAt,
      bitrateBps: this.state === 'receiving' ? this.meter.bitsPerSecond() : 0,
      merge: { windowMs: this.merge.windowMs, mergedLost: m.lost, paths: this.paths.map((path) => this.pathStats(path, now)) },
    };
  }

  private pathStats(path: MergePath, now: number): RtpMergePathStats {
    const c = this.merge.paths[path.index]!;
    return {
      address: path.address,
      state: this.pathState(path, now),
      error: path.error,
      received: c.received,
      lost: c.sequence.stats.lost,
      late: c.late,
      duplicates: c.sequence.stats.duplicates,
      used: c.used,
      behindMs: Math.round(c.behindMs * 10) / 10,
      lastPacketAt: c.lastPacketAt,
      ssrc: c.ssrc,
    };
  }

  private pathState(path: MergePath, now: number): IngestState {
    if (!this.running) return 'stopped';
    if (!path.bound) return path.error ? 'error' : 'starting';
    return this.pathReceiving(path, now) ? 'receiving' : 'no_signal';
  }

  private pathReceiving(path: MergePath, now: number): boolean {
    const last = this.merge.paths[path.index]!.lastPacketAt;
    return last !== null && now - last < NO_SIGNAL_AFTER_MS;
  }

  /** Why an operator should look: a path that cannot be opened, or two paths that are not one stream. */
  private errorText(now: number): string | null {
    const parts: string[] = [];
    for (const path of this.paths) if (path.error) parts.push(`path ${path.index + 1}: ${path.error}`);
    const [a, b] = this.merge.paths;
    if (this.paths.every((p) => this.pathReceiving(p, now)) && a!.ssrc !== b!.ssrc) {
      parts.push(`the paths carry different RTP streams (SSRC ${hex(a!.ssrc)} and ${hex(b!.ssrc)}): merge needs the same stream on both; two encoders need failover`);
    }
    if (this.merge.stats.malformedReasons['ts_on_rtp_input']) parts.push('datagrams carry raw MPEG-TS, not RTP: merge needs RTP sequence numbers');
    return parts.length > 0 ? parts.join('; ') : null;
  }

  private async open(path: MergePath): Promise<void> {
    path.retryTimer = undefined;
    const socket = this.datagrams(path.input);
    path.socket = socket;
    const index = path.index;
    try {
      await socket.start(
        (datagram) => {
          const now = this.clock.now();
          this.lastPacketAt = now;
          this.merge.push(index, datagram, now);
        },
        (message) => {
          path.error = message;
        },
      );
      if (!this.running || path.socket !== socket) return;
      path.bound = true;
      path.error = null;
    } catch (error) {
      if (path.socket === socket) path.socket = undefined;
      await socket.stop().catch(() => undefined);
      if (!this.running) return;
      // Someone else may free the port or the address may come up: try again, slowly.
      path.error = `${(error as Error).message} (retrying every ${RETRY_BIND_MS / 1000} s)`;
      path.retryTimer = this.clock.setTimeout(() => void this.open(path).then(() => this.updateOpenState()), RETRY_BIND_MS);
    }
  }

  /** `error` while no path could be opened; otherwise the merged stream decides (tick). */
  private updateOpenState(): void {
    if (!this.running) return;
    if (this.paths.some((p) => p.bound)) {
      if (this.state === 'starting' || this.state === 'error') this.setState('no_signal', null);
    } else {
      this.setState('error', this.paths.map((p) => `path ${p.index + 1}: ${p.error}`).join('; '));
    }
  }

  private tick(): void {
    const now = this.clock.now();
    this.merge.tick(now);
    this.meter.sample(now, this.merge.stats.tsBytes);
    for (const path of this.paths) this.watchPath(path, now);
    if (this.state !== 'no_signal' && this.state !== 'receiving') return;
    const receiving = this.lastPacketAt !== null && now - this.lastPacketAt < NO_SIGNAL_AFTER_MS;
    if (receiving && this.state === 'no_signal') this.setState('receiving', null);
    else if (!receiving && this.state === 'receiving') this.setState('no_signal', `no packet on either path for ${NO_SIGNAL_AFTER_MS / 1000} s`);
  }

  /** A path that stops (or starts again) while the other carries the stream is worth an event: protection is lost. */
  private watchPath(path: MergePath, now: number): void {
    const receiving = path.bound && this.pathReceiving(path, now);
    if (receiving === path.receiving) return;
    path.receiving = receiving;
    const other = this.paths[1 - path.index]!;
    if (!this.pathReceiving(other, now)) return; // the channel's own state change says it
    const which = `path ${path.index + 1} (${path.address})`;
    if (!receiving) {
      path.reportedLost = true;
      this.sink.event?.({ kind: 'peer_disconnected', level: 'warn', message: `${which}: no packet for ${NO_SIGNAL_AFTER_MS / 1000} s; path ${other.index + 1} carries the stream alone`, peer: path.address });
    } else if (path.reportedLost) {
      path.reportedLost = false;
      this.sink.event?.({ kind: 'peer_connected', level: 'info', message: `${which} receiving again: both paths protect the stream`, peer: path.address });
    }
  }

  private setState(to: IngestState, detail: string | null): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    this.since = this.clock.now();
    this.sink.stateChanged(from, to, detail);
  }
}

function hex(ssrc: number | null): string {
  return ssrc === null ? 'none' : `0x${ssrc.toString(16).padStart(8, '0')}`;
}

/** Makes the merged source of a channel whose two RTP inputs carry one stream (failover mode "merge"). */
export function mergedRtpSourceFactory(datagrams: DatagramSourceFactory, clock: Clock = systemClock): SourceFactoryOf<MergedInputConfig> {
  return (input, sink) => new MergedRtpSource({ inputs: input.paths, sink, datagrams, windowMs: input.windowMs, clock });
}
