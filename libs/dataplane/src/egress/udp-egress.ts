import { createSocket, type Socket } from 'node:dgram';
import { isIpv4Multicast, isIpv6, isIpv6Multicast } from '@mld/contracts';
import { RtpPacketizer, TS_PACKET_SIZE } from '@mld/mpegts';
import { canTransition, IllegalTransitionError, systemClock, type Clock, type TimerHandle } from '@mld/supervisor';
import { RateMeter } from '../rate-meter.js';
import type { EgressSnapshot, EgressState, OutputConfig } from '../types.js';
import type { Egress, EgressStateListener } from './egress.js';

/** 7 TS packets: the payload size of MediaLive's own UDP/RTP output. */
const DATAGRAM_TS_BYTES = 7 * TS_PACKET_SIZE;
/**
 * A remainder of fewer than 7 packets goes out on its own (a shorter datagram, RFC 2250 allows any
 * whole number of packets) after this long without more data: when the input stops (a failover, a
 * lost input) the outputs must not hold the stream's last packets until it comes back. Far beyond
 * a live input's jitter, so a stream that merely runs late keeps its 7-packet datagrams. Not padded
 * with null packets: the output stays the input's bytes, as on SRT outputs.
 */
const PARTIAL_FLUSH_MS = 200;
/** Bytes handed to the kernel but not yet confirmed sent, before this output drops its own data. */
const MAX_IN_FLIGHT_BYTES = 2 * 1024 * 1024;

export interface UdpEgressOptions {
  config: OutputConfig;
  onStateChange?: EgressStateListener;
  clock?: Clock;
}

/**
 * UDP or RTP output sent by the service's own socket: no child process, no copy beyond the
 * datagram split. RTP gets our own sequence numbers and 90 kHz timestamps (RFC 2250, PT 33).
 */
export class UdpEgress implements Egress {
  readonly id: string;
  private socket: Socket | undefined;
  private readonly rtp: RtpPacketizer | undefined;
  readonly config: OutputConfig;
  private readonly onStateChange: EgressStateListener | undefined;
  private readonly clock: Clock;
  private state: EgressState = 'stopped';
  private since: number;
  private startedAt: number | null = null;
  private lastError: string | null = null;
  private bytesOut = 0;
  private droppedBytes = 0;
  private inFlight = 0;
  private pending: Buffer | undefined;
  private flushTimer: TimerHandle | undefined;
  /** Set while stop() waits for the kernel to take what is in flight. */
  private onDrained: (() => void) | undefined;
  private readonly meter = new RateMeter(2000);
  private meterTimer: TimerHandle | undefined;
  private readonly clockOrigin: number;

  constructor(options: UdpEgressOptions) {
    this.config = options.config;
    this.onStateChange = options.onStateChange;
    this.clock = options.clock ?? systemClock;
    this.id = this.config.id;
    this.since = this.clockOrigin = this.clock.now();
    this.rtp = this.config.protocol === 'rtp' ? new RtpPacketizer() : undefined;
  }

  start(): void {
    if (this.socket) return;
    // The socket's family follows the destination: a udp4 socket cannot send to an IPv6 address.
    const socket = createSocket({ type: isIpv6(this.config.host) ? 'udp6' : 'udp4' });
    this.socket = socket;
    socket.on('error', (error) => {
      this.lastError = `socket error: ${error.message}`;
    });
    socket.bind(0, () => {
      try {
        const ttl = this.config.options['ttl'];
        const localaddr = this.config.options['localaddr'];
        if (isIpv4Multicast(this.config.host) || isIpv6Multicast(this.config.host)) {
          if (ttl !== undefined) socket.setMulticastTTL(Number(ttl));
          if (typeof localaddr === 'string') socket.setMulticastInterface(localaddr);
        } else if (ttl !== undefined) socket.setTTL(Number(ttl));
        this.setState('running', undefined);
      } catch (error) {
        this.lastError = `cannot configure the socket: ${(error as Error).message}`;
        this.setState('failed', this.lastError);
      }
    });
    this.startedAt = this.clock.now();
    this.setState('starting', undefined);
    this.meterTimer = this.clock.setInterval(() => this.meter.sample(this.clock.now(), this.bytesOut), 500);
  }

  async stop(): Promise<void> {
    if (this.meterTimer !== undefined) this.clock.clearInterval(this.meterTimer);
    this.meterTimer = undefined;
    if (this.state === 'stopped') return;
    this.cancelFlush();
    if (this.pending && this.state === 'running') this.send(this.pending);
    this.pending = undefined;
    if (this.state === 'starting' || this.state === 'running') this.setState('stopping', undefined);
    // Closing a dgram socket drops what libuv still queues, silently: let in-flight sends finish (bounded).
    if (this.inFlight > 0) {
      let timer: TimerHandle | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.onDrained = resolve)),
        new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, 1000))),
      ]);
      this.clock.clearTimeout(timer);
      this.onDrained = undefined;
    }
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.startedAt = null;
    this.setState('stopped', undefined);
  }

  retryNow(): void {
    if (this.state === 'failed') {
      void this.stop().then(() => this.start());
    }
  }

  accept(ts: Buffer): void {
    if (this.state !== 'running' || !this.socket) return;
    // Re-chunk into 1316-byte datagrams whatever the input's datagram size was.
    let data = this.pending ? Buffer.concat([this.pending, ts]) : ts;
    this.pending = undefined;
    this.cancelFlush();
    while (data.length >= DATAGRAM_TS_BYTES) {
      this.send(data.subarray(0, DATAGRAM_TS_BYTES));
      data = data.subarray(DATAGRAM_TS_BYTES);
    }
    if (data.length > 0) {
      this.pending = data;
      this.flushTimer = this.clock.setTimeout(() => this.flushPartial(), PARTIAL_FLUSH_MS);
    }
  }

  private flushPartial(): void {
    this.flushTimer = undefined;
    const partial = this.pending;
    this.pending = undefined;
    if (partial && this.state === 'running' && this.socket) this.send(partial);
  }

  private cancelFlush(): void {
    if (this.flushTimer !== undefined) this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  snapshot(): EgressSnapshot {
    return {
      id: this.id,
      name: this.config.name,
      protocol: this.config.protocol,
      state: this.state,
      since: this.since,
      pid: null,
      restarts: 0,
      lastError: this.lastError,
      nextRetryAt: null,
      startedAt: this.startedAt,
      connected: null,
      bytesOut: this.bytesOut,
      bitrateBps: this.meter.bitsPerSecond(),
      queueBytes: this.inFlight,
      droppedBytes: this.droppedBytes,
      srt: null,
      ffmpeg: null,
    };
  }

  private send(payload: Buffer): void {
    if (this.inFlight + payload.length > MAX_IN_FLIGHT_BYTES) {
      this.droppedBytes += payload.length;
      return;
    }
    const datagram = this.rtp ? this.rtp.packetize(payload, this.clock.now() - this.clockOrigin) : payload;
    this.inFlight += payload.length;
    this.socket!.send(datagram, this.config.port, this.config.host, (error) => {
      this.inFlight -= payload.length;
      if (this.inFlight === 0) this.onDrained?.();
      if (error) {
        this.droppedBytes += payload.length;
        this.lastError = `send failed: ${error.message}`;
      } else this.bytesOut += payload.length;
    });
  }

  /** The supervisor's transition table holds here too: an output's states mean the same whatever carries it. */
  private setState(to: EgressState, reason: string | undefined): void {
    const from = this.state;
    if (to === from) return;
    if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
    this.state = to;
    this.since = this.clock.now();
    this.onStateChange?.({ from, to, snapshot: this.snapshot(), reason });
  }
}
