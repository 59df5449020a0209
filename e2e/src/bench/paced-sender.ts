// The encoder side of the benchmark: one paced sender per channel, all on one 4 ms timer, each
// sending datagram i of the endless LoopedStream (7 TS packets, RTP or raw UDP) to one or more
// targets when it is due. Unlike the test harness's sender it keeps no byte record (receivers
// regenerate the stream to compare against) but does note when every K-th datagram left, so
// latency can be measured at the receivers, and it can copy each datagram to several targets
// (the reference run's bare relays). A channel can play the stream at an offset (a backup
// encoder) and be paused and resumed (an encoder that fails and comes back, for --backup).
import { createSocket, type Socket } from 'node:dgram';
import { RtpPacketizer } from '@mld/mpegts';
import { DATAGRAM_BYTES, type LoopedStream, monotonicMs } from './looped-stream.js';

export interface SenderChannel {
  mode: 'rtp' | 'udp';
  targets: Array<{ host: string; port: number }>;
  /**
   * Plays the stream this many datagrams ahead (a backup encoder whose content is not the
   * main's at the same moment, so a receiver comparing bytes tells them apart). Default 0.
   */
  offsetDatagrams?: number;
}

export interface PacedSenderOptions {
  stream: LoopedStream;
  channels: SenderChannel[];
  /** Record the send time of datagrams whose index is a multiple of this. */
  sampleEvery: number;
  tickMs?: number;
  /** Hard stop whatever happens (the orchestrator normally calls stop()). */
  maxDurationMs: number;
}

export interface SenderStats {
  /** Datagrams generated per channel (each went to every target of its channel). */
  datagrams: number;
  sends: number;
  sendErrors: number;
  /** How late (ms) the most delayed datagram left compared with its due time, and how many were > 10 ms late. */
  maxLatenessMs: number;
  lateOver10ms: number;
  startedAt: number;
}

export class PacedSender {
  private readonly sockets: Socket[] = [];
  private readonly packetizers: Array<RtpPacketizer | undefined>;
  /** sendTimes[c][i / K] = monotonic ms when datagram i of channel c was handed to the kernel. */
  private readonly sendTimes: number[][];
  private readonly datagramMs: number;
  private timer: NodeJS.Timeout | undefined;
  private hardStop: NodeJS.Timeout | undefined;
  private t0 = 0;
  private next = 0;
  private inFlight = 0;
  private onDrained: (() => void) | undefined;
  private finished = false;
  /** Channels whose datagrams are skipped (an encoder that went silent); their position goes on. */
  private readonly paused = new Set<number>();
  /** lastSentAt[c] = monotonic ms of channel c's latest send. */
  private readonly lastSent: number[];
  private readonly counters = { sends: 0, sendErrors: 0, maxLatenessMs: 0, lateOver10ms: 0 };

  constructor(private readonly opts: PacedSenderOptions) {
    this.packetizers = opts.channels.map((c) => (c.mode === 'rtp' ? new RtpPacketizer() : undefined));
    this.sendTimes = opts.channels.map(() => []);
    this.lastSent = opts.channels.map(() => 0);
    this.datagramMs = (DATAGRAM_BYTES * 8 * 1000) / opts.stream.bitrate;
  }

  async start(): Promise<void> {
    for (let c = 0; c < this.opts.channels.length; c++) this.sockets.push(await openSocket());
    this.t0 = monotonicMs();
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 4);
    this.hardStop = setTimeout(() => void this.stop(), this.opts.maxDurationMs);
    this.tick();
  }

  /** Datagrams generated so far (per channel); position `datagrams × 1316` of the stream is next. */
  get datagrams(): number {
    return this.next;
  }

  stats(): SenderStats {
    return { datagrams: this.next, ...this.counters, startedAt: this.t0 };
  }

  /** Starts counting lateness afresh (at the start of a measured window). */
  resetLateness(): void {
    this.counters.maxLatenessMs = 0;
    this.counters.lateOver10ms = 0;
  }

  /** Send time of datagram `index` of channel `c`, when it was sampled and sent. */
  sendTime(c: number, index: number): number | undefined {
    if (index % this.opts.sampleEvery !== 0) return undefined;
    const at = this.sendTimes[c]?.[index / this.opts.sampleEvery];
    // NaN: the channel was paused when that datagram was due (it was never sent).
    return at === undefined || Number.isNaN(at) ? undefined : at;
  }

  /** Channel `c` goes silent from now on (nothing of it is sent until resume). */
  pause(c: number): void {
    this.paused.add(c);
  }

  /** Channel `c` sends again, at the position the stream has reached meanwhile (what was due while silent is lost). */
  resume(c: number): void {
    this.paused.delete(c);
  }

  /** Monotonic ms when channel `c` last handed a datagram to the kernel (0: never). */
  lastSentAt(c: number): number {
    return this.lastSent[c] ?? 0;
  }

  async stop(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    clearTimeout(this.hardStop);
    // Closing a socket drops sends libuv still queues: wait for them (bounded).
    if (this.inFlight > 0) {
      await Promise.race([new Promise<void>((r) => (this.onDrained = r)), new Promise((r) => setTimeout(r, 2000))]);
    }
    await Promise.all(this.sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  private tick(): void {
    if (this.finished) return;
    const now = monotonicMs();
    const due = Math.floor((now - this.t0) / this.datagramMs) + 1;
    const K = this.opts.sampleEvery;
    while (this.next < due) {
      const i = this.next++;
      const lateness = now - (this.t0 + i * this.datagramMs);
      if (lateness > this.counters.maxLatenessMs) this.counters.maxLatenessMs = lateness;
      if (lateness > 10) this.counters.lateOver10ms++;
      const payload = this.opts.stream.slice(i * DATAGRAM_BYTES, DATAGRAM_BYTES);
      for (let c = 0; c < this.opts.channels.length; c++) {
        const channel = this.opts.channels[c]!;
        if (this.paused.has(c)) {
          if (i % K === 0) this.sendTimes[c]!.push(Number.NaN);
          continue;
        }
        const offset = channel.offsetDatagrams ?? 0;
        const data = offset === 0 ? payload : this.opts.stream.slice((i + offset) * DATAGRAM_BYTES, DATAGRAM_BYTES);
        const packetizer = this.packetizers[c];
        const datagram = packetizer ? packetizer.packetize(data, i * this.datagramMs) : data;
        const sentAt = monotonicMs();
        if (i % K === 0) this.sendTimes[c]!.push(sentAt);
        this.lastSent[c] = sentAt;
        for (const target of channel.targets) this.send(this.sockets[c]!, datagram, target.host, target.port);
      }
    }
  }

  private send(socket: Socket, datagram: Buffer, host: string, port: number): void {
    this.counters.sends++;
    this.inFlight++;
    socket.send(datagram, port, host, (err) => {
      if (err) this.counters.sendErrors++;
      if (--this.inFlight === 0) this.onDrained?.();
    });
  }
}

function openSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      try {
        socket.setSendBufferSize(4 * 1024 * 1024);
      } catch {
        /* capped by net.core.wmem_max */
      }
      resolve(socket);
    });
  });
}
