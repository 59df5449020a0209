// Test doubles of the data plane's adapters (sockets, sources, outputs) — never of the code under test.
import type { Egress } from '../egress/egress.js';
import type { DatagramSource } from '../ingest/datagram-source.js';
import type { TsFileOpener } from '../ingest/file/ts-file.js';
import type { Source, SourceSink } from '../ingest/source.js';
import type { EgressSnapshot, IngestSnapshot, InputConfig, InputRole, OutputConfig } from '../types.js';

/** An output that records what it was asked and what it received. */
export class RecordingEgress implements Egress {
  readonly received: Buffer[] = [];
  starts = 0;
  stops = 0;

  constructor(readonly config: OutputConfig) {}

  get id(): string {
    return this.config.id;
  }

  accept(ts: Buffer): void {
    this.received.push(ts);
  }

  start(): void {
    this.starts++;
  }

  async stop(): Promise<void> {
    this.stops++;
  }

  retryNow(): void {}

  snapshot(): EgressSnapshot {
    return {
      id: this.config.id,
      name: this.config.name,
      protocol: this.config.protocol,
      state: this.starts > this.stops ? 'running' : 'stopped',
      since: 0,
      pid: null,
      restarts: 0,
      lastError: null,
      nextRetryAt: null,
      startedAt: null,
      connected: null,
      bytesOut: this.received.reduce((n, b) => n + b.length, 0),
      bitrateBps: 0,
      queueBytes: 0,
      droppedBytes: 0,
      srt: null,
      ffmpeg: null,
    };
  }
}

/** A source the test drives: `emit()` hands TS to the pipeline as a socket would. */
export class ScriptedSource implements Source {
  started = 0;
  stopped = 0;
  lost = 0;
  /** Orders given through force() (main/backup sources). */
  readonly forced: Array<InputRole | 'auto'> = [];

  constructor(
    readonly input: InputConfig,
    readonly sink: SourceSink,
  ) {}

  async start(): Promise<void> {
    this.started++;
  }

  async stop(): Promise<void> {
    this.stopped++;
  }

  emit(ts: Buffer): void {
    this.sink.ts(ts);
  }

  force(to: InputRole | 'auto'): void {
    this.forced.push(to);
  }

  lostPackets(): number {
    return this.lost;
  }

  snapshot(): IngestSnapshot {
    return { state: 'receiving', since: 0, error: null, datagrams: 0, bytes: 0, tsBytes: 0, malformed: 0, malformedReasons: {}, rtp: { lost: this.lost, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrcChanges: 0, ssrc: null }, lastPacketAt: null, bitrateBps: 0 };
  }
}

/** A socket that binds when told to (or fails with the given reason) and delivers datagrams on demand. */
export class ScriptedDatagrams implements DatagramSource {
  private onDatagram: ((d: Buffer) => void) | undefined;
  stops = 0;

  constructor(private readonly bindError?: string) {}

  async start(onDatagram: (d: Buffer) => void): Promise<void> {
    if (this.bindError) throw new Error(this.bindError);
    this.onDatagram = onDatagram;
  }

  async stop(): Promise<void> {
    this.stops++;
    this.onDatagram = undefined;
  }

  deliver(datagram: Buffer): void {
    this.onDatagram?.(datagram);
  }
}

/** Files held in memory, opened as the file source opens files on disk. */
export class MemoryTsFiles {
  readonly files = new Map<string, Buffer>();
  reads = 0;
  opens = 0;
  /** Reads fail with this error (EIO) while set. */
  readError: Error | undefined;

  readonly opener: TsFileOpener = async (path) => {
    this.opens++;
    const data = this.files.get(path);
    if (!data) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return {
      size: data.length,
      read: async (into, position) => {
        this.reads++;
        if (this.readError) throw this.readError;
        return data.copy(into, 0, position, Math.min(data.length, position + into.length));
      },
      close: async () => undefined,
    };
  };
}
