// The TS packets of a channel's latest random-access access unit (PAT + PMT + that one video
// PES), so a thumbnail decodes one picture instead of the stream. Kept only while somebody asked
// for a thumbnail recently: otherwise push() returns at its first test and nothing is copied.
import { PAT_PID, parsePat, parsePmt, SectionAssembler, TS_PACKET_SIZE, tsPid, tsPusi } from '@mld/mpegts';
import { CODEC_OTHER, isRandomAccess, videoCodecOf, type VideoCodec } from '../ingest/redundant/random-access.js';

/** How long one request keeps the keeper collecting. */
export const KEY_FRAME_INTEREST_MS = 30_000;
/** An access unit larger than this is dropped, not kept (a 1080p IDR is 100-500 KB). */
export const KEY_FRAME_MAX_BYTES = 2 * 1024 * 1024;

export interface KeyFrame {
  /** PAT, PMT and the video PES of one random-access access unit, whole 188-byte packets. */
  ts: Buffer;
  /** When its last packet arrived (clock ms). */
  at: number;
}

export class KeyFrameKeeper {
  private interestUntil = -1;
  private patPacket: Buffer | null = null;
  private pmtPacket: Buffer | null = null;
  private pmtPid = -1;
  private programNumber = -1;
  private videoPid = -1;
  private codec: VideoCodec = CODEC_OTHER;
  private patAssembler = new SectionAssembler(PAT_PID, (s) => this.onPat(s));
  private pmtAssembler: SectionAssembler | null = null;
  /** Packets of the access unit being collected; null between access units. */
  private collecting: Buffer[] | null = null;
  private collectingBytes = 0;
  private latest: KeyFrame | null = null;

  constructor(private readonly maxBytes = KEY_FRAME_MAX_BYTES) {}

  /** Somebody wants a thumbnail: collect until `now + KEY_FRAME_INTEREST_MS`. */
  want(now: number): void {
    this.interestUntil = now + KEY_FRAME_INTEREST_MS;
  }

  get interested(): boolean {
    return this.interestUntil >= 0;
  }

  /** The latest complete key frame, if one was seen while somebody was interested. */
  keyFrame(): KeyFrame | null {
    return this.latest;
  }

  /** Whole TS packets, in order. */
  push(chunk: Buffer, now: number): void {
    if (this.interestUntil < 0) return;
    if (now > this.interestUntil) {
      this.forget();
      return;
    }
    for (let off = 0; off + TS_PACKET_SIZE <= chunk.length; off += TS_PACKET_SIZE) this.packet(chunk, off, now);
  }

  private packet(buf: Buffer, off: number, now: number): void {
    const pid = tsPid(buf, off);
    if (pid === PAT_PID) {
      this.patAssembler.push(buf, off);
      if (tsPusi(buf, off)) this.patPacket = Buffer.from(buf.subarray(off, off + TS_PACKET_SIZE));
      return;
    }
    if (pid === this.pmtPid) {
      this.pmtAssembler?.push(buf, off);
      if (tsPusi(buf, off)) this.pmtPacket = Buffer.from(buf.subarray(off, off + TS_PACKET_SIZE));
      return;
    }
    if (pid !== this.videoPid) return;
    if (tsPusi(buf, off)) {
      // A new PES ends the one being collected: that access unit is complete.
      if (this.collecting) this.complete(now);
      if (isRandomAccess(buf, off, this.codec) && this.patPacket && this.pmtPacket) {
        this.collecting = [];
        this.collectingBytes = 0;
      }
    }
    if (!this.collecting) return;
    this.collectingBytes += TS_PACKET_SIZE;
    if (this.collectingBytes + 2 * TS_PACKET_SIZE > this.maxBytes) {
      this.collecting = null;
      return;
    }
    this.collecting.push(Buffer.from(buf.subarray(off, off + TS_PACKET_SIZE)));
  }

  private complete(now: number): void {
    const packets = this.collecting!;
    this.collecting = null;
    this.latest = { ts: Buffer.concat([this.patPacket!, this.pmtPacket!, ...packets]), at: now };
  }

  private onPat(section: Buffer): void {
    const r = parsePat(section);
    const program = r.ok ? r.value.programs[0] : undefined;
    if (!program || (program.pmtPid === this.pmtPid && program.programNumber === this.programNumber)) return;
    this.pmtPid = program.pmtPid;
    this.programNumber = program.programNumber;
    this.pmtPacket = null;
    this.videoPid = -1;
    this.collecting = null;
    this.pmtAssembler = new SectionAssembler(program.pmtPid, (s) => this.onPmt(s));
  }

  private onPmt(section: Buffer): void {
    const r = parsePmt(section);
    if (!r.ok || r.value.programNumber !== this.programNumber) return;
    const video = r.value.streams.find((s) => videoCodecOf(s.streamType) !== CODEC_OTHER);
    const pid = video?.pid ?? -1;
    if (pid === this.videoPid) return;
    this.videoPid = pid;
    this.codec = video ? videoCodecOf(video.streamType) : CODEC_OTHER;
    this.collecting = null;
  }

  /** Nobody looked for a while: drop everything, so the hot path is one comparison again. */
  private forget(): void {
    this.interestUntil = -1;
    this.patPacket = null;
    this.pmtPacket = null;
    this.pmtPid = -1;
    this.programNumber = -1;
    this.videoPid = -1;
    this.codec = CODEC_OTHER;
    this.patAssembler = new SectionAssembler(PAT_PID, (s) => this.onPat(s));
    this.pmtAssembler = null;
    this.collecting = null;
    this.latest = null;
  }
}
