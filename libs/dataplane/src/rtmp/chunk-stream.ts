/** RTMP message types (RTMP spec 1.0, §5.4 and §7.1). */
export const MSG = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  /** AMF3 data and command: a format byte (0: AMF0 follows) then, from the encoders we know, AMF0. */
  DataAmf3: 15,
  CommandAmf3: 17,
  DataAmf0: 18,
  CommandAmf0: 20,
} as const;

/** Chunk stream ids this client uses: protocol control, commands, data, audio, video. */
export const CSID = { Control: 2, Command: 3, Data: 5, Audio: 4, Video: 6 } as const;

export interface RtmpMessage {
  csid: number;
  type: number;
  streamId: number;
  timestamp: number;
  payload: Buffer;
}

export class RtmpProtocolError extends Error {}

const EXTENDED = 0xffffff;

/**
 * Splits messages into chunks. Every message starts with a type-0 header (absolute timestamp, so
 * a receiver never has to track deltas), continuations use type 3; timestamps ≥ 0xFFFFFF are
 * carried in the extended field, repeated in type-3 chunks as FFmpeg and librtmp do.
 */
export class ChunkWriter {
  private chunkSize = 128;

  get outChunkSize(): number {
    return this.chunkSize;
  }

  /** Chunks of one message, ready to write. The caller sends SetChunkSize itself before calling setChunkSize. */
  encode(message: RtmpMessage): Buffer[] {
    const { csid, payload } = message;
    const ts = message.timestamp >>> 0;
    const extended = ts >= EXTENDED;
    const first = Buffer.alloc(basicHeaderSize(csid) + 11 + (extended ? 4 : 0));
    let p = writeBasicHeader(first, 0, 0, csid);
    first.writeUIntBE(extended ? EXTENDED : ts, p, 3);
    first.writeUIntBE(payload.length, p + 3, 3);
    first[p + 6] = message.type;
    first.writeUInt32LE(message.streamId, p + 7); // the only little-endian field of RTMP
    p += 11;
    if (extended) first.writeUInt32BE(ts, p);
    const out: Buffer[] = [first, payload.subarray(0, this.chunkSize)];
    for (let offset = this.chunkSize; offset < payload.length; offset += this.chunkSize) {
      const cont = Buffer.alloc(basicHeaderSize(csid) + (extended ? 4 : 0));
      const q = writeBasicHeader(cont, 0, 3, csid);
      if (extended) cont.writeUInt32BE(ts, q);
      out.push(cont, payload.subarray(offset, offset + this.chunkSize));
    }
    return out;
  }

  setChunkSize(size: number): void {
    if (!Number.isInteger(size) || size < 1 || size > 0x7fffffff) throw new RangeError(`chunk size ${size}`);
    this.chunkSize = size;
  }
}

function basicHeaderSize(csid: number): number {
  if (csid < 2 || csid > 65599) throw new RangeError(`chunk stream id ${csid}`);
  return csid < 64 ? 1 : csid < 320 ? 2 : 3;
}

function writeBasicHeader(buf: Buffer, pos: number, fmt: number, csid: number): number {
  if (csid < 64) {
    buf[pos] = (fmt << 6) | csid;
    return pos + 1;
  }
  if (csid < 320) {
    buf[pos] = fmt << 6;
    buf[pos + 1] = csid - 64;
    return pos + 2;
  }
  buf[pos] = (fmt << 6) | 1;
  buf.writeUInt16LE(csid - 64, pos + 1);
  return pos + 3;
}

interface InStream {
  timestamp: number;
  delta: number;
  length: number;
  type: number;
  streamId: number;
  extended: boolean;
  parts: Buffer[];
  received: number;
}

export interface ChunkReaderLimits {
  /** Largest message accepted (default 4 MiB: commands and pings from a server are small). */
  maxMessageBytes?: number;
  /** Largest chunk size the peer may set (default 16 MiB, the largest message length a header can carry). */
  maxChunkSize?: number;
  /** Chunk streams the peer may use at once (default 64; a publisher uses about five). */
  maxChunkStreams?: number;
  /** Bytes of unfinished messages held over all chunk streams (default 2 × maxMessageBytes). */
  maxPendingBytes?: number;
}

/**
 * Reassembles chunks into messages: all four header formats, extended timestamps, SetChunkSize
 * and Abort handled here. Truncated input waits for more bytes; nothing a peer sends makes it
 * hold more than the limits (RtmpProtocolError instead), and bytes are copied once per chunk.
 */
export class ChunkReader {
  private chunkSize = 128;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the next chunk needs before parsing is worth trying again. */
  private wanted = 1;
  private heldBytes = 0;
  private readonly streams = new Map<number, InStream>();
  private maxMessageBytes = 0;
  private maxChunkSize = 0;
  private maxChunkStreams = 0;
  private maxPendingBytes = 0;
  /** Every byte received, for acknowledgements. */
  bytesReceived = 0;

  constructor(limits: ChunkReaderLimits = {}) {
    this.setLimits(limits);
  }

  /** Changes the limits from the next chunk on (a server raises them once the peer is known). */
  setLimits(limits: ChunkReaderLimits): void {
    this.maxMessageBytes = limits.maxMessageBytes ?? 4 * 1024 * 1024;
    this.maxChunkSize = limits.maxChunkSize ?? 0xffffff;
    this.maxChunkStreams = limits.maxChunkStreams ?? 64;
    this.maxPendingBytes = limits.maxPendingBytes ?? 2 * this.maxMessageBytes;
  }

  /** The peer's chunk size (its SetChunkSize). */
  get inChunkSize(): number {
    return this.chunkSize;
  }

  /** Bytes held: unparsed input plus unfinished messages. */
  get bufferedBytes(): number {
    return this.pendingBytes + this.heldBytes;
  }

  push(chunk: Buffer): RtmpMessage[] {
    this.bytesReceived += chunk.length;
    if (chunk.length === 0) return [];
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // A chunk split over many reads is joined once, when it is complete, not on every read.
    if (this.pendingBytes < this.wanted) return [];
    let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    const messages: RtmpMessage[] = [];
    for (;;) {
      const consumed = this.readChunk(buf, messages);
      if (consumed === 0) break;
      buf = buf.subarray(consumed);
    }
    this.pending = buf.length > 0 ? [buf] : [];
    this.pendingBytes = buf.length;
    return messages;
  }

  /** Bytes of one chunk if complete (message appended when it completes a message), else 0. */
  private readChunk(b: Buffer, messages: RtmpMessage[]): number {
    this.wanted = 1;
    if (b.length < 1) return 0;
    const fmt = b[0]! >> 6;
    let csid = b[0]! & 0x3f;
    let p = 1;
    if (csid === 0) {
      if (b.length < 2) return this.want(2);
      csid = b[1]! + 64;
      p = 2;
    } else if (csid === 1) {
      if (b.length < 3) return this.want(3);
      csid = b.readUInt16LE(1) + 64;
      p = 3;
    }
    const headerLen = [11, 7, 3, 0][fmt]!;
    if (b.length < p + headerLen) return this.want(p + headerLen);
    const prev = this.streams.get(csid);
    if (fmt !== 0 && !prev) throw new RtmpProtocolError(`chunk of format ${fmt} on chunk stream ${csid} with no previous header`);
    if (!prev && this.streams.size >= this.maxChunkStreams) throw new RtmpProtocolError(`more than ${this.maxChunkStreams} chunk streams`);
    const s: InStream = prev ?? { timestamp: 0, delta: 0, length: 0, type: 0, streamId: 0, extended: false, parts: [], received: 0 };
    const startsMessage = s.received === 0;
    let tsField = 0;
    if (fmt <= 2) tsField = b.readUIntBE(p, 3);
    const extended = fmt <= 2 ? tsField === EXTENDED : s.extended;
    const need = p + headerLen + (extended ? 4 : 0);
    if (b.length < need) return this.want(need);
    const ext = extended ? b.readUInt32BE(p + headerLen) : 0;
    const size = fmt <= 1 ? b.readUIntBE(p + 3, 3) : s.length;
    if (size > this.maxMessageBytes) throw new RtmpProtocolError(`message of ${size} bytes (at most ${this.maxMessageBytes} accepted)`);
    if (fmt <= 1 && !startsMessage && size !== s.length) throw new RtmpProtocolError(`new header on chunk stream ${csid} in the middle of a message`);
    const chunkLen = Math.min(this.chunkSize, size - (startsMessage ? 0 : s.received));
    if (b.length < need + chunkLen) return this.want(need + chunkLen);
    if (this.heldBytes + chunkLen > this.maxPendingBytes) throw new RtmpProtocolError(`more than ${this.maxPendingBytes} bytes of unfinished messages`);

    // Commit the header only once the whole chunk is here.
    if (fmt <= 1) {
      s.length = size;
      s.type = b[p + 6]!;
    }
    if (fmt === 0) s.streamId = b.readUInt32LE(p + 7);
    if (fmt <= 2) s.extended = extended;
    if (startsMessage) {
      const value = extended ? ext : tsField;
      if (fmt === 0) {
        s.timestamp = value;
        s.delta = 0;
      } else if (fmt <= 2) {
        s.delta = value;
        s.timestamp = (s.timestamp + value) >>> 0;
      } else s.timestamp = (s.timestamp + s.delta) >>> 0;
    }
    this.streams.set(csid, s);
    s.parts.push(b.subarray(need, need + chunkLen));
    s.received += chunkLen;
    this.heldBytes += chunkLen;
    if (s.received >= s.length) {
      const payload = s.parts.length === 1 ? Buffer.from(s.parts[0]!) : Buffer.concat(s.parts);
      this.heldBytes -= s.received;
      s.parts = [];
      s.received = 0;
      this.onMessage({ csid, type: s.type, streamId: s.streamId, timestamp: s.timestamp, payload }, messages);
    }
    return need + chunkLen;
  }

  private want(bytes: number): 0 {
    this.wanted = bytes;
    return 0;
  }

  private onMessage(message: RtmpMessage, messages: RtmpMessage[]): void {
    if (message.type === MSG.SetChunkSize && message.payload.length >= 4) {
      const size = message.payload.readUInt32BE(0) & 0x7fffffff;
      if (size < 1) throw new RtmpProtocolError('peer set chunk size 0');
      if (size > this.maxChunkSize) throw new RtmpProtocolError(`peer set chunk size ${size} (at most ${this.maxChunkSize} accepted)`);
      this.chunkSize = size;
    } else if (message.type === MSG.Abort && message.payload.length >= 4) {
      const s = this.streams.get(message.payload.readUInt32BE(0));
      if (s) {
        this.heldBytes -= s.received;
        s.parts = [];
        s.received = 0;
      }
      return;
    }
    messages.push(message);
  }
}

/** Protocol control and user control payloads. */
export const control = {
  uint32(value: number): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value >>> 0, 0);
    return b;
  },
  windowAckSize(size: number): RtmpMessage {
    return { csid: CSID.Control, type: MSG.WindowAckSize, streamId: 0, timestamp: 0, payload: control.uint32(size) };
  },
  setChunkSize(size: number): RtmpMessage {
    return { csid: CSID.Control, type: MSG.SetChunkSize, streamId: 0, timestamp: 0, payload: control.uint32(size) };
  },
  /** Limit type 2 (dynamic), as nginx-rtmp and FMS send it. */
  setPeerBandwidth(size: number): RtmpMessage {
    const payload = Buffer.alloc(5);
    payload.writeUInt32BE(size >>> 0, 0);
    payload[4] = 2;
    return { csid: CSID.Control, type: MSG.SetPeerBandwidth, streamId: 0, timestamp: 0, payload };
  },
  /** User control event 0 (StreamBegin): the stream is ready for its commands. */
  streamBegin(streamId: number): RtmpMessage {
    const payload = Buffer.alloc(6);
    payload.writeUInt16BE(0, 0);
    payload.writeUInt32BE(streamId >>> 0, 2);
    return { csid: CSID.Control, type: MSG.UserControl, streamId: 0, timestamp: 0, payload };
  },
  acknowledgement(sequence: number): RtmpMessage {
    return { csid: CSID.Control, type: MSG.Acknowledgement, streamId: 0, timestamp: 0, payload: control.uint32(sequence) };
  },
  /** User control event 7 (PingResponse) echoing the server's PingRequest timestamp. */
  pingResponse(timestamp: number): RtmpMessage {
    const payload = Buffer.alloc(6);
    payload.writeUInt16BE(7, 0);
    payload.writeUInt32BE(timestamp >>> 0, 2);
    return { csid: CSID.Control, type: MSG.UserControl, streamId: 0, timestamp: 0, payload };
  },
};
