/** One FLV tag: its type (8 audio, 9 video, 18 script data), timestamp in ms and body. */
export interface FlvTag {
  type: number;
  timestamp: number;
  data: Buffer;
}

export const FLV_AUDIO = 8;
export const FLV_VIDEO = 9;
export const FLV_SCRIPT = 18;

export class FlvFormatError extends Error {}

/** Larger than any tag FFmpeg writes for a live stream; a bigger size means we lost sync. */
const MAX_TAG_BYTES = 8 * 1024 * 1024;

/**
 * Streaming FLV parser: push() bytes as they arrive, in pieces of any size, and get whole tags back.
 * Bytes are copied only when a tag straddles pushes.
 */
export class FlvTagReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private headerDone = false;

  /** Bytes held until the rest of a tag arrives. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  push(chunk: Buffer): FlvTag[] {
    if (chunk.length === 0) return [];
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const tags: FlvTag[] = [];
    let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    let pos = 0;
    if (!this.headerDone) {
      if (buf.length < 9) return this.keep(buf, 0, tags);
      if (buf.toString('latin1', 0, 3) !== 'FLV') throw new FlvFormatError('not an FLV stream (no "FLV" signature)');
      const headerSize = buf.readUInt32BE(5);
      if (headerSize < 9 || headerSize > 1024) throw new FlvFormatError(`FLV header size ${headerSize} is not plausible`);
      if (buf.length < headerSize + 4) return this.keep(buf, 0, tags);
      pos = headerSize + 4; // the header, then PreviousTagSize0
      this.headerDone = true;
    }
    while (buf.length - pos >= 11) {
      const type = buf[pos]! & 0x1f;
      const size = buf.readUIntBE(pos + 1, 3);
      if (size > MAX_TAG_BYTES) throw new FlvFormatError(`FLV tag of ${size} bytes at a tag boundary: stream out of sync`);
      const end = pos + 11 + size + 4;
      if (buf.length < end) break;
      // 24 bits of timestamp, then the upper 8 bits (TimestampExtended).
      const timestamp = (buf.readUIntBE(pos + 4, 3) | (buf[pos + 7]! << 24)) >>> 0;
      tags.push({ type, timestamp, data: buf.subarray(pos + 11, pos + 11 + size) });
      pos = end;
    }
    buf = buf.subarray(pos);
    return this.keep(buf, 0, tags);
  }

  private keep(buf: Buffer, from: number, tags: FlvTag[]): FlvTag[] {
    const rest = buf.subarray(from);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return tags;
  }
}

/** The 9-byte FLV header with its flags, then PreviousTagSize0. */
export function flvHeader(hasAudio = true, hasVideo = true): Buffer {
  return Buffer.from([0x46, 0x4c, 0x56, 1, (hasAudio ? 4 : 0) | (hasVideo ? 1 : 0), 0, 0, 0, 9, 0, 0, 0, 0]);
}

/** One tag with its trailing PreviousTagSize, in one buffer. */
export function encodeFlvTag(tag: FlvTag): Buffer {
  const out = Buffer.allocUnsafe(11 + tag.data.length + 4);
  out[0] = tag.type;
  out.writeUIntBE(tag.data.length, 1, 3);
  out.writeUIntBE(tag.timestamp & 0xffffff, 4, 3);
  out[7] = (tag.timestamp >>> 24) & 0xff;
  out.writeUIntBE(0, 8, 3); // StreamID, always 0
  tag.data.copy(out, 11);
  out.writeUInt32BE(11 + tag.data.length, 11 + tag.data.length);
  return out;
}

/** An FLV file of the given tags (for tests and tools): header with audio+video flags, then the tags. */
export function writeFlv(tags: readonly FlvTag[]): Buffer {
  return Buffer.concat([flvHeader(), ...tags.map(encodeFlvTag)]);
}
