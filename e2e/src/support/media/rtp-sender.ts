// Plays a TS into a UDP port the way an encoder (MediaLive) does: 7 TS packets per datagram,
// optionally RTP (PT 33), paced in real time at the stream's mux rate. It can drop, reorder and
// duplicate datagrams on purpose and keeps a record of every byte, so a test can compare what
// came out of the system with exactly what went in.
import { createSocket, type Socket } from 'node:dgram';
import { RtpPacketizer, TS_PACKET_SIZE } from '@mld/mpegts';
import { pcrTiming } from './ts-timing.js';
import { TsLooper } from './ts-loop.js';

export interface TsSenderOptions {
  ts: Buffer;
  host: string;
  port: number;
  mode: 'rtp' | 'udp';
  packetsPerDatagram?: number;
  /** Replay the feed until `durationMs` or stop(); later passes are rewritten to stay continuous (see TsLooper). */
  loop?: boolean;
  /** Stop after this long even if the feed has more. */
  durationMs?: number;
  pacing?: 'realtime';
  /** Bits/s; default the rate the PCRs say, else 8 Mbit/s. */
  bitrate?: number;
  /** Datagram indices (0-based, in generation order) never sent. RTP still spends their sequence numbers. */
  dropSequences?: ReadonlySet<number>;
  /** Drop datagrams N-1, 2N-1, … */
  dropEvery?: number;
  /** Datagrams N-1, 2N-1, … are sent after the datagram that follows them. */
  reorderEvery?: number;
  /** Datagrams N-1, 2N-1, … are sent twice in a row. */
  duplicateEvery?: number;
  rtp?: { ssrc?: number; initialSequence?: number };
  /** Multicast / unicast TTL. */
  ttl?: number;
  /** Local address to send from (and the multicast interface): the source a source-specific join expects. */
  bindAddress?: string;
  /** Keep the byte records (default true); a long benchmark run can turn them off. */
  record?: boolean;
  /** Timer granularity; every tick sends all datagrams due since the start, so pacing never drifts. */
  tickMs?: number;
  /** Hard stop whatever else is asked. Default 10 minutes. */
  maxDurationMs?: number;
}

export interface DatagramMark {
  /** Generation index (0-based). */
  index: number;
  /** RTP sequence number, in rtp mode. */
  sequence?: number;
}

export interface TsSenderStats {
  /** Datagrams put on the wire (duplicates counted twice, dropped not at all). */
  datagrams: number;
  /** Wire bytes, RTP headers included. */
  bytes: number;
  /** Datagrams generated, dropped ones included. */
  generated: number;
  /** Feed passes started (1 without loop). */
  passes: number;
  sendErrors: number;
  bitrate: number;
  ssrc?: number;
  /** RTP sequence number of datagram 0. */
  firstSequence?: number;
  dropped: DatagramMark[];
  reordered: DatagramMark[];
  duplicated: DatagramMark[];
  /** Every generated TS payload in generation order, dropped ones included: the source stream. */
  readonly generatedTs: Buffer;
  /** Exactly the TS bytes put on the wire, in wire order: dropped excluded, reordered as sent, duplicates twice. */
  readonly sentTs: Buffer;
  /** Generation order without the dropped datagrams: what an ingest that undoes reordering and duplication should output. */
  readonly deliveredTs: Buffer;
}

export interface TsSender {
  stats(): TsSenderStats;
  /** Resolves when the feed (or duration) ends or stop() is called; the socket is closed by then. */
  done: Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_BITRATE = 8_000_000;

export async function startTsSender(opts: TsSenderOptions): Promise<TsSender> {
  const perDatagram = (opts.packetsPerDatagram ?? 7) * TS_PACKET_SIZE;
  const feed = opts.ts.subarray(0, opts.ts.length - (opts.ts.length % TS_PACKET_SIZE));
  if (feed.length === 0) throw new RangeError('nothing to send');
  const bitrate = opts.bitrate ?? pcrTiming(feed)?.bitrate ?? DEFAULT_BITRATE;
  const looper = opts.loop ? new TsLooper(feed, bitrate) : undefined;
  const record = opts.record ?? true;
  const packetizer = opts.mode === 'rtp' ? new RtpPacketizer({ ssrc: opts.rtp?.ssrc, initialSequence: opts.rtp?.initialSequence }) : undefined;
  const socket = await openSocket(opts.ttl, opts.bindAddress);

  const generated: Buffer[] = [];
  const wire: Buffer[] = [];
  const droppedIdx = new Set<number>();
  const marks = { dropped: [] as DatagramMark[], reordered: [] as DatagramMark[], duplicated: [] as DatagramMark[] };
  const counters = { datagrams: 0, bytes: 0, generated: 0, passes: 1, sendErrors: 0 };
  const firstSequence = packetizer?.nextSequence;

  let pass = feed;
  let pos = 0;
  let generatedBytes = 0;
  let held: { datagram: Buffer; payload: Buffer } | undefined;
  let finished = false;

  const nextPayload = (): Buffer | undefined => {
    if (pos >= pass.length) {
      if (!looper) return undefined;
      pass = looper.pass(counters.passes++);
      pos = 0;
    }
    const end = pos + perDatagram;
    if (end <= pass.length || !looper) {
      const payload = pass.subarray(pos, Math.min(end, pass.length));
      pos += payload.length;
      return payload;
    }
    // A looped feed keeps whole datagrams across the seam.
    const tail = pass.subarray(pos);
    pass = looper.pass(counters.passes++);
    pos = perDatagram - tail.length;
    return Buffer.concat([tail, pass.subarray(0, pos)]);
  };

  // Closing a socket discards sends still queued in libuv, so the close waits for these.
  let inFlight = 0;
  let onDrained: (() => void) | undefined;
  const put = (datagram: Buffer, payload: Buffer) => {
    counters.datagrams++;
    counters.bytes += datagram.length;
    if (record) wire.push(payload);
    inFlight++;
    socket.send(datagram, opts.port, opts.host, (err) => {
      if (err) counters.sendErrors++;
      if (--inFlight === 0) onDrained?.();
    });
  };

  const every = (n: number | undefined, index: number) => n !== undefined && n > 0 && (index + 1) % n === 0;

  const generateOne = (): boolean => {
    const payload = nextPayload();
    if (!payload) return false;
    const index = counters.generated++;
    const mediaMs = (generatedBytes * 8 * 1000) / bitrate;
    generatedBytes += payload.length;
    const sequence = packetizer?.nextSequence;
    const datagram = packetizer ? packetizer.packetize(payload, mediaMs) : payload;
    const mark: DatagramMark = sequence === undefined ? { index } : { index, sequence };
    if (record) generated.push(payload);
    if (opts.dropSequences?.has(index) || every(opts.dropEvery, index)) {
      droppedIdx.add(index);
      marks.dropped.push(mark);
      return true;
    }
    const release = held;
    held = undefined;
    if (every(opts.reorderEvery, index) && !release) {
      held = { datagram, payload };
      marks.reordered.push(mark);
      return true;
    }
    put(datagram, payload);
    if (every(opts.duplicateEvery, index)) {
      marks.duplicated.push(mark);
      put(datagram, payload);
    }
    if (release) put(release.datagram, release.payload);
    return true;
  };

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const t0 = performance.now();
  const limitMs = Math.min(opts.durationMs ?? Infinity, opts.maxDurationMs ?? 10 * 60_000);

  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(timer);
    if (held) put(held.datagram, held.payload);
    held = undefined;
    const close = () => socket.close(() => resolveDone());
    if (inFlight === 0) close();
    else onDrained = close;
  };

  const tick = () => {
    const elapsed = performance.now() - t0;
    const dueBytes = (Math.min(elapsed, limitMs) * bitrate) / 8000;
    while (generatedBytes < dueBytes) {
      if (!generateOne()) return finish();
    }
    if (elapsed >= limitMs) finish();
  };
  const timer = setInterval(tick, opts.tickMs ?? 4);
  tick();

  const concatRecord = (parts: Buffer[]) => {
    if (!record) throw new Error('the sender was started with record: false');
    return Buffer.concat(parts);
  };

  return {
    done,
    stop: async () => {
      finish();
      await done;
    },
    stats: () => ({
      ...counters,
      bitrate,
      ssrc: packetizer?.ssrc,
      firstSequence,
      dropped: [...marks.dropped],
      reordered: [...marks.reordered],
      duplicated: [...marks.duplicated],
      get generatedTs() {
        return concatRecord(generated);
      },
      get sentTs() {
        return concatRecord(wire);
      },
      get deliveredTs() {
        return concatRecord(droppedIdx.size === 0 ? generated : generated.filter((_, i) => !droppedIdx.has(i)));
      },
    }),
  };
}

function openSocket(ttl: number | undefined, bindAddress: string | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind({ port: 0, ...(bindAddress ? { address: bindAddress } : {}) }, () => {
      if (bindAddress) socket.setMulticastInterface(bindAddress);
      socket.off('error', reject);
      // Sending never throws into the test; errors are counted per datagram instead.
      socket.on('error', () => undefined);
      try {
        socket.setSendBufferSize(4 * 1024 * 1024);
      } catch {
        /* capped by net.core.wmem_max; the default still works at test rates */
      }
      if (ttl !== undefined) {
        socket.setTTL(ttl);
        socket.setMulticastTTL(ttl);
      }
      resolve(socket);
    });
  });
}
