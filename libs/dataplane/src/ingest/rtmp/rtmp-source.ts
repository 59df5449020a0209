import { TsTimelineStitcher } from '@mld/mpegts';
import { defaultSpawner, systemClock, type Clock, type Spawner, type TimerHandle } from '@mld/supervisor';
import type { Amf0Object } from '../../rtmp/amf0.js';
import { encodeFlvTag, FLV_AUDIO, FLV_VIDEO } from '../../rtmp/flv-tag-reader.js';
import { RateMeter } from '../../rate-meter.js';
import type { IngestSnapshot, IngestState, RtmpInputConfig } from '../../types.js';
import type { Source, SourceEvent, SourceFactoryOf, SourceSink } from '../source.js';
import { ContinuousTimeline } from './continuous-timeline.js';
import { FlvRemuxProcess, remuxPreamble } from './flv-remux-process.js';
import { describeLayout, PublishProbe, sameLayout, type IngestTag, type ProbeStep, type StreamLayout } from './publish-probe.js';
import { publisherInfo } from './publisher-info.js';
import type { RtmpPublisherHandler, RtmpRegistration } from './rtmp-ingest-server.js';
import type { RtmpPublishSession } from './rtmp-server-session.js';

/** What a source needs of the shared server (RtmpIngestServer; a fake in tests). */
export interface RtmpIngestRegistrar {
  register(streamKey: string, handler: RtmpPublisherHandler): RtmpRegistration;
  readonly listenError: string | null;
}

export interface RtmpSourceOptions {
  input: RtmpInputConfig;
  sink: SourceSink;
  server: RtmpIngestRegistrar;
  clock?: Clock;
  spawner?: Spawner;
  ffmpegPath?: string;
  /** Supervisor owner of the remux child. Default "input:rtmp". */
  owner?: string;
}

/** No media for this long: `receiving` becomes `no_signal` (the encoder may still be connected). */
export const RTMP_NO_SIGNAL_AFTER_MS = 2000;
/** A key another input holds is tried again this often. */
export const RTMP_RETRY_REGISTER_MS = 5000;
const TICK_MS = 250;

interface Publish {
  session: RtmpPublishSession;
  probe: PublishProbe;
  metadata: Amf0Object | null;
  lastMediaAt: number | null;
  paused: boolean;
  refused: boolean;
}

/**
 * An RTMP push input (ADR 0009): registers its stream key with the shared server; each publish is
 * rebuilt as FLV and remuxed to TS by one FFmpeg child that outlives publish sessions. Timestamps
 * continue across sessions, so an encoder that stops and starts again yields one TS (same PIDs,
 * continuity counters running on); only a change of streams restarts the remux (stream_restarted).
 */
export class RtmpSource implements Source, RtmpPublisherHandler {
  private readonly input: RtmpInputConfig;
  private readonly sink: SourceSink;
  private readonly clock: Clock;
  private readonly timeline = new ContinuousTimeline();
  /** Keeps one continuity-counter sequence across remux restarts (a new FFmpeg starts at 0). */
  private readonly stitcher = new TsTimelineStitcher();
  private readonly meter = new RateMeter(1000);
  private registration: RtmpRegistration | undefined;
  private publish: Publish | undefined;
  private remux: FlvRemuxProcess | undefined;
  /** Remuxes being replaced (layout change), awaited by stop(). */
  private readonly retiring = new Set<Promise<void>>();
  private running = false;
  private state: IngestState = 'stopped';
  private since: number;
  private error: string | null = null;
  private ticker: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private counters = { messages: 0, bytes: 0, tsBytes: 0, malformed: 0 };
  private readonly malformedReasons: Record<string, number> = {};
  private lastPacketAt: number | null = null;
  private lastWriteAt = 0;

  constructor(private readonly options: RtmpSourceOptions) {
    this.input = options.input;
    this.sink = options.sink;
    this.clock = options.clock ?? systemClock;
    this.since = this.clock.now();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.setState('starting', null);
    this.ticker = this.clock.setInterval(() => this.tick(), TICK_MS);
    this.register();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.ticker !== undefined) this.clock.clearInterval(this.ticker);
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.ticker = this.retryTimer = undefined;
    this.registration?.unregister();
    this.registration = undefined;
    const remux = this.remux;
    this.remux = undefined;
    await Promise.all([remux?.stop(), ...this.retiring]);
    this.setState('stopped', null);
  }

  lostPackets(): number {
    return 0;
  }

  snapshot(): IngestSnapshot {
    const p = this.publish;
    const remuxTrouble = this.remux && (this.remux.state === 'backoff' || this.remux.state === 'failed') ? `remux (FFmpeg) ${this.remux.state}: ${this.remux.lastError ?? 'exited'}` : null;
    return {
      state: this.state,
      since: this.since,
      error: this.error ?? (this.state === 'error' ? this.options.server.listenError : null) ?? remuxTrouble,
      datagrams: this.counters.messages,
      bytes: this.counters.bytes,
      tsBytes: this.counters.tsBytes,
      malformed: this.counters.malformed,
      malformedReasons: { ...this.malformedReasons },
      rtp: { lost: 0, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrcChanges: 0, ssrc: null },
      lastPacketAt: this.lastPacketAt,
      bitrateBps: this.state === 'receiving' ? this.meter.bitsPerSecond() : 0,
      peer: p?.session.clientAddress ?? null,
      rtmp: p ? publisherInfo(p.session, p.metadata, p.probe.ready ? p.probe.currentLayout : null) : null,
    };
  }

  publishStarted(session: RtmpPublishSession): void {
    if (!this.running) {
      session.close('the channel input stopped');
      return;
    }
    this.publish = { session, probe: new PublishProbe(), metadata: null, lastMediaAt: null, paused: false, refused: false };
    this.error = null;
    this.event('peer_connected', 'info', `publisher ${session.clientAddress} connected${session.flashVer ? ` (${session.flashVer})` : ''}`, session);
  }

  message(session: RtmpPublishSession, message: { type: number; timestamp: number; payload: Buffer }): void {
    const p = this.publish;
    if (!p || p.session !== session || p.refused) return;
    const now = this.clock.now();
    this.counters.messages += 1;
    this.counters.bytes += message.payload.length;
    this.lastPacketAt = now;
    if (message.type === FLV_AUDIO || message.type === FLV_VIDEO) {
      p.lastMediaAt = now;
      if (this.state === 'no_signal') this.setState('receiving', null);
    }
    this.apply(p, p.probe.push(message.type, message.timestamp, message.payload, now), now);
  }

  publishEnded(session: RtmpPublishSession, reason: string, replacedBy?: RtmpPublishSession): void {
    const p = this.publish;
    if (!p || p.session !== session) return;
    this.publish = undefined;
    const detail = replacedBy ? `publisher ${session.clientAddress} replaced by ${replacedBy.clientAddress}` : `publisher ${session.clientAddress} disconnected: ${reason}`;
    if (!p.refused) this.event('peer_disconnected', replacedBy ? 'warn' : 'info', detail, session);
    if (this.state === 'receiving') this.setState('no_signal', detail);
  }

  private register(): void {
    this.retryTimer = undefined;
    if (!this.running) return;
    try {
      this.registration = this.options.server.register(this.input.streamKey, this);
      this.error = null;
      this.setState('no_signal', null);
    } catch (err) {
      this.error = `${(err as Error).message} (retrying every ${RTMP_RETRY_REGISTER_MS / 1000} s)`;
      this.setState('error', this.error);
      this.retryTimer = this.clock.setTimeout(() => this.register(), RTMP_RETRY_REGISTER_MS);
    }
  }

  private apply(p: Publish, step: ProbeStep, now: number): void {
    if (step.metadata) p.metadata = step.metadata;
    if (step.dropped) this.count(step.dropped);
    if (step.refused) {
      this.refuse(p, step.refused);
      return;
    }
    if (step.ready) {
      this.useRemux(step.ready.layout, (from) => `the publisher's streams changed (${describeLayout(from)} → ${describeLayout(step.ready!.layout)})`);
      this.timeline.startSession(step.ready.origin, step.ready.firstArrivedAt);
    }
    if (step.layoutChanged) {
      const to = step.layoutChanged;
      this.useRemux(to, (from) => (from.video === to.video && from.audio === to.audio ? `the publisher changed its ${describeLayout(to)} configuration` : `the publisher's streams changed (${describeLayout(from)} → ${describeLayout(to)})`));
    }
    if (step.tags.length > 0) this.write(p, step.tags, now);
  }

  private refuse(p: Publish, reason: string): void {
    p.refused = true;
    this.count('refused_codec');
    this.error = reason;
    this.event('peer_rejected', 'warn', `publisher ${p.session.clientAddress} refused: ${reason}`, p.session);
    p.session.close(reason);
    if (this.state === 'receiving') this.setState('no_signal', reason);
  }

  /**
   * A new FFmpeg starts its continuity counters at 0 and may re-base its clock: the stitcher
   * renumbers the counters so they run on, and flags the first PCR of the new output as a
   * discontinuity. Timestamps are not shifted: the FLV timeline fed to the new remux continues.
   */
  private joinRemuxOutput(): void {
    this.stitcher.startSegment(0, { discontinuity: true });
  }

  /** The remux for `layout`: the running one if it fits, else a new one (the old one stops first). */
  private useRemux(layout: StreamLayout, why: (from: StreamLayout) => string): void {
    const old = this.remux;
    if (old && sameLayout(old.layout, layout) && old.state !== 'failed') return;
    const remux: FlvRemuxProcess = new FlvRemuxProcess({
      owner: this.options.owner ?? 'input:rtmp',
      layout,
      ffmpegPath: this.options.ffmpegPath ?? 'ffmpeg',
      spawner: this.options.spawner ?? defaultSpawner(),
      clock: this.clock,
      preamble: (first) => remuxPreamble(layout, first ?? Math.max(0, this.timeline.lastTimestamp)),
      onTs: (chunk) => {
        if (this.remux !== remux) return;
        this.counters.tsBytes += chunk.length;
        // Whole packets: continuity counters of a new remux continue those of the last one (ADR 0010).
        this.stitcher.process(chunk);
        this.sink.ts(chunk);
      },
      onRespawn: (reason) => {
        this.joinRemuxOutput();
        this.event('stream_restarted', 'warn', `the remux (FFmpeg) restarted after: ${reason}; PIDs stay, continuity counters continue, the timing discontinuity is signalled`, null);
      },
      onDrain: () => {
        const p = this.publish;
        if (p?.paused) {
          p.paused = false;
          p.session.resume();
        }
      },
    });
    this.remux = remux;
    if (!old) {
      remux.start();
      return;
    }
    this.joinRemuxOutput();
    this.event('stream_restarted', 'warn', `${why(old.layout)}: the remux restarts; PIDs stay, continuity counters continue, the timing discontinuity is signalled`, null);
    // Tags wait in the new remux's queue while the old child goes.
    const retired: Promise<void> = old.stop().then(() => {
      this.retiring.delete(retired);
      if (this.running && this.remux === remux) remux.start();
    });
    this.retiring.add(retired);
  }

  private write(p: Publish, tags: IngestTag[], now: number): void {
    const remux = this.remux;
    if (!remux) return;
    this.lastWriteAt = now;
    for (const tag of tags) {
      const timestamp = this.timeline.map(tag.type, tag.timestamp, now);
      const result = remux.write({ bytes: encodeFlvTag({ type: tag.type, timestamp, data: tag.data }), timestamp, video: tag.type === FLV_VIDEO, keyframe: tag.keyframe });
      if (result === 'dropped') this.count('remux_not_ready');
      else if (result === 'full' && !p.paused) {
        // FFmpeg is behind: stop reading the encoder's socket; TCP tells the encoder to slow down.
        p.paused = true;
        p.session.pause();
      }
    }
  }

  private tick(): void {
    const now = this.clock.now();
    this.meter.sample(now, this.counters.bytes);
    const p = this.publish;
    if (p && !p.probe.ready && !p.refused) this.apply(p, p.probe.tick(now), now);
    if (now - this.lastWriteAt >= 1000) this.remux?.idle();
    const listenError = this.options.server.listenError;
    if (this.state === 'receiving' && (!p || p.lastMediaAt === null || now - p.lastMediaAt >= RTMP_NO_SIGNAL_AFTER_MS)) {
      this.setState('no_signal', `no media from the publisher for ${RTMP_NO_SIGNAL_AFTER_MS / 1000} s`);
    } else if (this.state === 'no_signal' && !p && listenError) {
      this.setState('error', listenError);
    } else if (this.state === 'error' && this.registration && !listenError) {
      this.setState('no_signal', null);
    }
  }

  private count(reason: string): void {
    this.counters.malformed += 1;
    this.malformedReasons[reason] = (this.malformedReasons[reason] ?? 0) + 1;
  }

  private event(kind: SourceEvent['kind'], level: SourceEvent['level'], message: string, session: RtmpPublishSession | null): void {
    this.sink.event?.({ kind, level, message, peer: session?.clientAddress ?? null });
  }

  private setState(to: IngestState, detail: string | null): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    this.since = this.clock.now();
    this.sink.stateChanged(from, to, detail);
  }
}

/** RTMP push inputs on the shared server; each source registers its key when it starts. */
export function rtmpSourceFactory(server: RtmpIngestRegistrar, options: Pick<RtmpSourceOptions, 'clock' | 'spawner' | 'ffmpegPath' | 'owner'> = {}): SourceFactoryOf<RtmpInputConfig> {
  return (input, sink) => new RtmpSource({ input, sink, server, ...options });
}
