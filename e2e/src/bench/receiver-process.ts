// The benchmark's destinations, in a process of their own so their work neither slows the
// paced sender nor hides in its CPU figure: SRT listener receivers (srt-live-transmit into a
// pipe) and UDP/RTP sockets, each feeding a StreamVerifier. Started by receiver-client.ts with
// an IPC channel; exits when that channel closes or its lifetime runs out.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { emptyRtpHeader, readRtpHeader } from '@mld/mpegts';
import { waitFor } from '../support/service-process.js';
import { udpPortBound } from '../support/media/free-port.js';
import { srtUrl, startSrtLiveTransmit, type SrtLiveTransmit } from '../support/media/srt-live-transmit.js';
import { stopAllTracked } from '../support/media/child-process.js';
import { LoopedStream, monotonicMs } from './looped-stream.js';
import type { ReceiverInit, ReceiverReply, ReceiverRequest, ReceiverResult } from './receiver-protocol.js';
import { StreamVerifier } from './stream-verifier.js';

interface Receiver {
  name: string;
  kind: 'srt' | 'udp' | 'rtp';
  verifier: StreamVerifier;
  srt?: SrtLiveTransmit;
  socket?: Socket;
  datagrams: number;
  rtp: { missing: number; outOfOrder: number; duplicates: number; invalid: number };
}

let init: ReceiverInit | undefined;
let stream: LoopedStream | undefined;
const receivers = new Map<string, Receiver>();
let lifetime: NodeJS.Timeout | undefined;
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

function verifier(compare = true): StreamVerifier {
  if (!init || !stream) throw new Error('receiver process not initialised');
  return new StreamVerifier({
    stream,
    scte35Pid: init.scte35Pid,
    cueOffsets: init.cueOffsets,
    sampleEvery: init.sampleEvery,
    searchLimit: init.searchLimit,
    compare,
  });
}

async function addSrt(name: string, port: number, latencyMs: number, compare?: boolean): Promise<{ pid: number }> {
  const v = verifier(compare);
  const srt = startSrtLiveTransmit({
    name: `bench srt receiver ${name} :${port}`,
    input: srtUrl({ mode: 'listener', host: '127.0.0.1', port, latencyMs }),
    output: 'file://con',
    // Totals every 1000 packets (~1.4 s at 8 Mbit/s): what SRT itself lost or dropped as too late.
    statsEveryPackets: 1000,
    fullStats: true,
    maxLifetimeMs: init!.maxLifetimeMs,
    onStdout: (chunk) => v.push(chunk, monotonicMs()),
  });
  receivers.set(name, { name, kind: 'srt', verifier: v, srt, datagrams: 0, rtp: { missing: 0, outOfOrder: 0, duplicates: 0, invalid: 0 } });
  // A listener prints nothing when it is up; the bound socket is the signal.
  await waitFor(
    `srt listener on :${port}`,
    () => {
      if (!srt.process.running) throw new Error(`srt-live-transmit listener exited:\n${srt.stderr()}`);
      return udpPortBound(port);
    },
    5_000,
    10,
  );
  return { pid: srt.pid };
}

async function addUdp(name: string, mode: 'udp' | 'rtp', compare?: boolean): Promise<{ port: number }> {
  const v = verifier(compare);
  const socket = createSocket('udp4');
  const r: Receiver = { name, kind: mode, verifier: v, socket, datagrams: 0, rtp: { missing: 0, outOfOrder: 0, duplicates: 0, invalid: 0 } };
  const header = emptyRtpHeader();
  let expected = -1;
  socket.on('message', (msg) => {
    const at = monotonicMs();
    r.datagrams++;
    if (mode === 'udp') return v.push(msg, at);
    if (readRtpHeader(msg, header)) {
      r.rtp.invalid++;
      return;
    }
    if (expected >= 0 && header.sequence !== expected) {
      const ahead = (header.sequence - expected + 0x10000) & 0xffff;
      if (ahead < 0x8000) r.rtp.missing += ahead;
      else if (((expected - 1 - header.sequence + 0x10000) & 0xffff) === 0) r.rtp.duplicates++;
      else r.rtp.outOfOrder++;
    }
    if (expected < 0 || ((header.sequence - expected + 0x10000) & 0xffff) < 0x8000) expected = (header.sequence + 1) & 0xffff;
    v.push(msg.subarray(header.payloadOffset, header.payloadOffset + header.payloadLength), at);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', () => undefined);
  try {
    socket.setRecvBufferSize(8 * 1024 * 1024);
  } catch {
    /* capped by net.core.rmem_max */
  }
  receivers.set(name, r);
  return { port: socket.address().port };
}

function results(): Record<string, ReceiverResult> {
  const out: Record<string, ReceiverResult> = {};
  for (const r of receivers.values()) {
    out[r.name] = {
      name: r.name,
      kind: r.kind,
      ...r.verifier.result(),
      ...(r.srt ? { pid: r.srt.pid, connections: r.srt.connections, srtRecv: srtRecv(r.srt) } : { datagrams: r.datagrams }),
      ...(r.kind === 'rtp' ? { rtp: { ...r.rtp } } : {}),
    };
  }
  return out;
}

/** The receiving side's totals from the latest statistics report (null before the first). */
function srtRecv(srt: SrtLiveTransmit): ReceiverResult['srtRecv'] {
  const last = srt.stats().at(-1);
  return last ? { packets: last.recv.packets, lost: last.recv.packetsLost, dropped: last.recv.packetsDropped, retransmitted: last.recv.packetsRetransmitted, belated: last.recv.packetsBelated } : null;
}

let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    clearTimeout(lifetime);
    for (const r of receivers.values()) if (r.socket) await new Promise<void>((res) => r.socket!.close(() => res()));
    await stopAllTracked(2000);
    await stream?.close();
  })();
  return stopping;
}

async function handle(req: ReceiverRequest): Promise<unknown> {
  switch (req.op) {
    case 'init': {
      init = req.init;
      stream = new LoopedStream(readFileSync(init.feedPath), init.bitrate);
      stream.startPrefetch();
      lifetime = setTimeout(() => void stopAll().then(() => process.exit(3)), init.maxLifetimeMs);
      return { pid: process.pid };
    }
    case 'addSrt':
      return addSrt(req.name, req.port, req.latencyMs, req.compare);
    case 'addUdp':
      return addUdp(req.name, req.mode, req.compare);
    case 'bytes':
      return Object.fromEntries([...receivers.values()].map((r) => [r.name, r.verifier.bytes]));
    case 'ccErrors':
      return Object.fromEntries([...receivers.values()].map((r) => [r.name, r.verifier.ccErrors]));
    case 'results':
      return results();
    case 'loopDelay': {
      const value = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      if (req.reset) loopDelay.reset();
      return value;
    }
    case 'stop':
      await stopAll();
      setImmediate(() => process.disconnect?.());
      return { stopped: true };
  }
}

process.on('message', (message: { seq: number; req: ReceiverRequest }) => {
  handle(message.req).then(
    (value) => process.send?.({ seq: message.seq, ok: true, value } satisfies ReceiverReply),
    (error: unknown) => process.send?.({ seq: message.seq, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies ReceiverReply),
  );
});
// The benchmark went away (or finished): nothing of ours may outlive it.
process.on('disconnect', () => void stopAll().then(() => process.exit(0)));
