import { RateMeter } from '../rate-meter.js';
import type { IngestSnapshot, IngestState, InputConfig } from '../types.js';
import type { DatagramSource, DatagramSourceFactory } from './datagram-source.js';
import { TsDepacketizer } from './ts-depacketizer.js';

export interface IngestClock {
  now(): number;
}

const NO_SIGNAL_AFTER_MS = 2000;
const RETRY_BIND_MS = 5000;
const TICK_MS = 20;

/**
 * One channel's input: a datagram source (UDP socket) feeding the depacketizer, the TS bytes
 * going to `onTs`. Other input kinds (SRT, RTMP, file, main/backup failover) can implement the
 * same shape: start/stop/snapshot and an `onTs` callback; egress never sees the difference.
 */
export class ChannelIngest {
  private source: DatagramSource | undefined;
  private depacketizer: TsDepacketizer;
  private state: IngestState = 'stopped';
  private since = Date.now();
  private error: string | null = null;
  private lastPacketAt: number | null = null;
  private readonly meter = new RateMeter(1000);
  private ticker: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private input: InputConfig,
    private readonly onTs: (ts: Buffer) => void,
    private readonly sources: DatagramSourceFactory,
    private readonly clock: IngestClock = Date,
    private readonly onStateChange: (from: IngestState, to: IngestState, detail: string | null) => void = () => undefined,
    private readonly onRejectedTs?: (ts: Buffer) => void,
  ) {
    this.depacketizer = this.newDepacketizer(input);
  }

  private newDepacketizer(input: InputConfig): TsDepacketizer {
    return new TsDepacketizer(input.type, this.onTs, this.onRejectedTs ? { onRejectedTs: this.onRejectedTs } : {});
  }

  get config(): InputConfig {
    return this.input;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    await this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.ticker);
    clearTimeout(this.retryTimer);
    this.ticker = undefined;
    await this.source?.stop();
    this.source = undefined;
    this.setState('stopped', null);
  }

  /** New input settings: the socket is reopened; counters restart with the new input. */
  async reconfigure(input: InputConfig): Promise<void> {
    const wasRunning = this.running;
    await this.stop();
    this.input = input;
    this.depacketizer = this.newDepacketizer(input);
    this.lastPacketAt = null;
    if (wasRunning) await this.start();
  }

  /** RTP packets lost so far (cheap: no snapshot object). */
  rtpLost(): number {
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
    this.setState('starting', null);
    const source = this.sources(this.input);
    this.source = source;
    try {
      await source.start(
        (datagram) => {
          const now = this.clock.now();
          this.lastPacketAt = now;
          this.depacketizer.push(datagram, now);
        },
        (message) => {
          this.error = message;
        },
      );
      if (!this.running || this.source !== source) return;
      this.error = null;
      this.setState('no_signal', null);
    } catch (error) {
      if (this.source === source) this.source = undefined;
      await source.stop().catch(() => undefined);
      if (!this.running) return;
      // Someone else may free the port or the address may come up: try again, slowly.
      this.error = `${(error as Error).message} (retrying every ${RETRY_BIND_MS / 1000} s)`;
      this.setState('error', this.error);
      this.retryTimer = setTimeout(() => void this.open(), RETRY_BIND_MS);
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
    this.onStateChange(from, to, detail);
  }
}
