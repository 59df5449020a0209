// The endless stream a benchmark sender plays: the test feed looped with TsLooper (pass k has
// CC, PCR, PTS and SCTE-35 pts_adjustment shifted), so position p of the stream is a pure
// function of p. The sender cuts datagram i from [i·1316, (i+1)·1316); a receiver compares what
// it got against the same positions without anyone keeping a record of what was sent.
import { Worker } from 'node:worker_threads';
import { NULL_PID, TS_PACKET_SIZE, tsPid } from '@mld/mpegts';
import { TsLooper } from '../support/media/ts-loop.js';

export const DATAGRAM_BYTES = 7 * TS_PACKET_SIZE;

export class LoopedStream {
  readonly passBytes: number;
  private readonly feed: Buffer;
  private readonly looper: TsLooper;
  /** Recently used passes (pass 0 is the feed itself and never cached). */
  private readonly cache = new Map<number, Buffer>();
  private worker: Worker | undefined;
  private readonly requested = new Set<number>();

  constructor(
    feed: Buffer,
    readonly bitrate: number,
    private readonly maxCachedPasses = 4,
  ) {
    this.feed = feed.subarray(0, feed.length - (feed.length % TS_PACKET_SIZE));
    this.passBytes = this.feed.length;
    this.looper = new TsLooper(this.feed, bitrate);
  }

  /** Duration of one pass at the stream's bitrate. */
  get passSeconds(): number {
    return (this.passBytes * 8) / this.bitrate;
  }

  /**
   * Makes each next pass in a worker thread as soon as the current one is first used, so the
   * caller's event loop never stalls at a pass boundary. close() ends the worker.
   */
  startPrefetch(): void {
    if (this.worker) return;
    const worker = new Worker(new URL('./pass-worker.js', import.meta.url), { workerData: { feed: this.feed, bitrate: this.bitrate } });
    worker.on('message', ({ k, bytes }: { k: number; bytes: Uint8Array }) => {
      this.requested.delete(k);
      if (!this.cache.has(k)) this.remember(k, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
    worker.on('error', () => {
      // Prefetching is an optimisation: without it passes are made on demand.
      this.worker = undefined;
    });
    worker.unref();
    this.worker = worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  pass(k: number): Buffer {
    if (this.worker && !this.requested.has(k + 1) && !this.cache.has(k + 1)) {
      this.requested.add(k + 1);
      this.worker.postMessage(k + 1);
    }
    if (k === 0) return this.feed;
    const hit = this.cache.get(k);
    if (hit) {
      this.cache.delete(k);
      this.cache.set(k, hit);
      return hit;
    }
    const made = this.looper.pass(k);
    this.remember(k, made);
    return made;
  }

  private remember(k: number, pass: Buffer): void {
    this.cache.set(k, pass);
    while (this.cache.size > this.maxCachedPasses) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Bytes [pos, pos + length) of the endless stream (a view when inside one pass, else a copy). */
  slice(pos: number, length: number): Buffer {
    const k = Math.floor(pos / this.passBytes);
    const at = pos - k * this.passBytes;
    if (at + length <= this.passBytes) return this.pass(k).subarray(at, at + length);
    const parts: Buffer[] = [];
    for (let done = 0; done < length; ) {
      const kk = Math.floor((pos + done) / this.passBytes);
      const from = pos + done - kk * this.passBytes;
      const n = Math.min(length - done, this.passBytes - from);
      parts.push(this.pass(kk).subarray(from, from + n));
      done += n;
    }
    return Buffer.concat(parts, length);
  }

  /** Offset (within [0, length)) of the first byte of data[off…] that differs from the stream at pos, or -1. */
  mismatch(pos: number, data: Buffer, off: number, length: number): number {
    for (let done = 0; done < length; ) {
      const k = Math.floor((pos + done) / this.passBytes);
      const from = pos + done - k * this.passBytes;
      const n = Math.min(length - done, this.passBytes - from);
      const b = this.pass(k);
      if (data.compare(b, from, from + n, off + done, off + done + n) !== 0) {
        for (let i = 0; i < n; i++) if (data[off + done + i] !== b[from + i]) return done + i;
      }
      done += n;
    }
    return -1;
  }

  /**
   * Where `window` (whole packets) occurs in the stream, searching forward from `from` over at
   * most `span` bytes: the position, -1 when absent, -2 when it occurs more than once in a pass
   * (repeated tables, null runs) and so cannot anchor anything.
   */
  find(window: Buffer, from: number, span: number): number {
    const first = Math.max(0, Math.floor(from / this.passBytes));
    const last = Math.floor((from + span) / this.passBytes);
    for (let k = first; k <= last; k++) {
      const b = this.pass(k);
      const start = Math.max(0, from - k * this.passBytes);
      const idx = b.indexOf(window, start);
      if (idx < 0) continue;
      if (b.indexOf(window, idx + 1) >= 0 || (start > 0 && b.subarray(0, start + window.length - 1).includes(window))) return -2;
      return k * this.passBytes + idx;
    }
    return -1;
  }
}

export function onlyNullPackets(window: Buffer): boolean {
  for (let off = 0; off + TS_PACKET_SIZE <= window.length; off += TS_PACKET_SIZE) if (tsPid(window, off) !== NULL_PID) return false;
  return true;
}

/** Milliseconds on CLOCK_MONOTONIC (libuv's hrtime): the same clock in every process of this machine. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
