import { type Clock, systemClock, type TimerHandle } from '@mld/supervisor';
import { PCR_CLOCK_HZ } from '@mld/mpegts';
import { RateMeter } from '../../rate-meter.js';
import type { FileInputConfig, IngestSnapshot, IngestState } from '../../types.js';
import type { Source, SourceFactoryOf, SourceSink } from '../source.js';
import { PcrPacer } from './pcr-pacer.js';
import { describeFileError, nodeTsFileOpener, type TsFileHandle, type TsFileOpener } from './ts-file.js';
import { probeTsFile } from './ts-file-probe.js';
import { TsReadAhead } from './ts-read-ahead.js';

/** A file that cannot be played (missing, unreadable, not TS) is tried again this often. */
export const FILE_RETRY_MS = 10_000;
/** Emission tick: each one sends what fell due since the last (bursts of a few ms). */
const TICK_MS = 5;
/** 1024 packets: a multiple of 188, so an aligned file stays zero-copy. */
const READ_CHUNK_BYTES = 1024 * 188;
const READ_AHEAD_BYTES = 2 * 1024 * 1024;
const HEAD_PROBE_BYTES = 4 * 1024 * 1024;
const TAIL_PROBE_BYTES = 1024 * 1024;
/** Falling further behind the file's clock than this re-anchors the pacing instead of bursting. */
const MAX_LATE_MS = 1000;
/** Pace of a file with neither PCR nor PTS (nothing better to go by). */
const FALLBACK_BITRATE = 4_000_000;

export interface FileTsSourceOptions {
  input: FileInputConfig;
  sink: SourceSink;
  clock?: Clock;
  files?: TsFileOpener;
  tickMs?: number;
  readChunkBytes?: number;
  readAheadBytes?: number;
}

class UnplayableFile extends Error {}

/**
 * A stored MPEG-TS file played as a live input: read in chunks with a bounded read-ahead, paced
 * in real time by its PCR (spread evenly between PCRs), handed to the sink in bursts of a few
 * ms. With `loop` it starts over on one continuous timeline (counters, PCR, PTS/DTS, SCTE-35 go
 * on rising: ADR 0010); without, it goes `no_signal` at the end and stays there.
 * States: starting → receiving; error (retried every FILE_RETRY_MS) when it cannot be played.
 */
export class FileTsSource implements Source {
  private readonly input: FileInputConfig;
  private readonly sink: SourceSink;
  private readonly clock: Clock;
  private readonly files: TsFileOpener;
  private readonly tickMs: number;
  private readonly readChunkBytes: number;
  private readonly readAheadBytes: number;
  private state: IngestState = 'stopped';
  private since: number;
  private error: string | null = null;
  private running = false;
  /** Bumped by every open and stop: work started for an older one is dropped when it resolves. */
  private generation = 0;
  private file: TsFileHandle | undefined;
  private readAhead: TsReadAhead | undefined;
  private pacer: PcrPacer | undefined;
  private reading = false;
  private ticker: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private readonly meter = new RateMeter(1000);
  private lastMeterAt = 0;
  private sent = 0;
  private bursts = 0;
  private lastPacketAt: number | null = null;
  private loops = 0;
  private durationMs = 0;
  /** Stream time (27 MHz) at which the pass being sent began. */
  private passStartTime = 0;
  /** Output bytes sent by earlier opens: the read-ahead of this one counts from 0. */
  private sentBefore = 0;
  /** Counters of earlier opens (after a retry), so the snapshot's totals only grow. */
  private previous = { bytes: 0, syncLosses: 0, bytesSkipped: 0 };

  constructor(options: FileTsSourceOptions) {
    this.input = options.input;
    this.sink = options.sink;
    this.clock = options.clock ?? systemClock;
    this.files = options.files ?? nodeTsFileOpener;
    this.tickMs = options.tickMs ?? TICK_MS;
    this.readChunkBytes = options.readChunkBytes ?? READ_CHUNK_BYTES;
    this.readAheadBytes = Math.max(options.readAheadBytes ?? READ_AHEAD_BYTES, 2 * this.readChunkBytes);
    this.since = this.clock.now();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    this.clearTimers();
    await this.closeFile();
    this.setState('stopped', null);
  }

  lostPackets(): number {
    return 0;
  }

  snapshot(): IngestSnapshot {
    const ra = this.readAhead;
    const syncLosses = this.previous.syncLosses + (ra?.syncLosses ?? 0);
    const position = this.pacer ? (this.pacer.timeAt(this.sent) - this.passStartTime) / (PCR_CLOCK_HZ / 1000) : 0;
    return {
      state: this.state,
      since: this.since,
      error: this.error,
      datagrams: this.bursts,
      bytes: this.previous.bytes + (ra?.bytesRead ?? 0),
      tsBytes: this.sent,
      malformed: syncLosses,
      malformedReasons: syncLosses > 0 ? { sync_lost: syncLosses, bytes_skipped: this.previous.bytesSkipped + (ra?.bytesSkipped ?? 0) } : {},
      rtp: { lost: 0, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrcChanges: 0, ssrc: null },
      lastPacketAt: this.lastPacketAt,
      bitrateBps: this.state === 'receiving' ? this.meter.bitsPerSecond() : 0,
      peer: null,
      file: {
        mediaId: this.input.mediaId,
        durationMs: Math.round(this.durationMs),
        positionMs: Math.round(Math.min(Math.max(position, 0), this.durationMs || Infinity)),
        loops: this.loops,
        loop: this.input.loop,
      },
    };
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    this.retryTimer = undefined;
    this.setState('starting', null);
    const path = this.input.path;
    let file: TsFileHandle | undefined;
    try {
      file = await this.files(path);
      if (generation !== this.generation) return void (await file.close().catch(() => undefined));
      const head = Buffer.alloc(Math.min(file.size, HEAD_PROBE_BYTES));
      const headBytes = await readFully(file, head, 0);
      const tail = Buffer.alloc(Math.min(file.size, TAIL_PROBE_BYTES));
      const tailBytes = await readFully(file, tail, file.size - tail.length);
      if (generation !== this.generation) return void (await file.close().catch(() => undefined));
      const probe = probeTsFile(head.subarray(0, headBytes), tail.subarray(0, tailBytes), file.size);
      if (!probe.ok) throw new UnplayableFile(`${probe.reason}: ${path}`);
      this.file = file;
      this.durationMs = probe.value.durationMs ?? 0;
      const pacer = new PcrPacer({ fallbackBitrate: probe.value.bitrate ?? FALLBACK_BITRATE, maxLateMs: MAX_LATE_MS });
      this.pacer = pacer;
      this.passStartTime = 0;
      this.readAhead = new TsReadAhead(file, {
        chunkBytes: this.readChunkBytes,
        loop: this.input.loop,
        pcrPid: probe.value.pcrPid,
        onPcr: (byte, pcr) => pacer.addPcr(this.sentBefore + byte, pcr),
      });
      this.sentBefore = this.sent;
      this.error = null;
      this.ticker = this.clock.setInterval(() => this.tick(), this.tickMs);
      void this.fill(generation);
    } catch (error) {
      if (!this.file) await file?.close().catch(() => undefined);
      if (generation !== this.generation) return;
      this.fail(error instanceof UnplayableFile ? error.message : describeFileError(error, path));
    }
  }

  /** Reads until the read-ahead is full (one read at a time). */
  private async fill(generation: number): Promise<void> {
    const ra = this.readAhead;
    if (this.reading || !ra) return;
    this.reading = true;
    try {
      while (generation === this.generation && !ra.ended && ra.queuedBytes < this.readAheadBytes) await ra.readChunk();
    } catch (error) {
      if (generation === this.generation) this.fail(describeFileError(error, this.input.path));
    } finally {
      this.reading = false;
    }
  }

  private tick(): void {
    const ra = this.readAhead;
    const pacer = this.pacer;
    if (!ra || !pacer) return;
    const now = this.clock.now();
    if (!this.reading && !ra.ended && ra.queuedBytes < this.readAheadBytes) void this.fill(this.generation);
    if (ra.queuedBytes > 0) {
      const allowed = pacer.allowedBytes(now, this.sent);
      const due = allowed - this.sent;
      if (due >= 0) {
        const bytes = (Math.floor(due / 188) + 1) * 188;
        const handed = ra.take(bytes, (chunk, pass, startsPass) => {
          if (startsPass) this.passStarted(pass);
          this.sink.ts(chunk);
          this.sent += chunk.length;
          this.bursts++;
        });
        if (handed > 0) {
          this.lastPacketAt = now;
          this.setState('receiving', null);
        }
      }
    }
    if (now - this.lastMeterAt >= 100) {
      this.lastMeterAt = now;
      this.meter.sample(now, this.sent);
    }
    if (ra.ended && ra.queuedBytes === 0) this.finished(ra.empty);
  }

  private passStarted(pass: number): void {
    this.loops = pass;
    this.passStartTime = this.pacer!.timeAt(this.sent);
    this.sink.event?.({ kind: 'looped', level: 'info', message: `media ${this.input.mediaId} looped (${pass} ${pass === 1 ? 'time' : 'times'})` });
  }

  private finished(empty: boolean): void {
    if (empty) {
      this.fail(`no MPEG-TS packets left in the file: ${this.input.path}`);
      return;
    }
    this.clearTimers();
    void this.closeFile();
    this.setState('no_signal', 'end of file');
    this.sink.event?.({ kind: 'ended', level: 'info', message: `media ${this.input.mediaId} played to the end` });
  }

  private fail(message: string): void {
    this.clearTimers();
    void this.closeFile();
    this.error = `${message} (retrying every ${FILE_RETRY_MS / 1000} s)`;
    this.setState('error', this.error);
    if (this.running) this.retryTimer = this.clock.setTimeout(() => void this.open(), FILE_RETRY_MS);
  }

  private clearTimers(): void {
    if (this.ticker !== undefined) this.clock.clearInterval(this.ticker);
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.ticker = undefined;
    this.retryTimer = undefined;
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    const ra = this.readAhead;
    if (ra) {
      this.previous.bytes += ra.bytesRead;
      this.previous.syncLosses += ra.syncLosses;
      this.previous.bytesSkipped += ra.bytesSkipped;
    }
    this.file = undefined;
    this.readAhead = undefined;
    await file?.close().catch(() => undefined);
  }

  private setState(to: IngestState, detail: string | null): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    this.since = this.clock.now();
    this.sink.stateChanged(from, to, detail);
  }
}

/** Reads until `buf` is full or the file ends; returns the bytes read. */
async function readFully(file: TsFileHandle, buf: Buffer, position: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const n = await file.read(got === 0 ? buf : buf.subarray(got), position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** File inputs read from the local disk (or the given opener, in tests). */
export function fileTsSourceFactory(options: { clock?: Clock; files?: TsFileOpener } = {}): SourceFactoryOf<FileInputConfig> {
  return (input, sink) => new FileTsSource({ input, sink, clock: options.clock, files: options.files });
}
