// Two scripted paths of one RTP stream on a fake clock: which datagram each path loses, delays,
// repeats or reorders, played in arrival order into the sockets of a MergedRtpSource.
import { buildRtpPacket, RTP_PAYLOAD_TYPE_MP2T, TS_PACKET_SIZE } from '@mld/mpegts';

export const TS_PER_DATAGRAM = 7;

export interface RtpStreamOptions {
  ssrc?: number;
  firstSequence?: number;
  /** Milliseconds between datagrams at the sender. */
  intervalMs?: number;
  firstTimestamp?: number;
}

export interface SentDatagram {
  /** Position in the stream (0, 1, 2…), not the wrapped sequence number. */
  index: number;
  sentAt: number;
  payload: Buffer;
  datagram: Buffer;
}

/** Cuts a TS into 7-packet RTP datagrams, as an encoder sends it. */
export function rtpStream(ts: Buffer, options: RtpStreamOptions = {}): SentDatagram[] {
  const size = TS_PACKET_SIZE * TS_PER_DATAGRAM;
  const interval = options.intervalMs ?? 1;
  const out: SentDatagram[] = [];
  for (let off = 0, index = 0; off < ts.length; off += size, index++) {
    const payload = ts.subarray(off, Math.min(ts.length, off + size));
    const sentAt = index * interval;
    const fields = {
      payloadType: RTP_PAYLOAD_TYPE_MP2T,
      sequence: ((options.firstSequence ?? 0) + index) & 0xffff,
      timestamp: ((options.firstTimestamp ?? 1000) + Math.round(sentAt * 90)) >>> 0,
      ssrc: options.ssrc ?? 0x2022_0007,
    };
    out.push({ index, sentAt, payload, datagram: buildRtpPacket(fields, payload) });
  }
  return out;
}

export interface PathPlan {
  /** This path never delivers datagram `index`. */
  lose?: (index: number) => boolean;
  /** Constant network delay of this path. */
  delayMs?: number;
  /** Extra delay of one datagram (reorder within the path). */
  jitterMs?: (index: number) => number;
  /** Copies of each datagram this path delivers (a duplicate storm: > 1). */
  copies?: (index: number) => number;
  /** The path goes dead at this sender time (delivers nothing sent from then on). */
  deadFrom?: number;
}

export interface Arrival {
  at: number;
  path: number;
  order: number;
  datagram: Buffer;
}

/** Every arrival on every path, in the order a receiver would see them. */
export function arrivals(stream: readonly SentDatagram[], plans: readonly PathPlan[]): Arrival[] {
  const out: Arrival[] = [];
  let order = 0;
  plans.forEach((plan, path) => {
    for (const d of stream) {
      if (plan.lose?.(d.index)) continue;
      if (plan.deadFrom !== undefined && d.sentAt >= plan.deadFrom) continue;
      const at = d.sentAt + (plan.delayMs ?? 0) + (plan.jitterMs?.(d.index) ?? 0);
      const copies = plan.copies?.(d.index) ?? 1;
      for (let c = 0; c < copies; c++) out.push({ at, path, order: order++, datagram: d.datagram });
    }
  });
  return out.sort((a, b) => a.at - b.at || a.order - b.order);
}

export interface FakeTime {
  now(): number;
  advance(ms: number): void;
}

/**
 * Delivers the arrivals at their times (relative to `t0`), letting the clock's timers run in
 * between, then waits `settleMs` so every window has run out.
 */
export function play(clock: FakeTime, t0: number, list: readonly Arrival[], deliver: (path: number, datagram: Buffer) => void, settleMs = 1000): void {
  for (const a of list) {
    const due = t0 + a.at - clock.now();
    if (due > 0) clock.advance(due);
    deliver(a.path, a.datagram);
  }
  clock.advance(settleMs);
}
