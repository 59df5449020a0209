import { TS_PACKET_SIZE, TsPacketAligner } from '@mld/mpegts';
import { SupervisedProcess, type ChildHandle, type Clock, type ProcessState, type Spawner } from '@mld/supervisor';
import { ffmpegParser } from '../../egress/tool-parsers.js';
import { encodeFlvTag, FLV_AUDIO, FLV_VIDEO, flvHeader } from '../../rtmp/flv-tag-reader.js';
import { buildFfmpegFlvRemuxArgs } from './ffmpeg-flv-remux-command.js';
import type { StreamLayout } from './publish-probe.js';
import { stdoutTaken } from '../stdout-taken.js';

export interface FlvRemuxProcessOptions {
  owner: string;
  layout: StreamLayout;
  ffmpegPath: string;
  spawner: Spawner;
  clock: Clock;
  /** What every child reads first (FLV header, sequence headers), timed at or before the first queued tag. */
  preamble: (firstQueuedTimestamp: number | undefined) => Buffer;
  /** Whole TS packets from the child's stdout. */
  onTs: (chunk: Buffer) => void;
  /** A child after the first one was spawned: its TS starts over (timestamps, continuity counters). */
  onRespawn: (reason: string) => void;
  /** The backlog went back under the low mark after write() said 'full'. */
  onDrain: () => void;
  onStateChange?: (to: ProcessState, reason: string | undefined) => void;
}

/** One FLV tag as bytes, with what the queue needs to know about it. */
export interface RemuxTag {
  bytes: Buffer;
  /** Its FLV timestamp (ms). */
  timestamp: number;
  video: boolean;
  keyframe: boolean;
}

/** Above this the publisher is paused (TCP pushes back to the encoder); below LOW it resumes. */
const HIGH_WATER_BYTES = 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;
/** Beyond this tags are dropped: FFmpeg is alive but not reading. */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;

/**
 * The FFmpeg child of one RTMP input (FLV on stdin → MPEG-TS on stdout), supervised like every
 * child: restarted with backoff, killed when it stops producing while it is fed. Tags wait in a
 * bounded queue of whole tags (a partial tag would desynchronise FFmpeg's FLV reader); after each
 * spawn the child gets the preamble, then video from the next keyframe on.
 */
export class FlvRemuxProcess {
  readonly layout: StreamLayout;
  private readonly process: SupervisedProcess;
  private queue: RemuxTag[] = [];
  private queueBytes = 0;
  private spawns = 0;
  private needKeyframe: boolean;
  private full = false;
  private droppedValue = 0;

  constructor(private readonly options: FlvRemuxProcessOptions) {
    this.layout = options.layout;
    this.needKeyframe = options.layout.video !== null;
    this.process = new SupervisedProcess({
      owner: options.owner,
      command: options.ffmpegPath,
      args: buildFfmpegFlvRemuxArgs(options.layout),
      stdin: 'pipe',
      parser: ffmpegParser,
      startupMs: 1000,
      readyOnProgress: false,
      stallTimeoutMs: 10_000,
      stopGraceMs: 3000,
      backoff: { baseMs: 500, factor: 2, capMs: 10_000, jitter: 'equal' },
      healthyAfterMs: 30_000,
      clock: options.clock,
      spawner: { spawn: (request) => this.spawned(options.spawner.spawn({ ...request, stdout: 'pipe' })) },
    });
    this.process.on('drain', () => this.flush());
    this.process.onStateChange((_from, to, event) => {
      if (to === 'starting') this.flush();
      options.onStateChange?.(to, event.reason);
    });
  }

  get state(): ProcessState {
    return this.process.state;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get lastError(): string | null {
    return this.process.snapshot().lastError ?? null;
  }

  get backlogBytes(): number {
    return this.queueBytes;
  }

  /** Tags dropped (no child, or a child that stopped reading). */
  get dropped(): number {
    return this.droppedValue;
  }

  start(): void {
    this.process.start();
  }

  async stop(): Promise<void> {
    this.queue = [];
    this.queueBytes = 0;
    await this.process.stop();
  }

  /** 'full': accepted, but stop sending until onDrain; 'dropped': not accepted. */
  write(tag: RemuxTag): 'ok' | 'full' | 'dropped' {
    const state = this.process.state;
    if (state !== 'starting' && state !== 'running' && !(state === 'stopped' && this.spawns === 0)) return this.drop();
    if (this.needKeyframe && tag.video) {
      if (!tag.keyframe) return this.drop();
      this.needKeyframe = false;
    }
    if (this.queueBytes + tag.bytes.length > MAX_BACKLOG_BYTES) return this.drop();
    this.queue.push(tag);
    this.queueBytes += tag.bytes.length;
    this.flush();
    if (this.queueBytes > HIGH_WATER_BYTES) this.full = true;
    return this.full ? 'full' : 'ok';
  }

  /** No input to give: silence from the child is then innocent (feeds the stall watchdog). */
  idle(): void {
    if (this.queueBytes === 0) this.process.reportProgress(0);
  }

  private drop(): 'dropped' {
    this.droppedValue += 1;
    return 'dropped';
  }

  private flush(): void {
    let i = 0;
    while (i < this.queue.length && this.process.write(this.queue[i]!.bytes)) {
      this.queueBytes -= this.queue[i]!.bytes.length;
      i++;
    }
    if (i > 0) this.queue.splice(0, i);
    if (this.full && this.queueBytes < LOW_WATER_BYTES) {
      this.full = false;
      this.options.onDrain();
    }
  }

  private spawned(child: ChildHandle): ChildHandle {
    this.spawns += 1;
    if (this.spawns > 1) {
      // What waited for the dead child is stale; the new one starts at a keyframe.
      this.queue = [];
      this.queueBytes = 0;
      this.needKeyframe = this.layout.video !== null;
      this.options.onRespawn(this.process.snapshot().lastError ?? 'the previous one exited');
    }
    child.stdin?.write(this.options.preamble(this.queue[0]?.timestamp));
    const out = new TsChunker(this.options.onTs);
    child.stdout?.on('data', (data: Buffer) => {
      out.push(data);
      this.process.reportProgress(data.length);
    });
    // The supervisor reads nothing from stdout: it is the TS.
    return stdoutTaken(child);
  }
}

/** FLV header for the layout, then its sequence headers at `at` (ms; at or before the first tag to come). */
export function remuxPreamble(layout: StreamLayout, at: number): Buffer {
  const parts = [flvHeader(layout.audio !== null, layout.video !== null)];
  if (layout.videoConfig) parts.push(encodeFlvTag({ type: FLV_VIDEO, timestamp: at, data: layout.videoConfig }));
  if (layout.audioConfig) parts.push(encodeFlvTag({ type: FLV_AUDIO, timestamp: at, data: layout.audioConfig }));
  return Buffer.concat(parts);
}

/** Pipe reads → runs of whole, aligned TS packets (one call per read, not per packet). */
class TsChunker {
  private runStart = -1;
  private runEnd = -1;
  private current: Buffer | undefined;
  private readonly aligner: TsPacketAligner;

  constructor(private readonly emit: (chunk: Buffer) => void) {
    this.aligner = new TsPacketAligner((buf, off) => this.packet(buf, off));
  }

  push(data: Buffer): void {
    this.current = data;
    this.aligner.push(data);
    this.flushRun();
    this.current = undefined;
  }

  private packet(buf: Buffer, off: number): void {
    if (buf === this.current) {
      if (this.runEnd === off) {
        this.runEnd += TS_PACKET_SIZE;
        return;
      }
      this.flushRun();
      this.runStart = off;
      this.runEnd = off + TS_PACKET_SIZE;
      return;
    }
    // The aligner's carry buffer (a packet split across reads) is overwritten by the next split
    // packet, and the fan-out keeps what it is given (queued per output): hand over a copy.
    this.flushRun();
    this.emit(Buffer.from(buf.subarray(off, off + TS_PACKET_SIZE)));
  }

  private flushRun(): void {
    if (this.runStart >= 0 && this.current) this.emit(this.current.subarray(this.runStart, this.runEnd));
    this.runStart = -1;
    this.runEnd = -1;
  }
}
