import type { Readable } from 'node:stream';
import type { Scte35Cue } from '@mld/ts-analysis';
import type { Amf0Value } from '../../rtmp/amf0.js';
import { FlvTagReader, type FlvTag } from '../../rtmp/flv-tag-reader.js';
import { PUBLISH_CONFIRM_MS, RtmpPublisher } from './rtmp-publisher.js';
import type { RtmpConnector, RtmpTarget } from './rtmp-target.js';
import type { ChildStdoutSink, StdoutSinkHooks } from '../stdout-sink.js';
import { cuePointFor, type AdMarkers, type CuePoint } from './cue-points.js';
import { PtsFlvClock } from './pts-flv-clock.js';

/** FLV held while the session is set up (FFmpeg's header and first GOP); beyond it FFmpeg waits. */
const MAX_HELD_BYTES = 4 * 1024 * 1024;
/** Cues held until FFmpeg's first keyframe says where the FLV timeline starts. */
const MAX_WAITING_CUES = 64;

interface Run {
  stdout: Readable;
  hooks: StdoutSinkHooks;
  publisher: RtmpPublisher;
  reader: FlvTagReader;
  held: FlvTag[];
  heldBytes: number;
  /** Publish.Start was followed by PUBLISH_CONFIRM_MS without the server hanging up. */
  confirmed: boolean;
  /** Media bytes written before confirmation, reported once confirmed. */
  unreported: number;
  confirmTimer: NodeJS.Timeout | undefined;
  /** TS PTS → FLV ms of this run (only with ad markers on). */
  clock: PtsFlvClock | undefined;
  /** Cue points seen before the clock knew its offset (bounded: a feed without a usable PMT never syncs). */
  waiting: CuePoint[];
}

export interface RtmpOutputLinkOptions {
  target: RtmpTarget;
  connector?: RtmpConnector;
  setupTimeoutMs?: number;
  /** SCTE-35 cues → onCuePoint data messages (ADR 0015); default 'none'. */
  adMarkers?: AdMarkers;
}

/**
 * The RTMP side of one FFmpeg child: reads the FLV it writes to stdout and publishes it with our own
 * client. One publish session per child run: opened when the child is spawned, closed when it goes.
 * Backpressure runs back to FFmpeg: a socket that does not drain pauses its stdout.
 */
export class RtmpOutputLink implements ChildStdoutSink {
  private run: Run | undefined;
  private bytes = 0;

  constructor(private readonly options: RtmpOutputLinkOptions) {}

  get bytesOut(): number {
    return this.bytes;
  }

  get connected(): boolean {
    return this.run?.publisher.publishing ?? false;
  }

  /** Publishing and nothing waiting: quiet because there is no input, not because the destination stalls. */
  get idle(): boolean {
    const run = this.run;
    return !!run && run.publisher.publishing && run.held.length === 0 && run.reader.bufferedBytes === 0 && run.publisher.flushed;
  }

  /** Milliseconds of FLV timeline sent, -1 before the first media tag. */
  get outTimeMs(): number {
    return this.run?.publisher.lastMediaTimestamp ?? -1;
  }

  get videoFrames(): number {
    return this.run?.publisher.videoTags ?? 0;
  }

  /** Issue #14's hook, see RtmpPublisher.insertDataMessage. False without a session. */
  insertDataMessage(timestampMs: number, ...values: Amf0Value[]): boolean {
    if (!this.run) return false;
    this.run.publisher.insertDataMessage(timestampMs, ...values);
    return true;
  }

  /** The TS just handed to this run's FFmpeg: where the markers learn the PTS → FLV mapping. */
  inputWritten(ts: Buffer): void {
    this.run?.clock?.observeInput(ts);
  }

  /** A cue of the channel: one data message at its splice time (or now), if this output writes markers. */
  cue(cue: Scte35Cue): void {
    const run = this.run;
    const clock = run?.clock;
    const point = clock ? cuePointFor(this.options.adMarkers ?? 'none', cue) : undefined;
    if (!run || !clock || !point) return;
    // An immediate cue belongs to the video being handed to FFmpeg as it arrived.
    const at = point.time === 'immediate' ? clock.nowMs() : clock.flvMsOf(point.time.pts);
    if (at === undefined) {
      if (run.waiting.length < MAX_WAITING_CUES) run.waiting.push(point);
    }
    else this.insertCue(run, point, at);
  }

  attach(stdout: Readable, hooks: StdoutSinkHooks): void {
    this.detach();
    const markers = (this.options.adMarkers ?? 'none') !== 'none';
    const run: Run = { stdout, hooks, reader: new FlvTagReader(), held: [], heldBytes: 0, confirmed: false, unreported: 0, confirmTimer: undefined, publisher: undefined as unknown as RtmpPublisher, clock: markers ? new PtsFlvClock() : undefined, waiting: [] };
    run.publisher = new RtmpPublisher({
      target: this.options.target,
      ...(this.options.connector ? { connector: this.options.connector } : {}),
      ...(this.options.setupTimeoutMs !== undefined ? { setupTimeoutMs: this.options.setupTimeoutMs } : {}),
      onPublished: () => {
        if (this.run !== run) return;
        // Some servers (nginx-rtmp with an access rule) accept the publish and hang up at once:
        // the output is not running before the session has survived a moment.
        run.confirmTimer = setTimeout(() => {
          run.confirmed = true;
          if (run.unreported > 0 && this.run === run) hooks.progress(run.unreported);
          run.unreported = 0;
        }, PUBLISH_CONFIRM_MS);
        this.pump(run);
      },
      onDrain: () => this.run === run && this.pump(run),
      onError: (message) => this.run === run && hooks.fail(message),
      onBytesWritten: (n, media) => {
        if (this.run !== run) return;
        this.bytes += n;
        // Only media reaching the socket proves the output works; handshake and commands do not.
        if (!media) return;
        if (run.confirmed) hooks.progress(n);
        else run.unreported += n;
      },
    });
    this.run = run;
    stdout.on('data', (chunk: Buffer) => {
      if (this.run !== run) return;
      let tags: FlvTag[];
      try {
        tags = run.reader.push(chunk);
      } catch (err) {
        hooks.fail(`FFmpeg's FLV output could not be read: ${(err as Error).message}`);
        return;
      }
      for (const tag of tags) {
        if (run.clock) this.observeOutput(run, tag);
        run.held.push(tag);
        run.heldBytes += tag.data.length;
      }
      this.pump(run);
    });
    // EPIPE/close after the child died: the child's exit tells the story.
    stdout.on('error', () => undefined);
    // After the spawn returns: the supervisor must hold the child before a failure can reach it.
    queueMicrotask(() => this.run === run && run.publisher.start());
  }

  detach(): void {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    clearTimeout(run.confirmTimer);
    run.publisher.close();
    // Let the dying child's last bytes drain so its pipe closes.
    run.stdout.resume();
  }

  private observeOutput(run: Run, tag: FlvTag): void {
    const clock = run.clock!;
    if (clock.synced) return;
    clock.observeOutput(tag);
    if (!clock.synced) return;
    // Cues that came before the first keyframe: at their splice time, or at the start if immediate.
    for (const point of run.waiting.splice(0)) this.insertCue(run, point, point.time === 'immediate' ? Math.max(0, tag.timestamp) : clock.flvMsOf(point.time.pts)!);
  }

  private insertCue(run: Run, point: CuePoint, timeMs: number): void {
    // Before the stream's start is before anything sent: the publisher sends it with the first tag.
    const at = Math.max(0, Math.round(timeMs));
    run.publisher.insertDataMessage(at, ...point.values(at));
  }

  private pump(run: Run): void {
    if (!run.publisher.publishing) {
      if (run.heldBytes > MAX_HELD_BYTES) run.stdout.pause();
      return;
    }
    while (run.held.length > 0) {
      const tag = run.held.shift()!;
      run.heldBytes -= tag.data.length;
      if (!run.publisher.writeTag(tag)) {
        run.stdout.pause();
        return;
      }
    }
    run.stdout.resume();
  }
}
