import { type Clock, systemClock, type TimerHandle } from '@mld/supervisor';
import { RateMeter } from '../rate-meter.js';
import type { IngestSnapshot, IngestState, DatagramInputConfig } from '../types.js';
import type { DatagramSource, DatagramSourceFactory } from './datagram-source.js';
import type { Source, SourceFactoryOf, SourceSink } from './source.js';
import { TsDepacketizer } from './ts-depacketizer.js';

/** No datagram for this long: `receiving` becomes `no_signal`. */
export const NO_SIGNAL_AFTER_MS = 2000;
/** A socket that could not be opened (port taken, address missing) is tried again this often. */
export const RETRY_BIND_MS = 5000;
const TICK_MS = 20;

export interface DatagramTsSourceOptions {
  input: DatagramInputConfig;
  sink: SourceSink;
  /** The socket (a UDP socket in production, anything in tests). */
  datagrams: DatagramSourceFactory;
  clock?: Clock;
}

/**
 * An RTP or raw-UDP MPEG-TS input: datagrams from a socket through the depacketizer (RTP header
 * stripped, reordered within a small window, loss counted) to the sink, with the input's state
 * machine: starting → no_signal ⇄ receiving, error (retried) when the socket cannot be opened.
 */
export class DatagramTsSource implements Source {
  private readonly input: DatagramInputConfig;
  private readonly sink: SourceSink;
  private readonly datagrams: DatagramSourceFactory;
  private readonly clock: Clock;
  private socket: DatagramSource | undefined;
  private readonly depacketizer: TsDepacketizer;
  private state: IngestState = 'stopped';
  private since: number;
  private error: string | null = null;
  private lastPacketAt: number | null = null;
  private readonly meter = new RateMeter(1000);
  private ticker: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private running = false;

  constructor(options: DatagramTsSourceOptions) {
    this.input = options.input;
    this.sink = options.sink;
    this.datagrams = options.datagrams;
    this.clock = options.clock ?? systemClock;
    this.since = this.clock.now();
    this.depacketizer = new TsDepacketizer(this.input.type, (ts) => this.sink.ts(ts), { onRejectedTs: (bytes) => this.sink.rejected(bytes) });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.ticker = this.clock.setInterval(() => this.tick(), TICK_MS);
    await this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.ticker !== undefined) this.clock.clearInterval(this.ticker);
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.ticker = undefined;
    this.retryTimer = undefined;
    await this.socket?.stop();
    this.socket = undefined;
    this.setState('stopped', null);
  }

  lostPackets(): number {
    return this.depacketizer.reorder.stats.lost;
  }

  snapshot(): IngestSnapshot {
    const c = this.depacketizer.counters;
    const r = this.depacketizer.reorder.stats;
    return {
      state: this.state,
      since: this.since,
      error: this.error ?? c.hint,
      datagrams: c.datagrams,
      bytes: c.bytes,
      tsBytes: c.tsBytes,
      malformed: c.malformed,
      malformedReasons: { ...c.malformedReasons },
      rtp: { lost: r.lost, duplicates: r.duplicates, reordered: r.reordered, late: r.late, resyncs: r.resyncs, ssrcChanges: r.ssrcChanges, ssrc: this.depacketizer.ssrc },
      lastPacketAt: this.lastPacketAt,
      bitrateBps: this.state === 'receiving' ? this.meter.bitsPerSecond() : 0,
    };
  }

  private async open(): Promise<void> {
    this.retryTimer = undefined;
    this.setState('starting', null);
    const socket = this.datagrams(this.input);
    this.socket = socket;
    try {
      await socket.start(
        (datagram) => {
          const now = this.clock.now();
          this.lastPacketAt = now;
          this.depacketizer.push(datagram, now);
        },
        (message) => {
          this.error = message;
        },
      );
      if (!this.running || this.socket !== socket) return;
      this.error = null;
      this.setState('no_signal', null);
    } catch (error) {
      if (this.socket === socket) this.socket = undefined;
      await socket.stop().catch(() => undefined);
      if (!this.running) return;
      // Someone else may free the port or the address may come up: try again, slowly.
      this.error = `${(error as Error).message} (retrying every ${RETRY_BIND_MS / 1000} s)`;
      this.setState('error', this.error);
      this.retryTimer = this.clock.setTimeout(() => void this.open(), RETRY_BIND_MS);
    }
  }

  private tick(): void {
    const now = this.clock.now();
    this.depacketizer.tick(now);
    this.meter.sample(now, this.depacketizer.counters.bytes);
    if (this.state !== 'no_signal' && this.state !== 'receiving') return;
    const receiving = this.lastPacketAt !== null && now - this.lastPacketAt < NO_SIGNAL_AFTER_MS;
    if (receiving && this.state === 'no_signal') this.setState('receiving', null);
    else if (!receiving && this.state === 'receiving') this.setState('no_signal', `no packet for ${NO_SIGNAL_AFTER_MS / 1000} s`);
  }

  private setState(to: IngestState, detail: string | null): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    this.since = this.clock.now();
    this.sink.stateChanged(from, to, detail);
  }
}

/** RTP/UDP inputs on real UDP sockets (or the given datagram sources, in tests). */
export function datagramTsSourceFactory(datagrams: DatagramSourceFactory, clock: Clock = systemClock): SourceFactoryOf<DatagramInputConfig> {
  return (input, sink) => new DatagramTsSource({ input, sink, datagrams, clock });
}
