import { decodeAmf0, type Amf0Object, type Amf0Value } from '../../rtmp/amf0.js';
import { FLV_AUDIO, FLV_SCRIPT, FLV_VIDEO } from '../../rtmp/flv-tag-reader.js';
import { inspectAudioTag, inspectVideoTag } from './flv-codecs.js';

/** The elementary streams of a publish and their decoder configuration (the FLV sequence headers). */
export interface StreamLayout {
  video: 'h264' | null;
  audio: 'aac' | 'mp3' | null;
  /** AVC sequence header tag body (AVCDecoderConfigurationRecord). */
  videoConfig: Buffer | null;
  /** AAC sequence header tag body (AudioSpecificConfig). */
  audioConfig: Buffer | null;
}

export function sameLayout(a: StreamLayout, b: StreamLayout): boolean {
  return a.video === b.video && a.audio === b.audio && sameBytes(a.videoConfig, b.videoConfig) && sameBytes(a.audioConfig, b.audioConfig);
}

export function describeLayout(layout: StreamLayout): string {
  const parts = [layout.video ? 'H.264' : null, layout.audio === 'aac' ? 'AAC' : layout.audio === 'mp3' ? 'MP3' : null].filter(Boolean);
  return parts.length > 0 ? parts.join(' + ') : 'no streams';
}

/** An audio or video message of the publish, ready to become an FLV tag. */
export interface IngestTag {
  type: typeof FLV_AUDIO | typeof FLV_VIDEO;
  timestamp: number;
  data: Buffer;
  keyframe: boolean;
}

export interface ProbeStep {
  /** Tags to pass on, in order (after `ready` or `layoutChanged` when those are set). */
  tags: IngestTag[];
  /** Set once: the publish's layout is known. `origin`: the smallest media timestamp held. */
  ready?: { layout: StreamLayout; origin: number; firstArrivedAt: number };
  /** After ready: the publisher changed its streams or their configuration. */
  layoutChanged?: StreamLayout;
  /** The publish cannot be remuxed (codec): end it with this sentence. */
  refused?: string;
  /** A message was dropped; the reason is a counter name. */
  dropped?: string;
  /** onMetaData arrived (parsed). */
  metadata?: Amf0Object;
}

/** Held before the layout is settled: at most this much media timeline, bytes and wall time. */
export const PROBE_MAX_SPAN_MS = 1000;
export const PROBE_MAX_BYTES = 4 * 1024 * 1024;
export const PROBE_MAX_WAIT_MS = 2000;

/**
 * One publish session's messages → the stream layout, then tags. The layout is settled once every
 * stream the encoder announced (onMetaData) or sent has a configuration and a first frame, or when
 * the probe limits run out; until then tags are held. Sequence headers are kept in the layout, not
 * passed on: the remux gets them in its preamble, and identical ones repeated are dropped.
 */
export class PublishProbe {
  /** Every configuration the encoder sent, settled or not. */
  private known: StreamLayout = { video: null, audio: null, videoConfig: null, audioConfig: null };
  private layout: StreamLayout | null = null;
  private held: IngestTag[] = [];
  private heldBytes = 0;
  private heldMinTimestamp = Number.POSITIVE_INFINITY;
  private firstArrivedAt: number | null = null;
  private declared: { video: boolean; audio: boolean } | null = null;
  private readonly seen = { video: false, audio: false };

  get ready(): boolean {
    return this.layout !== null;
  }

  /** The settled layout, or what is known so far. */
  get currentLayout(): StreamLayout {
    return this.layout ?? this.known;
  }

  push(type: number, timestamp: number, data: Buffer, now: number): ProbeStep {
    if (type === FLV_SCRIPT) return this.onData(data);
    if (type === FLV_VIDEO) return this.onVideo(timestamp, data, now);
    if (type === FLV_AUDIO) return this.onAudio(timestamp, data, now);
    return { tags: [], dropped: 'unknown_message' };
  }

  /** Settles the layout when the probe waited long enough in wall time. */
  tick(now: number): ProbeStep {
    if (this.layout || this.firstArrivedAt === null || now - this.firstArrivedAt < PROBE_MAX_WAIT_MS) return { tags: [] };
    return this.settle();
  }

  private onVideo(timestamp: number, data: Buffer, now: number): ProbeStep {
    const tag = inspectVideoTag(data);
    if (tag.kind === 'refused') return { tags: [], refused: tag.reason };
    if (tag.kind === 'malformed') return { tags: [], dropped: 'malformed_video' };
    if (tag.kind === 'info' || tag.packet === 'end') return { tags: [] };
    if (tag.packet === 'config') {
      this.known = { ...this.known, video: 'h264', videoConfig: Buffer.from(data) };
      return this.configChanged('video');
    }
    if (!this.known.videoConfig) return { tags: [], dropped: 'video_before_sequence_header' };
    return this.onFrame('video', { type: FLV_VIDEO, timestamp, data, keyframe: tag.keyframe }, now);
  }

  private onAudio(timestamp: number, data: Buffer, now: number): ProbeStep {
    const tag = inspectAudioTag(data);
    if (tag.kind === 'refused') return { tags: [], refused: tag.reason };
    if (tag.kind === 'malformed') return { tags: [], dropped: 'malformed_audio' };
    if (tag.kind === 'aac' && tag.packet === 'config') {
      this.known = { ...this.known, audio: 'aac', audioConfig: Buffer.from(data) };
      return this.configChanged('audio');
    }
    if (tag.kind === 'aac' && (this.known.audio !== 'aac' || !this.known.audioConfig)) return { tags: [], dropped: 'audio_before_sequence_header' };
    if (tag.kind === 'mp3') this.known = { ...this.known, audio: 'mp3', audioConfig: null };
    return this.onFrame('audio', { type: FLV_AUDIO, timestamp, data, keyframe: false }, now);
  }

  /** A new configuration of a stream already in the settled layout changes the layout. */
  private configChanged(kind: 'video' | 'audio'): ProbeStep {
    const layout = this.layout;
    if (!layout || layout[kind] === null) return { tags: [] };
    return this.adopt(kind, []);
  }

  private onFrame(kind: 'video' | 'audio', tag: IngestTag, now: number): ProbeStep {
    const layout = this.layout;
    if (layout) return layout[kind] === this.known[kind] ? { tags: [tag] } : this.adopt(kind, [tag]);
    this.seen[kind] = true;
    this.firstArrivedAt ??= now;
    this.held.push(tag);
    this.heldBytes += tag.data.length;
    this.heldMinTimestamp = Math.min(this.heldMinTimestamp, tag.timestamp);
    const d = this.declared;
    const complete = d ? (!d.video || this.seen.video) && (!d.audio || this.seen.audio) : this.seen.video && this.seen.audio;
    const span = tag.timestamp - this.heldMinTimestamp;
    if (complete || span >= PROBE_MAX_SPAN_MS || this.heldBytes >= PROBE_MAX_BYTES || now - this.firstArrivedAt >= PROBE_MAX_WAIT_MS) return this.settle();
    return { tags: [] };
  }

  /** Takes the known configuration of `kind` into the settled layout, if it differs. */
  private adopt(kind: 'video' | 'audio', tags: IngestTag[]): ProbeStep {
    const layout = this.layout!;
    const next: StreamLayout =
      kind === 'video' ? { ...layout, video: this.known.video, videoConfig: this.known.videoConfig } : { ...layout, audio: this.known.audio, audioConfig: this.known.audioConfig };
    if (sameLayout(next, layout)) return { tags };
    this.layout = next;
    return { tags, layoutChanged: next };
  }

  private settle(): ProbeStep {
    // Only streams that really sent frames: an announced stream that never came is left out
    // (if it comes later, that is a layout change).
    const k = this.known;
    this.layout = {
      video: this.seen.video ? k.video : null,
      videoConfig: this.seen.video ? k.videoConfig : null,
      audio: this.seen.audio ? k.audio : null,
      audioConfig: this.seen.audio ? k.audioConfig : null,
    };
    const tags = this.held;
    const origin = Number.isFinite(this.heldMinTimestamp) ? this.heldMinTimestamp : 0;
    this.held = [];
    this.heldBytes = 0;
    return { tags, ready: { layout: this.layout, origin, firstArrivedAt: this.firstArrivedAt ?? 0 } };
  }

  private onData(data: Buffer): ProbeStep {
    let values: Amf0Value[];
    try {
      values = decodeAmf0(data);
    } catch {
      return { tags: [], dropped: 'malformed_data' };
    }
    const [name, body] = values;
    if (name !== 'onMetaData' || !isObject(body)) return { tags: [] };
    const has = (key: string) => body[key] !== undefined && body[key] !== null && body[key] !== 0 && body[key] !== false;
    if (!this.layout && (has('videocodecid') || has('audiocodecid'))) this.declared = { video: has('videocodecid'), audio: has('audiocodecid') };
    return { tags: [], metadata: body };
  }
}

function isObject(value: Amf0Value): value is Amf0Object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === b || (!!a && !!b && a.equals(b));
}
