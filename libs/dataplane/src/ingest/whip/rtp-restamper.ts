/**
 * One RTP stream (video or audio) as the remux sees it, whatever publisher session it came from:
 * a fixed SSRC and payload type, sequence numbers that run on, and timestamps that continue after
 * a republish by the wall-clock time nobody published (the RTP counterpart of the RTMP input's
 * ContinuousTimeline, ADR 0010). The FFmpeg behind it keeps running, so outputs never see the
 * stream restart; losses inside a session stay visible as sequence gaps.
 */
export class RtpRestamper {
  private seqOffset = 0;
  private tsOffset = 0;
  private lastSeq = -1;
  private lastTs = 0;
  private lastAt: number | null = null;
  private sessionOpen = false;
  private sessionsValue = 0;

  constructor(
    /** Ticks per second of the stream (90000 video, 48000 Opus). */
    readonly clockRate: number,
    readonly ssrc: number,
    readonly payloadType: number,
  ) {}

  get sessions(): number {
    return this.sessionsValue;
  }

  /** A new publisher session: its first packet is placed after the last one written. */
  startSession(): void {
    this.sessionOpen = false;
  }

  /**
   * Rewrites `packet` (a whole RTP packet) into a new buffer: fixed header (no CSRC, no extensions:
   * the remux needs none), this stream's SSRC and payload type, continuous sequence and timestamp.
   * Returns null for a packet that is not RTP.
   */
  rewrite(packet: Uint8Array, arrivedAt: number): Buffer | null {
    const payload = rtpPayload(packet);
    if (!payload) return null;
    const seq = (packet[2]! << 8) | packet[3]!;
    const ts = ((packet[4]! << 24) | (packet[5]! << 16) | (packet[6]! << 8) | packet[7]!) >>> 0;
    return this.rewriteParts(seq, ts, (packet[1]! & 0x80) !== 0, payload, arrivedAt);
  }

  /** The same from a packet already parsed (the WebRTC stack hands header fields and payload). */
  rewriteParts(seq: number, ts: number, marker: boolean, payload: Uint8Array, arrivedAt: number): Buffer {
    if (!this.sessionOpen) this.open(seq, ts, arrivedAt);
    const outSeq = (seq + this.seqOffset) & 0xffff;
    const outTs = (ts + this.tsOffset) >>> 0;
    // Only packets in order move the join point (a retransmission of an old one must not).
    if (this.lastSeq < 0 || ((outSeq - this.lastSeq) & 0xffff) < 0x8000) {
      this.lastSeq = outSeq;
      this.lastTs = outTs;
      this.lastAt = arrivedAt;
    }
    const out = Buffer.allocUnsafe(12 + payload.length);
    out[0] = 0x80;
    out[1] = (marker ? 0x80 : 0) | this.payloadType;
    out.writeUInt16BE(outSeq, 2);
    out.writeUInt32BE(outTs, 4);
    out.writeUInt32BE(this.ssrc, 8);
    out.set(payload, 12);
    return out;
  }

  private open(seq: number, ts: number, arrivedAt: number): void {
    this.sessionOpen = true;
    this.sessionsValue += 1;
    if (this.lastAt === null) {
      this.seqOffset = 0;
      this.tsOffset = 0;
      return;
    }
    // At least one tick later: timestamps must not repeat across the join.
    const gap = Math.max(1, Math.round(((arrivedAt - this.lastAt) * this.clockRate) / 1000));
    this.seqOffset = (this.lastSeq + 1 - seq) & 0xffff;
    this.tsOffset = (this.lastTs + gap - ts) >>> 0;
  }
}

/** The payload of an RTP packet (after CSRCs, extension and before padding); null if it is not RTP v2. */
export function rtpPayload(packet: Uint8Array): Uint8Array | null {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return null;
  let start = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) {
    if (packet.length < start + 4) return null;
    start += 4 + ((packet[start + 2]! << 8) | packet[start + 3]!) * 4;
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[end - 1]!;
  return end >= start ? packet.subarray(start, end) : null;
}

/** NAL unit types an H.264 RTP payload (RFC 6184: single NAL, STAP-A, FU-A start) begins or carries. */
export function h264PayloadNals(payload: Uint8Array): { types: number[]; sps: Uint8Array | null } {
  if (payload.length === 0) return { types: [], sps: null };
  const type = payload[0]! & 0x1f;
  if (type >= 1 && type <= 23) return { types: [type], sps: type === 7 ? payload : null };
  if (type === 24) {
    const types: number[] = [];
    let sps: Uint8Array | null = null;
    for (let off = 1; off + 2 < payload.length; ) {
      const size = (payload[off]! << 8) | payload[off + 1]!;
      const nal = payload.subarray(off + 2, off + 2 + size);
      if (nal.length === 0) break;
      types.push(nal[0]! & 0x1f);
      if ((nal[0]! & 0x1f) === 7) sps = nal;
      off += 2 + size;
    }
    return { types, sps };
  }
  // FU-A: the type of the fragmented NAL, on its first fragment only.
  if (type === 28 && payload.length > 1 && payload[1]! & 0x80) return { types: [payload[1]! & 0x1f], sps: null };
  return { types: [], sps: null };
}
