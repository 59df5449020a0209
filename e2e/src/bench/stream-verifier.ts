// Checks a received stream as it arrives, in bounded memory: locates it in the sender's endless
// stream, compares every byte (memcmp against the regenerated pass), counts gaps, runs the
// same continuity / SCTE-35 inspection tsReport uses (TsInspector, streaming), and records
// when sampled datagrams arrived so the orchestrator can pair them with their send times.
import { TS_PACKET_SIZE, TS_SYNC_BYTE, TsInspector, type Scte35Cue } from '@mld/mpegts';
import { DATAGRAM_BYTES, type LoopedStream, onlyNullPackets } from './looped-stream.js';

const WINDOW_BYTES = 7 * TS_PACKET_SIZE;
/** Unlocked data kept while looking for an anchor. */
const MAX_PENDING = 256 * 1024;
/** A stream that jumps (a gap) is searched for this far ahead of where it was before the whole range. */
const RELOCK_SPAN = 128 * 1024 * 1024;
const MAX_SEGMENTS = 10_000;
const MAX_SAMPLES = 500_000;

export interface VerifierOptions {
  stream: LoopedStream;
  scte35Pid: number;
  /** Offsets of the cue packets in one pass (the feed's cues). */
  cueOffsets: readonly number[];
  /** Record the arrival of datagrams whose index is a multiple of this. */
  sampleEvery: number;
  /** Furthest position a first lock is searched up to (the run's length in bytes, with slack). */
  searchLimit: number;
  /**
   * False: the stream is not the sender's (an FFmpeg remux of it): only counted and inspected
   * (continuity, SCTE-35), never compared. Default true.
   */
  compare?: boolean;
}

export interface VerifierResult {
  /** False when the stream was only inspected (see VerifierOptions.compare). */
  compared: boolean;
  receivedBytes: number;
  /** Bytes found identical to the sent stream at their position. */
  verifiedBytes: number;
  /** Bytes that could not be placed in the sent stream at all. */
  unmatchedBytes: number;
  /** Places where the stream stopped matching its expected position: a gap (loss) or damaged data (then also unmatchedBytes). */
  mismatches: number;
  /** Forward jumps in position: data lost between two matched runs. */
  gaps: number;
  gapBytes: number;
  /** Backward jumps: data repeated. */
  rewinds: number;
  /** First matched position (0 = the receiver got the stream from its very first byte). */
  firstPosition: number | null;
  /** Position after the last matched byte. */
  endPosition: number | null;
  segments: Array<[number, number]>;
  ccErrors: number;
  ccErrorsByPid: Record<number, number>;
  syncLosses: number;
  cues: { valid: number; invalid: number; wrongPid: number; expected: number };
  /** Sampled datagram indices and their arrival times (monotonic ms), in arrival order. */
  samples: { index: number[]; at: number[] };
}

export class StreamVerifier {
  private readonly inspector: TsInspector;
  private locked = false;
  private pos = 0;
  private pending: Buffer = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);
  private received = 0;
  private verified = 0;
  private unmatched = 0;
  private mismatches = 0;
  private gaps = 0;
  private gapBytes = 0;
  private rewinds = 0;
  private first: number | null = null;
  private segStart = 0;
  private readonly segments: Array<[number, number]> = [];
  private lastEnd: number | null = null;
  private readonly cueCounts = { valid: 0, invalid: 0, wrongPid: 0 };
  private readonly sampleIndex: number[] = [];
  private readonly sampleAt: number[] = [];

  constructor(private readonly opts: VerifierOptions) {
    this.inspector = new TsInspector({ scte35Pids: [opts.scte35Pid], retainCues: false, onCue: (cue) => this.onCue(cue) });
  }

  push(chunk: Buffer, at: number): void {
    this.received += chunk.length;
    this.inspector.push(chunk);
    if (this.opts.compare === false) return;
    if (this.locked) this.verify(chunk, at);
    else this.hunt(chunk, at);
  }

  get bytes(): number {
    return this.received;
  }

  /** Continuity errors so far. */
  get ccErrors(): number {
    return this.inspector.report().ccErrors;
  }

  result(): VerifierResult {
    const segments = [...this.segments];
    if (this.locked) segments.push([this.segStart, this.pos]);
    const report = this.inspector.report();
    const ccErrorsByPid: Record<number, number> = {};
    for (const p of report.pids) if (p.ccErrors > 0) ccErrorsByPid[p.pid] = p.ccErrors;
    return {
      compared: this.opts.compare !== false,
      receivedBytes: this.received,
      verifiedBytes: this.verified,
      unmatchedBytes: this.opts.compare === false ? 0 : this.unmatched + (this.locked ? 0 : this.pending.length),
      mismatches: this.mismatches,
      gaps: this.gaps,
      gapBytes: this.gapBytes,
      rewinds: this.rewinds,
      firstPosition: this.first,
      endPosition: this.locked ? this.pos : this.lastEnd,
      segments: segments.slice(0, 100),
      ccErrors: report.ccErrors,
      ccErrorsByPid,
      syncLosses: report.syncLosses,
      cues: { ...this.cueCounts, expected: this.expectedCues(segments) },
      samples: { index: [...this.sampleIndex], at: [...this.sampleAt] },
    };
  }

  private onCue(cue: Scte35Cue): void {
    if (cue.pid !== this.opts.scte35Pid) this.cueCounts.wrongPid++;
    else if (cue.crcValid) this.cueCounts.valid++;
    else this.cueCounts.invalid++;
  }

  /** Cues of the sent stream lying wholly inside the matched segments. */
  private expectedCues(segments: Array<[number, number]>): number {
    const L = this.opts.stream.passBytes;
    let n = 0;
    for (const [a, b] of segments) {
      for (let k = Math.floor(a / L); k * L < b; k++) {
        for (const off of this.opts.cueOffsets) {
          const at = k * L + off;
          if (at >= a && at + TS_PACKET_SIZE <= b) n++;
        }
      }
    }
    return n;
  }

  private verify(data: Buffer, at: number): void {
    const m = this.opts.stream.mismatch(this.pos, data, 0, data.length);
    if (m < 0) {
      this.sample(this.pos, data.length, at);
      this.pos += data.length;
      this.verified += data.length;
      this.keepTail(data);
      return;
    }
    // The packet holding the first differing byte starts `into` bytes before it: whatever of
    // it matched did so by chance (a lost run of datagrams starts on a packet boundary), so the
    // search for the new position starts at that packet, taking its head from the last chunk
    // when it began there.
    const q = this.pos + m;
    const into = q % TS_PACKET_SIZE;
    if (m > 0) this.sample(this.pos, m - into > 0 ? m - into : 0, at);
    this.verified += m - into;
    this.pos = q - into;
    this.mismatches++;
    this.closeSegment();
    const restart = m >= into ? data.subarray(m - into) : Buffer.concat([this.tail.subarray(Math.max(0, this.tail.length - (into - m))), data]);
    this.tail = Buffer.alloc(0);
    this.hunt(restart, at);
  }

  /** The last bytes of verified data, up to one packet (copied: chunks are not ours to keep). */
  private keepTail(data: Buffer): void {
    if (data.length >= TS_PACKET_SIZE) this.tail = Buffer.from(data.subarray(data.length - TS_PACKET_SIZE));
    else this.tail = Buffer.concat([this.tail, data]).subarray(-TS_PACKET_SIZE);
  }

  private closeSegment(): void {
    if (!this.locked) return;
    this.locked = false;
    if (this.segments.length < MAX_SEGMENTS) this.segments.push([this.segStart, this.pos]);
    this.lastEnd = this.pos;
  }

  private sample(pos: number, length: number, at: number): void {
    const K = this.opts.sampleEvery;
    // Datagram i ends at (i + 1)·1316: it completed in this chunk when pos < (i + 1)·1316 <= pos + length.
    const lo = Math.floor(pos / DATAGRAM_BYTES);
    const hi = Math.floor((pos + length) / DATAGRAM_BYTES) - 1;
    for (let i = Math.ceil(lo / K) * K; i <= hi; i += K) {
      if (this.sampleIndex.length >= MAX_SAMPLES) return;
      this.sampleIndex.push(i);
      this.sampleAt.push(at);
    }
  }

  /** Not locked: find the data's place in the sent stream, then verify from there. */
  private hunt(chunk: Buffer, at: number): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const p = this.pending;
      const a = alignedOffset(p);
      if (a < 0) {
        // No sync yet: keep only a tail that could still start a packet.
        if (p.length > 4 * TS_PACKET_SIZE) this.drop(p.length - TS_PACKET_SIZE);
        return;
      }
      let tried = 0;
      for (let w = a; w + WINDOW_BYTES <= p.length && tried < 8; w += TS_PACKET_SIZE) {
        const window = p.subarray(w, w + WINDOW_BYTES);
        if (window[0] !== TS_SYNC_BYTE || onlyNullPackets(window)) continue;
        tried++;
        // After a gap the stream is searched a little behind and well ahead of where it was.
        const found =
          this.lastEnd === null
            ? this.opts.stream.find(window, 0, this.opts.searchLimit)
            : this.opts.stream.find(window, Math.max(0, this.lastEnd - 4 * 1024 * 1024), RELOCK_SPAN);
        if (found < 0) continue;
        this.unmatched += w;
        this.lockAt(found);
        const rest = p.subarray(w);
        this.pending = Buffer.alloc(0);
        this.verify(rest, at);
        return;
      }
      if (tried >= 8) {
        // Eight windows that are nowhere in the sent stream: give up on this stretch.
        this.drop(a + TS_PACKET_SIZE);
        continue;
      }
      if (p.length > MAX_PENDING) {
        this.drop(p.length - MAX_PENDING / 2);
        continue;
      }
      return;
    }
  }

  private drop(n: number): void {
    this.unmatched += n;
    this.pending = this.pending.subarray(n);
  }

  private lockAt(position: number): void {
    if (this.first === null) this.first = position;
    else if (this.lastEnd !== null && position > this.lastEnd) {
      this.gaps++;
      this.gapBytes += position - this.lastEnd;
    } else if (this.lastEnd !== null && position < this.lastEnd) this.rewinds++;
    this.locked = true;
    this.pos = position;
    this.segStart = position;
  }
}

/** First offset where three packets in a row start with the sync byte (two when that is all there is), or -1. */
function alignedOffset(buf: Buffer): number {
  for (let i = 0; i < TS_PACKET_SIZE && i + 2 * TS_PACKET_SIZE < buf.length; i++) {
    if (buf[i] === TS_SYNC_BYTE && buf[i + TS_PACKET_SIZE] === TS_SYNC_BYTE && buf[i + 2 * TS_PACKET_SIZE] === TS_SYNC_BYTE) return i;
  }
  return -1;
}
