// Restores RTP sequence order over a small window without touching payload bytes.
// Internally sequences are "extended" (unwrapped, monotonic) so 16-bit wrap-around and
// window slots never collide, whatever the window size.

export type RtpPayloadHandler = (payload: Buffer, sequence: number) => void;

export interface RtpReorderOptions {
  onPayload: RtpPayloadHandler;
  /** Packets held ahead of a gap at most; a packet further ahead forces the gap to be given up. Default 32. */
  windowPackets?: number;
  /** A gap is given up once the first packet behind it has waited this long (needs `nowMs`). Off by default. */
  maxDelayMs?: number;
  /** A sequence jump this large (either way) means the sender restarted: resync instead of counting loss. Default 1000. */
  resyncThreshold?: number;
}

export interface RtpReorderStats {
  received: number;
  emitted: number;
  /** Sequence numbers never emitted: window overflow, timeout, or flush with a gap. */
  lost: number;
  duplicates: number;
  /** Arrived after a later packet but in time to be emitted in order. */
  reordered: number;
  /** Arrived after its gap had been given up; dropped. */
  late: number;
  /** Restarts of sequence tracking (large jump or SSRC change). */
  resyncs: number;
  ssrcChanges: number;
}

export class RtpReorderBuffer {
  readonly stats: RtpReorderStats = {
    received: 0,
    emitted: 0,
    lost: 0,
    duplicates: 0,
    reordered: 0,
    late: 0,
    resyncs: 0,
    ssrcChanges: 0,
  };
  private readonly onPayload: RtpPayloadHandler;
  private readonly window: number;
  private readonly maxDelayMs: number;
  private readonly resyncThreshold: number;
  private readonly slotExt: Float64Array;
  private readonly slotArrival: Float64Array;
  private readonly slotPayload: (Buffer | undefined)[];
  /** Extended sequence last emitted from each slot: tells a duplicate from a late packet. */
  private readonly emittedExt: Float64Array;
  private started = false;
  private ssrc = 0;
  private expectedExt = 0;
  private maxHeldExt = -1;
  private heldCount = 0;
  private consecutiveOld = 0;

  constructor(opts: RtpReorderOptions) {
    this.onPayload = opts.onPayload;
    this.window = Math.max(1, Math.floor(opts.windowPackets ?? 32));
    this.maxDelayMs = opts.maxDelayMs ?? Number.POSITIVE_INFINITY;
    this.resyncThreshold = Math.max(this.window + 1, opts.resyncThreshold ?? 1000);
    if (this.resyncThreshold > 0x8000) throw new RangeError('resyncThreshold must be at most 32768');
    this.slotExt = new Float64Array(this.window).fill(-1);
    this.slotArrival = new Float64Array(this.window);
    this.slotPayload = new Array<Buffer | undefined>(this.window).fill(undefined);
    this.emittedExt = new Float64Array(this.window).fill(-1);
  }

  /** Packets currently held back waiting for a gap to fill. */
  get held(): number {
    return this.heldCount;
  }

  /** Next sequence number due, or -1 before the first packet. */
  get expectedSequence(): number {
    return this.started ? this.expectedExt % 0x10000 : -1;
  }

  /**
   * Feeds one packet's payload. The Buffer is emitted as given (never copied), possibly
   * later, so it must not be reused by the caller while held.
   */
  push(sequence: number, ssrc: number, payload: Buffer, nowMs = Number.NaN): void {
    this.stats.received++;
    if (!this.started) {
      this.started = true;
      this.ssrc = ssrc;
      this.expectedExt = sequence & 0xffff;
    } else if (ssrc !== this.ssrc) {
      this.stats.ssrcChanges++;
      this.resync(sequence, ssrc);
    }

    let d = (sequence - this.expectedExt) & 0xffff;
    if (d >= 0x8000) d -= 0x10000;
    if (d < 0) {
      // A sender that restarted a little behind would otherwise look "late" forever.
      if (d > -this.resyncThreshold && this.consecutiveOld < this.window) {
        this.consecutiveOld++;
        const ext = this.expectedExt + d;
        if (ext >= 0 && this.emittedExt[ext % this.window] === ext) this.stats.duplicates++;
        else this.stats.late++;
        return;
      }
      this.resync(sequence, ssrc);
      d = 0;
    } else if (d >= this.resyncThreshold) {
      this.resync(sequence, ssrc);
      d = 0;
    }
    this.consecutiveOld = 0;

    const ext = this.expectedExt + d;
    if (d >= this.window) this.skipTo(ext - this.window + 1);
    if (ext === this.expectedExt) {
      if (this.heldCount > 0) this.stats.reordered++;
      this.emit(ext, payload);
      this.expectedExt++;
      if (this.heldCount > 0) this.drainReady();
    } else {
      const idx = ext % this.window;
      if (this.slotExt[idx] === ext) {
        this.stats.duplicates++;
        return;
      }
      if (ext < this.maxHeldExt) this.stats.reordered++;
      this.slotExt[idx] = ext;
      this.slotPayload[idx] = payload;
      this.slotArrival[idx] = nowMs;
      this.heldCount++;
      if (ext > this.maxHeldExt) this.maxHeldExt = ext;
    }
    if (this.heldCount > 0 && !Number.isNaN(nowMs)) this.tick(nowMs);
  }

  /** Gives up gaps whose first waiting packet is older than `maxDelayMs`; call from a timer too. */
  tick(nowMs: number): void {
    while (this.heldCount > 0) {
      let ext = this.expectedExt + 1;
      while (this.slotExt[ext % this.window] !== ext) ext++;
      const arrival = this.slotArrival[ext % this.window]!;
      if (!(nowMs - arrival >= this.maxDelayMs)) return;
      this.skipTo(ext);
    }
  }

  /** Emits everything held, counting the gaps between as lost (end of stream, shutdown). */
  flush(): void {
    if (this.heldCount > 0) this.skipTo(this.maxHeldExt + 1);
  }

  private resync(sequence: number, ssrc: number): void {
    this.flush();
    this.stats.resyncs++;
    this.ssrc = ssrc;
    // Jump forward to the new sequence so extended numbers stay monotonic.
    this.expectedExt += (sequence - this.expectedExt) & 0xffff;
    this.consecutiveOld = 0;
  }

  /** Advances the expected sequence to `target`, emitting held packets and counting holes. */
  private skipTo(target: number): void {
    if (this.heldCount === 0) {
      this.stats.lost += target - this.expectedExt;
      this.expectedExt = target;
      return;
    }
    while (this.expectedExt < target) {
      const idx = this.expectedExt % this.window;
      if (this.slotExt[idx] === this.expectedExt) this.emitSlot(idx);
      else this.stats.lost++;
      this.expectedExt++;
      if (this.heldCount === 0 && this.expectedExt < target) {
        this.stats.lost += target - this.expectedExt;
        this.expectedExt = target;
      }
    }
    this.drainReady();
  }

  private drainReady(): void {
    for (;;) {
      const idx = this.expectedExt % this.window;
      if (this.heldCount === 0 || this.slotExt[idx] !== this.expectedExt) return;
      this.emitSlot(idx);
      this.expectedExt++;
    }
  }

  private emitSlot(idx: number): void {
    const payload = this.slotPayload[idx]!;
    const ext = this.slotExt[idx]!;
    this.slotExt[idx] = -1;
    this.slotPayload[idx] = undefined;
    this.heldCount--;
    this.emit(ext, payload);
  }

  private emit(ext: number, payload: Buffer): void {
    this.emittedExt[ext % this.window] = ext;
    this.stats.emitted++;
    this.onPayload(payload, ext % 0x10000);
  }
}
