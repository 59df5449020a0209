// An SRT encoder as the service meets it, in the two shapes an SRT input talks to:
// - a caller (the encoder calls our listener): a paced UDP sender into a bare srt-live-transmit
//   relay `udp:// → srt://…?mode=caller`, the way the harness self-test relays a feed;
// - a listener (our caller input pulls from it): srt-live-transmit `file://con → srt://:P?mode=listener`
//   whose stdin the test writes in real time at the feed's PCR rate.
// Both keep the exact bytes they sent, so a test compares what came out with what went in.
import { TS_PACKET_SIZE } from '@mld/mpegts';
import { startTsSender, type TsSender } from './rtp-sender.js';
import { freeUdpPort, udpPortBound } from './free-port.js';
import { type SrtEndpoint, type SrtLiveTransmit, srtUrl, startSrtLiveTransmit, udpUrl } from './srt-live-transmit.js';
import { pcrTiming } from './ts-timing.js';
import { waitFor } from '../service-process.js';

export interface SrtCallerFeedOptions {
  ts: Buffer;
  /** Where the service listens; `mode` is forced to caller. `params.adapter` picks the local address. */
  target: Omit<SrtEndpoint, 'mode'>;
  durationMs?: number;
  loop?: boolean;
  /** Wait for the SRT handshake before sending (default true; false for a caller expected to be refused). */
  waitConnected?: boolean;
  maxLifetimeMs?: number;
}

export interface SrtCallerFeed {
  readonly relay: SrtLiveTransmit;
  readonly sender: TsSender;
  /** The TS bytes handed to the relay, in order. */
  sent(): Buffer;
  /** Ends the sender, then the relay (SIGTERM: it closes the SRT connection). */
  stop(): Promise<void>;
}

export async function startSrtCallerFeed(opts: SrtCallerFeedOptions): Promise<SrtCallerFeed> {
  const udpIn = await freeUdpPort();
  const relay = startSrtLiveTransmit({
    name: `srt encoder (caller → :${opts.target.port})`,
    input: udpUrl('127.0.0.1', udpIn),
    output: srtUrl({ ...opts.target, mode: 'caller' }),
    maxLifetimeMs: opts.maxLifetimeMs ?? 60_000,
  });
  if (opts.waitConnected ?? true) await relay.waitConnected(10_000);
  // The relay reads its UDP socket once it is bound; nothing sent before that exists for it.
  await waitFor(`relay listening on udp :${udpIn}`, () => udpPortBound(udpIn), 5_000, 10);
  const sender = await startTsSender({ ts: opts.ts, host: '127.0.0.1', port: udpIn, mode: 'udp', loop: opts.loop, durationMs: opts.durationMs });
  return {
    relay,
    sender,
    sent: () => sender.stats().sentTs,
    stop: async () => {
      await sender.stop();
      await relay.stop();
    },
  };
}

export interface SrtListenerFeedOptions {
  port: number;
  host?: string;
  latencyMs?: number;
  passphrase?: string;
  maxLifetimeMs?: number;
}

export interface SrtListenerFeed {
  readonly relay: SrtLiveTransmit;
  readonly port: number;
  /** Writes `ts` to the relay's stdin in real time (PCR rate), in 1316-byte chunks; resolves when all is written. */
  play(ts: Buffer, opts?: { tickMs?: number }): Promise<void>;
  /** Every byte written so far. */
  sent(): Buffer;
  /** Ends stdin: srt-live-transmit reads it in blocks and sends the last partial one only at EOF (it keeps running). */
  endInput(): void;
  stop(): Promise<void>;
}

const CHUNK = 7 * TS_PACKET_SIZE;

export async function startSrtListenerFeed(opts: SrtListenerFeedOptions): Promise<SrtListenerFeed> {
  const endpoint: SrtEndpoint = { mode: 'listener', host: opts.host ?? '127.0.0.1', port: opts.port, latencyMs: opts.latencyMs, passphrase: opts.passphrase };
  const relay = startSrtLiveTransmit({
    name: `srt encoder (listener :${opts.port}, stdin)`,
    input: 'file://con',
    output: srtUrl(endpoint),
    stdinPipe: true,
    maxLifetimeMs: opts.maxLifetimeMs ?? 60_000,
  });
  await waitFor(
    `srt listener feed on :${opts.port}`,
    () => {
      if (!relay.process.running) throw new Error(`srt-live-transmit listener feed exited:\n${relay.stderr()}`);
      return udpPortBound(opts.port);
    },
    5_000,
    10,
  );
  const written: Buffer[] = [];
  const stdin = relay.process.child.stdin!;
  return {
    relay,
    port: opts.port,
    sent: () => Buffer.concat(written),
    play: (ts, playOpts = {}) =>
      new Promise<void>((resolve) => {
        const feed = ts.subarray(0, ts.length - (ts.length % CHUNK));
        const bitrate = pcrTiming(feed)?.bitrate ?? 8_000_000;
        const t0 = performance.now();
        let pos = 0;
        const tick = () => {
          const due = Math.min(feed.length, Math.floor((((performance.now() - t0) * bitrate) / 8000) / CHUNK) * CHUNK + CHUNK);
          while (pos < due && relay.process.running) {
            const chunk = feed.subarray(pos, pos + CHUNK);
            written.push(chunk);
            stdin.write(chunk);
            pos += CHUNK;
          }
          if (pos >= feed.length || !relay.process.running) {
            clearInterval(timer);
            resolve();
          }
        };
        const timer = setInterval(tick, playOpts.tickMs ?? 4);
        tick();
      }),
    endInput: () => void stdin.end(),
    stop: async () => {
      stdin.end();
      await relay.stop();
    },
  };
}
