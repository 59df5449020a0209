// SMPTE 2022-7 style seamless protection: N copies of ONE RTP stream (same SSRC, same sequence
// numbers, e.g. one feed over two networks) merged packet by packet. ADR 0014.
import { emptyRtpHeader, readRtpHeader, TS_PACKET_SIZE, TS_SYNC_BYTE, type RtpHeader } from '@mld/mpegts';
import { PathSequenceTracker } from './path-sequence-tracker.js';
import { DEFAULT_MERGE_WINDOW_MS, DEFAULT_SINGLE_PATH_DELAY_MS, type MergePathCounters, type MergeStats, type SeamlessRtpMergeOptions } from './seamless-rtp-merge.types.js';

export * from './seamless-rtp-merge.types.js';

/**
 * First copy wins: a packet is emitted as soon as everything before it has been emitted; a copy of
 * an emitted packet is dropped; a gap holds the packets behind it until another path fills it or
 * the window runs out (then it is merged loss). In-order packets are never delayed. Pure apart from
 * the callbacks: the owner feeds datagrams with their arrival time and calls tick().
 */
export class SeamlessRtpMerge {
  readonly stats: MergeStats = { emitted: 0, tsBytes: 0, lost: 0, reordered: 0, resyncs: 0, ssrcChanges: 0, malformedReasons: {} };
  readonly paths: MergePathCounters[];
  readonly windowMs: number;
  private readonly singlePathDelayMs: number;
  private readonly emitTs: (ts: Buffer) => void;
  private readonly onRejectedTs: ((ts: Buffer) => void) | undefined;
  private readonly mask: number;
  private readonly capacity: number;
  private readonly resyncThreshold: number;
  private readonly header: RtpHeader = emptyRtpHeader();
  // Held packets (ahead of a gap), by extended sequence modulo capacity.
  private readonly heldExt: Float64Array;
  private readonly heldDatagram: (Buffer | undefined)[];
  private readonly heldOffset: Uint32Array;
  private readonly heldLength: Uint32Array;
  private readonly heldTimestamp: Uint32Array;
  private readonly heldArrival: Float64Array;
  private readonly heldPath: Uint8Array;
  // What was emitted, to tell another path's copy from a sender that restarted behind.
  private readonly sentExt: Float64Array;
  private readonly sentTimestamp: Uint32Array;
  private readonly sentArrival: Float64Array;
  private readonly sentPath: Uint8Array;
  private started = false;
  private firstPacketAt = 0;
  private currentSsrc = 0;
  private lastTimestamp = 0;
  private expectedExt = 0;
  /** Extended number of the first packet of the current stream (since start or the last resync). */
  private streamStartExt = 0;
  private maxHeldExt = -1;
  private heldCount = 0;
  private lastAcceptedAt = 0;
  /** The stream before the last resync: a lagging path's copies of it are dropped, not a new restart. */
  private previous: { ssrc: number; timestamp: number } | null = null;

  constructor(options: SeamlessRtpMergeOptions) {
    this.emitTs = options.emit;
    this.onRejectedTs = options.onRejectedTs;
    this.windowMs = options.windowMs ?? DEFAULT_MERGE_WINDOW_MS;
    this.singlePathDelayMs = Math.min(this.windowMs, options.singlePathDelayMs ?? DEFAULT_SINGLE_PATH_DELAY_MS);
    this.capacity = options.capacity ?? 8192;
    if (this.capacity < 64 || (this.capacity & (this.capacity - 1)) !== 0) throw new RangeError('capacity must be a power of two ≥ 64');
    this.mask = this.capacity - 1;
    this.resyncThreshold = Math.min(options.resyncThreshold ?? 3000, this.capacity, 0x8000);
    this.heldExt = new Float64Array(this.capacity).fill(-1);
    this.heldDatagram = new Array<Buffer | undefined>(this.capacity).fill(undefined);
    this.heldOffset = new Uint32Array(this.capacity);
    this.heldLength = new Uint32Array(this.capacity);
    this.heldTimestamp = new Uint32Array(this.capacity);
    this.heldArrival = new Float64Array(this.capacity);
    this.heldPath = new Uint8Array(this.capacity);
    this.sentExt = new Float64Array(this.capacity).fill(-1);
    this.sentTimestamp = new Uint32Array(this.capacity);
    this.sentArrival = new Float64Array(this.capacity);
    this.sentPath = new Uint8Array(this.capacity);
    this.paths = Array.from({ length: options.paths }, () => ({
      datagrams: 0,
      bytes: 0,
      malformed: 0,
      received: 0,
      used: 0,
      late: 0,
      behindMs: 0,
      lastPacketAt: null,
      ssrc: null,
      sequence: new PathSequenceTracker(this.resyncThreshold),
    }));
  }

  /** SSRC of the stream being merged; null before the first packet. */
  get ssrc(): number | null {
    return this.started ? this.currentSsrc : null;
  }

  /** Packets waiting behind a gap. */
  get held(): number {
    return this.heldCount;
  }

  push(path: number, datagram: Buffer, nowMs: number): void {
    const p = this.paths[path]!;
    p.datagrams++;
    p.bytes += datagram.length;
    p.lastPacketAt = nowMs;
    const h = this.header;
    const problem = readRtpHeader(datagram, h);
    if (problem !== null) return this.reject(p, problem === 'bad_version' && datagram[0] === TS_SYNC_BYTE ? 'ts_on_rtp_input' : `rtp_${problem}`);
    if (!isWholeTs(datagram, h.payloadOffset, h.payloadLength)) {
      this.reject(p, 'rtp_payload_not_mpeg_ts');
      if (h.payloadLength > 0 && h.payloadLength % TS_PACKET_SIZE === 0) this.onRejectedTs?.(datagram.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength));
      return;
    }
    p.received++;
    p.ssrc = h.ssrc;
    p.sequence.observe(h.sequence, h.ssrc);
    this.accept(path, datagram, nowMs);
  }

  /** Gives up gaps whose wait is over; call from a timer (every 10 ms or so) as well. */
  tick(nowMs: number): void {
    while (this.heldCount > 0) {
      let ext = this.expectedExt + 1;
      while (this.heldExt[ext & this.mask] !== ext) ext++;
      if (nowMs - this.heldArrival[ext & this.mask]! < this.gapWaitMs(nowMs)) return;
      this.skipTo(ext);
    }
  }

  private accept(path: number, datagram: Buffer, nowMs: number): void {
    const { sequence, ssrc, timestamp } = this.header;
    if (!this.started) {
      this.started = true;
      this.firstPacketAt = nowMs;
      this.currentSsrc = ssrc;
      this.expectedExt = sequence;
      this.streamStartExt = sequence;
    }
    let d = 0;
    if (ssrc !== this.currentSsrc) {
      if (this.isPreviousStream(ssrc, timestamp, nowMs)) return;
      this.stats.ssrcChanges++;
      this.resync(sequence, ssrc);
    } else {
      d = (sequence - this.expectedExt) & 0xffff;
      if (d >= 0x8000) d -= 0x10000;
      if (d >= this.resyncThreshold) {
        if (this.isPreviousStream(ssrc, timestamp, nowMs)) return;
        this.resync(sequence, ssrc);
        d = 0;
      } else if (d < 0) {
        const ext = this.expectedExt + d;
        const idx = ext & this.mask;
        if (ext < this.streamStartExt) {
          // Before the first packet of this stream (a lagging path at start, or the old stream after a restart).
          if (nowMs - this.lastAcceptedAt < this.windowMs) return;
        } else if (-d < this.capacity && this.sentExt[idx] === ext) {
          if (this.sentTimestamp[idx] === timestamp) return this.copyOf(path, this.sentPath[idx]!, this.sentArrival[idx]!, nowMs);
          // Same number, other timestamp: not a copy, the sender restarted a little behind.
        } else if (nowMs - this.lastAcceptedAt < this.windowMs) {
          this.paths[path]!.late++;
          return;
        }
        // Nothing new for a whole window, only old numbers: the sender restarted further behind.
        this.resync(sequence, ssrc);
        d = 0;
      }
    }

    const ext = this.expectedExt + d;
    const idx = ext & this.mask;
    if (this.heldExt[idx] === ext) return this.copyOf(path, this.heldPath[idx]!, this.heldArrival[idx]!, nowMs);
    this.lastAcceptedAt = nowMs;
    this.lastTimestamp = timestamp;
    this.paths[path]!.used++;
    const { payloadOffset, payloadLength } = this.header;
    if (ext === this.expectedExt) {
      if (this.heldCount > 0) this.stats.reordered++;
      this.send(ext, datagram, payloadOffset, payloadLength, timestamp, nowMs, path);
      this.expectedExt++;
      if (this.heldCount > 0) this.drainReady();
    } else {
      if (ext < this.maxHeldExt) this.stats.reordered++;
      this.heldExt[idx] = ext;
      this.heldDatagram[idx] = datagram;
      this.heldOffset[idx] = payloadOffset;
      this.heldLength[idx] = payloadLength;
      this.heldTimestamp[idx] = timestamp;
      this.heldArrival[idx] = nowMs;
      this.heldPath[idx] = path;
      this.heldCount++;
      if (ext > this.maxHeldExt) this.maxHeldExt = ext;
    }
    if (this.heldCount > 0) this.tick(nowMs);
  }

  /** Another copy of a packet already emitted or held: dropped; it says how far behind its path is. */
  private copyOf(path: number, firstPath: number, firstArrival: number, nowMs: number): void {
    if (firstPath === path) return; // a duplicate on the same path: its tracker counted it
    const p = this.paths[path]!;
    p.behindMs += (nowMs - firstArrival - p.behindMs) / 16;
  }

  /**
   * How long a gap may hold the packets behind it: the window while another path may still fill
   * it; only the reorder delay once a single path is alive (waiting for a dead path adds delay for
   * nothing). A path that never delivered counts as alive for one window after the first packet.
   */
  private gapWaitMs(nowMs: number): number {
    let alive = 0;
    for (const p of this.paths) {
      const last = p.lastPacketAt ?? this.firstPacketAt;
      if (nowMs - last <= this.windowMs) alive++;
    }
    return alive >= 2 ? this.windowMs : this.singlePathDelayMs;
  }

  private isPreviousStream(ssrc: number, timestamp: number, nowMs: number): boolean {
    const prev = this.previous;
    if (prev === null || ssrc !== prev.ssrc || nowMs - this.lastAcceptedAt >= this.windowMs) return false;
    if (ssrc !== this.currentSsrc) return true;
    // Same SSRC across the restart: the old stream's timestamps are within a window of where it stopped.
    return Math.abs((timestamp - prev.timestamp) | 0) <= 90 * (2 * this.windowMs + 100);
  }

  private resync(sequence: number, ssrc: number): void {
    this.flushHeld();
    this.stats.resyncs++;
    this.previous = { ssrc: this.currentSsrc, timestamp: this.lastTimestamp };
    this.currentSsrc = ssrc;
    // Jump forward to the new sequence (plus a lap) so extended numbers only grow: nothing
    // remembered from the old stream can be mistaken for a copy in the new one.
    this.expectedExt += ((sequence - this.expectedExt) & 0xffff) + 0x10000;
    this.streamStartExt = this.expectedExt;
  }

  /** Emits everything held, counting the holes between as lost. */
  private flushHeld(): void {
    if (this.heldCount > 0) this.skipTo(this.maxHeldExt + 1);
  }

  /** Advances the expected sequence to `target`, emitting held packets and counting holes. */
  private skipTo(target: number): void {
    while (this.expectedExt < target) {
      if (this.heldCount === 0) {
        this.stats.lost += target - this.expectedExt;
        this.expectedExt = target;
        break;
      }
      const idx = this.expectedExt & this.mask;
      if (this.heldExt[idx] === this.expectedExt) this.sendHeld(idx);
      else this.stats.lost++;
      this.expectedExt++;
    }
    this.drainReady();
  }

  private drainReady(): void {
    while (this.heldCount > 0) {
      const idx = this.expectedExt & this.mask;
      if (this.heldExt[idx] !== this.expectedExt) return;
      this.sendHeld(idx);
      this.expectedExt++;
    }
  }

  private sendHeld(idx: number): void {
    const datagram = this.heldDatagram[idx]!;
    const ext = this.heldExt[idx]!;
    this.heldExt[idx] = -1;
    this.heldDatagram[idx] = undefined;
    this.heldCount--;
    this.send(ext, datagram, this.heldOffset[idx]!, this.heldLength[idx]!, this.heldTimestamp[idx]!, this.heldArrival[idx]!, this.heldPath[idx]!);
  }

  private send(ext: number, datagram: Buffer, offset: number, length: number, timestamp: number, arrival: number, path: number): void {
    const idx = ext & this.mask;
    this.sentExt[idx] = ext;
    this.sentTimestamp[idx] = timestamp;
    this.sentArrival[idx] = arrival;
    this.sentPath[idx] = path;
    this.stats.emitted++;
    this.stats.tsBytes += length;
    // A view, not a copy into a reused buffer: outputs queue chunks by reference (FanOut).
    this.emitTs(datagram.subarray(offset, offset + length));
  }

  private reject(p: MergePathCounters, reason: string): void {
    p.malformed++;
    this.stats.malformedReasons[reason] = (this.stats.malformedReasons[reason] ?? 0) + 1;
  }
}

function isWholeTs(buf: Buffer, offset: number, length: number): boolean {
  if (length === 0 || length % TS_PACKET_SIZE !== 0) return false;
  for (let i = offset; i < offset + length; i += TS_PACKET_SIZE) if (buf[i] !== TS_SYNC_BYTE) return false;
  return true;
}
