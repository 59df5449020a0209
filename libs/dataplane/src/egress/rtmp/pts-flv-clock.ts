import { parsePat, parsePmt, PTS_MODULO, readPesTimestamps, STREAM_TYPE, TS_PACKET_SIZE, TS_SYNC_BYTE, tsPayloadOffset, tsPid, tsPusi, tsRandomAccess } from '@mld/mpegts';
import { FLV_VIDEO, type FlvTag } from '../../rtmp/flv-tag-reader.js';

const VIDEO_STREAM_TYPES = new Set<number>([STREAM_TYPE.H264, STREAM_TYPE.H265, STREAM_TYPE.MPEG2_VIDEO]);

/** Presentation time (ms) and keyframe flag of an FLV video tag carrying a frame; undefined for headers. */
export function flvVideoFrame(tag: FlvTag): { ptsMs: number; keyframe: boolean } | undefined {
  if (tag.type !== FLV_VIDEO || tag.data.length < 5) return undefined;
  const codec = tag.data[0]! & 0x0f;
  const keyframe = tag.data[0]! >> 4 === 1;
  // AVC / HEVC (7 / 12): a packet type (1 = NAL units) and a signed 24-bit composition time.
  if (codec === 7 || codec === 12) {
    if (tag.data[1] !== 1) return undefined;
    const cts = (tag.data.readIntBE(2, 3));
    return { ptsMs: tag.timestamp + cts, keyframe };
  }
  return { ptsMs: tag.timestamp, keyframe };
}

/** The 90 kHz value nearest to `reference` that is `pts` modulo 2^33. */
export function unwrapPts(pts: number, reference: number): number {
  let delta = (pts - reference) % PTS_MODULO;
  if (delta < 0) delta += PTS_MODULO;
  if (delta >= PTS_MODULO / 2) delta -= PTS_MODULO;
  return reference + delta;
}

/**
 * TS PTS → FLV milliseconds for one FFmpeg run (ADR 0015). FFmpeg rebases timestamps by an offset it
 * does not print; its stream copy starts at the first video keyframe, so the first keyframe handed to
 * FFmpeg and the first FLV video keyframe are the same frame, and that pair gives the offset.
 */
export class PtsFlvClock {
  private pmtPid = -1;
  private videoPid = -1;
  /** Latest video PTS handed to FFmpeg, unwrapped (continuous over 33-bit wraps); undefined before the first. */
  private lastInPts: number | undefined;
  private firstKeyInPts: number | undefined;
  /** FLV ms minus PTS/90, once known. */
  private offsetMs: number | undefined;

  /** Whether the offset is known yet. */
  get synced(): boolean {
    return this.offsetMs !== undefined;
  }

  /** TS (whole 188-byte packets) as written to FFmpeg's stdin. */
  observeInput(ts: Buffer): void {
    for (let off = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE) {
      if (ts[off] !== TS_SYNC_BYTE || !tsPusi(ts, off)) continue;
      const pid = tsPid(ts, off);
      if (pid === this.videoPid) this.onVideoPesStart(ts, off);
      else if (pid === 0 || pid === this.pmtPid) this.onPsi(ts, off, pid);
    }
  }

  /** An FLV tag FFmpeg wrote (in order). */
  observeOutput(tag: FlvTag): void {
    if (this.offsetMs !== undefined || this.firstKeyInPts === undefined) return;
    const frame = flvVideoFrame(tag);
    if (frame?.keyframe) this.offsetMs = frame.ptsMs - this.firstKeyInPts / 90;
  }

  /** FLV ms of the frame presented at `pts` (90 kHz, any 33-bit value); undefined until synced. */
  flvMsOf(pts: number): number | undefined {
    if (this.offsetMs === undefined || this.lastInPts === undefined) return undefined;
    return unwrapPts(pts, this.lastInPts) / 90 + this.offsetMs;
  }

  /** FLV ms of the video last handed to FFmpeg: where an immediate cue belongs. */
  nowMs(): number | undefined {
    return this.lastInPts === undefined ? undefined : this.flvMsOf(this.lastInPts);
  }

  private onVideoPesStart(ts: Buffer, off: number): void {
    const payload = tsPayloadOffset(ts, off);
    if (payload < 0) return;
    const { pts } = readPesTimestamps(ts, payload, off + TS_PACKET_SIZE);
    if (pts < 0) return;
    this.lastInPts = this.lastInPts === undefined ? pts : unwrapPts(pts, this.lastInPts);
    if (this.firstKeyInPts === undefined && (tsRandomAccess(ts, off) || startsWithIdr(ts, payload, off + TS_PACKET_SIZE))) this.firstKeyInPts = this.lastInPts;
  }

  private onPsi(ts: Buffer, off: number, pid: number): void {
    const payload = tsPayloadOffset(ts, off);
    if (payload < 0) return;
    const start = payload + 1 + ts[payload]!;
    const end = off + TS_PACKET_SIZE;
    if (start + 3 > end) return;
    const length = 3 + (((ts[start + 1]! & 0x0f) << 8) | ts[start + 2]!);
    // PAT and a small PMT fit one packet; a longer PMT is simply not used (no markers until one fits).
    if (start + length > end) return;
    const section = ts.subarray(start, start + length);
    if (pid === 0) {
      const pat = parsePat(section);
      if (pat.ok && pat.value.programs[0]) this.pmtPid = pat.value.programs[0].pmtPid;
    } else {
      const pmt = parsePmt(section);
      const video = pmt.ok ? pmt.value.streams.find((s) => VIDEO_STREAM_TYPES.has(s.streamType)) : undefined;
      if (video) this.videoPid = video.pid;
    }
  }
}

/** Whether the PES at `payload` holds an H.264 IDR in this packet (for feeds without random_access_indicator). */
function startsWithIdr(ts: Buffer, payload: number, end: number): boolean {
  if (payload + 9 > end) return false;
  for (let i = payload + 9 + ts[payload + 8]!; i + 3 < end; i++) {
    if (ts[i] === 0 && ts[i + 1] === 0 && ts[i + 2] === 1 && (ts[i + 3]! & 0x1f) === 5) return true;
  }
  return false;
}
