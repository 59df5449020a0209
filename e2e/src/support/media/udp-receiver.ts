// A UDP or RTP destination: records every datagram, and in RTP mode the header fields, so a
// test can assert that our RTP egress numbers and stamps packets the way a receiver expects.
import { createSocket } from 'node:dgram';
import { emptyRtpHeader, readRtpHeader, type RtpParseError } from '@mld/mpegts';
import { waitFor } from '../service-process.js';

export interface UdpReceiverOptions {
  /** Default 0: the kernel picks one (read it back from `port`). */
  port?: number;
  host?: string;
  mode: 'udp' | 'rtp';
  /** Join this group (binds the group address; `host` is the interface to join on). */
  multicastGroup?: string;
  /** Close the socket after this long whatever happens. Default 10 minutes. */
  maxLifetimeMs?: number;
}

export interface ReceivedDatagram {
  /** performance.now() at arrival. */
  at: number;
  /** The sender's address:port (one socket sending throughout shows one value). */
  from: string;
  size: number;
  /** Payload bytes (the TS part in rtp mode). */
  payloadLength: number;
  sequence?: number;
  timestamp?: number;
  ssrc?: number;
  payloadType?: number;
  marker?: boolean;
  /** Why the datagram was not RTP (rtp mode); its bytes are then not in received(). */
  rtpError?: RtpParseError;
}

export interface UdpReceiver {
  readonly port: number;
  /** Payloads in arrival order (RTP headers stripped in rtp mode; invalid RTP left out). */
  received(): Buffer;
  datagrams(): ReceivedDatagram[];
  bytes(): number;
  waitForBytes(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startUdpReceiver(opts: UdpReceiverOptions): Promise<UdpReceiver> {
  const host = opts.host ?? '127.0.0.1';
  const socket = createSocket({ type: 'udp4', reuseAddr: opts.multicastGroup !== undefined });
  const payloads: Buffer[] = [];
  const records: ReceivedDatagram[] = [];
  const header = emptyRtpHeader();
  let total = 0;

  socket.on('message', (msg, rinfo) => {
    const at = performance.now();
    const from = `${rinfo.address}:${rinfo.port}`;
    if (opts.mode === 'udp') {
      payloads.push(msg);
      total += msg.length;
      records.push({ at, from, size: msg.length, payloadLength: msg.length });
      return;
    }
    const rtpError = readRtpHeader(msg, header);
    if (rtpError) {
      records.push({ at, from, size: msg.length, payloadLength: 0, rtpError });
      return;
    }
    payloads.push(msg.subarray(header.payloadOffset, header.payloadOffset + header.payloadLength));
    total += header.payloadLength;
    records.push({
      at,
      from,
      size: msg.length,
      payloadLength: header.payloadLength,
      sequence: header.sequence,
      timestamp: header.timestamp,
      ssrc: header.ssrc,
      payloadType: header.payloadType,
      marker: header.marker,
    });
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port ?? 0, opts.multicastGroup ?? host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', () => undefined);
  try {
    // Tests read in bursts behind a busy event loop; a large buffer keeps the kernel from dropping.
    socket.setRecvBufferSize(8 * 1024 * 1024);
  } catch {
    /* capped by net.core.rmem_max */
  }
  // lo has no MULTICAST flag on these machines (EVIDENCE §11): joining can fail there.
  if (opts.multicastGroup) socket.addMembership(opts.multicastGroup, host);

  let closed = false;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      closed = true;
      clearTimeout(lifetime);
      socket.close(() => resolve());
    });
  const lifetime = setTimeout(() => void stop(), opts.maxLifetimeMs ?? 10 * 60_000);

  return {
    port: socket.address().port,
    received: () => Buffer.concat(payloads),
    datagrams: () => [...records],
    bytes: () => total,
    waitForBytes: async (count, timeoutMs = 10_000) => {
      await waitFor(`${count} bytes on UDP :${socket.address().port}`, () => total >= count, timeoutMs, 20);
    },
    stop,
  };
}

export interface RtpSequenceReport {
  packets: number;
  /** Sequence numbers of the first and last packet to arrive. */
  first?: number;
  last?: number;
  /** Numbers in the range seen (unwrapped past 65535) that never arrived. */
  missing: number;
  /** Packets that arrived after a higher number had already arrived. */
  outOfOrder: number;
  duplicates: number;
  /** Packets whose number is not the previous one plus 1 (any of the above). */
  discontinuities: number;
  ssrcs: number[];
  payloadTypes: number[];
  /** Timestamps that went backwards from one packet to the next. */
  timestampRegressions: number;
  /** Datagrams that were not valid RTP. */
  invalid: number;
}

/** Checks that RTP packets arrived numbered consecutively (mod 65536) with rising timestamps. */
export function rtpSequenceReport(datagrams: readonly ReceivedDatagram[]): RtpSequenceReport {
  const rtp = datagrams.filter((d) => d.sequence !== undefined);
  const seen = new Set<number>();
  let duplicates = 0;
  let outOfOrder = 0;
  let discontinuities = 0;
  let timestampRegressions = 0;
  let ext = 0;
  let min = 0;
  let max = 0;
  for (let i = 0; i < rtp.length; i++) {
    const d = rtp[i]!;
    if (i > 0) {
      const prev = rtp[i - 1]!;
      const step = (d.sequence! - prev.sequence! + 0x10000) & 0xffff;
      if (step !== 1) discontinuities++;
      // Unwrap: a step of 32768 or more is read as going backwards.
      ext += step >= 0x8000 ? step - 0x10000 : step;
      if ((d.timestamp! - prev.timestamp! + 2 ** 32) % 2 ** 32 >= 2 ** 31) timestampRegressions++;
    }
    if (seen.has(ext)) duplicates++;
    else if (i > 0 && ext < max) outOfOrder++;
    seen.add(ext);
    min = Math.min(min, ext);
    max = Math.max(max, ext);
  }
  return {
    packets: rtp.length,
    first: rtp[0]?.sequence,
    last: rtp.at(-1)?.sequence,
    missing: rtp.length === 0 ? 0 : max - min + 1 - seen.size,
    outOfOrder,
    duplicates,
    discontinuities,
    ssrcs: [...new Set(rtp.map((d) => d.ssrc!))],
    payloadTypes: [...new Set(rtp.map((d) => d.payloadType!))],
    timestampRegressions,
    invalid: datagrams.length - rtp.length,
  };
}
