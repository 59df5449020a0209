// A reader for what an RTMP publisher sends, written for the tests and independent of the service's
// own RTMP code: FLV files (nginx-rtmp's recordings), the client side of an RTMP session (captured
// by a TCP tap) turned into the same tags, and enough AMF0 to read script data.
import { createServer, connect, type Server } from 'node:net';

export interface FlvTagRecord {
  type: number;
  /** ms */
  timestamp: number;
  data: Buffer;
}

/** Tags of an FLV file (header and back-pointers skipped); a truncated last tag is dropped. */
export function readFlvFile(buf: Buffer): FlvTagRecord[] {
  if (buf.toString('latin1', 0, 3) !== 'FLV') throw new Error('not an FLV file');
  const tags: FlvTagRecord[] = [];
  let p = buf.readUInt32BE(5) + 4;
  while (p + 11 <= buf.length) {
    const size = buf.readUIntBE(p + 1, 3);
    if (p + 11 + size > buf.length) break;
    const timestamp = buf.readUIntBE(p + 4, 3) + buf[p + 7]! * 2 ** 24;
    tags.push({ type: buf[p]! & 0x1f, timestamp, data: buf.subarray(p + 11, p + 11 + size) });
    p += 11 + size + 4;
  }
  return tags;
}

/**
 * The messages a client sent in an RTMP session (bytes client → server, handshake included), as
 * FLV-like tags: audio 8, video 9, AMF0 data 18, commands 20. Follows SetChunkSize and all four chunk header types.
 */
export function readRtmpClientStream(buf: Buffer): FlvTagRecord[] {
  let p = 1 + 1536 + 1536; // C0, C1, C2
  let chunkSize = 128;
  const streams = new Map<number, { timestamp: number; delta: number; length: number; type: number; extended: boolean; parts: Buffer[]; got: number }>();
  const out: FlvTagRecord[] = [];
  while (p < buf.length) {
    const start = p;
    const fmt = buf[p]! >> 6;
    let csid = buf[p]! & 0x3f;
    p += 1;
    if (csid === 0) csid = 64 + buf[p++]!;
    else if (csid === 1) {
      csid = 64 + buf[p]! + buf[p + 1]! * 256;
      p += 2;
    }
    const s = streams.get(csid) ?? { timestamp: 0, delta: 0, length: 0, type: 0, extended: false, parts: [], got: 0 };
    streams.set(csid, s);
    const newMessage = s.got === 0;
    if (fmt <= 2) {
      if (p + [11, 7, 3][fmt]! > buf.length) break;
      let ts = buf.readUIntBE(p, 3);
      if (fmt <= 1) {
        s.length = buf.readUIntBE(p + 3, 3);
        s.type = buf[p + 6]!;
      }
      p += [11, 7, 3][fmt]!;
      s.extended = ts === 0xffffff;
      if (s.extended) {
        ts = buf.readUInt32BE(p);
        p += 4;
      }
      if (fmt === 0) s.timestamp = ts;
      else {
        s.delta = ts;
        s.timestamp += ts;
      }
    } else {
      if (s.extended) p += 4;
      if (newMessage) s.timestamp += s.delta;
    }
    const n = Math.min(chunkSize, s.length - s.got);
    if (p + n > buf.length) {
      p = start;
      break;
    }
    s.parts.push(buf.subarray(p, p + n));
    s.got += n;
    p += n;
    if (s.got < s.length) continue;
    const payload = Buffer.concat(s.parts);
    s.parts = [];
    s.got = 0;
    if (s.type === 1) chunkSize = payload.readUInt32BE(0) & 0x7fffffff;
    else out.push({ type: s.type, timestamp: s.timestamp, data: payload });
  }
  return out;
}

/** Keyframe flag and presentation time (DTS + AVC composition time) of a video tag with a frame. */
export function videoFrame(tag: FlvTagRecord): { keyframe: boolean; ptsMs: number } | undefined {
  if (tag.type !== 9 || tag.data.length < 5 || (tag.data[0]! & 0x0f) !== 7 || tag.data[1] !== 1) return undefined;
  return { keyframe: tag.data[0]! >> 4 === 1, ptsMs: tag.timestamp + tag.data.readIntBE(2, 3) };
}

export type Amf0 = number | boolean | string | null | undefined | Amf0[] | { [key: string]: Amf0 };

/** AMF0 values one after another (number, boolean, string, object, null, undefined, ECMA and strict array). */
export function readAmf0(buf: Buffer): Amf0[] {
  let p = 0;
  const str = (): string => {
    const n = buf.readUInt16BE(p);
    p += 2;
    return buf.toString('utf8', p, (p += n));
  };
  const props = (): { [key: string]: Amf0 } => {
    const o: { [key: string]: Amf0 } = {};
    for (;;) {
      const k = str();
      if (k === '' && buf[p] === 0x09) {
        p += 1;
        return o;
      }
      o[k] = value();
    }
  };
  const value = (): Amf0 => {
    const marker = buf[p++];
    switch (marker) {
      case 0x00:
        return buf.readDoubleBE((p += 8) - 8);
      case 0x01:
        return buf[p++] !== 0;
      case 0x02:
        return str();
      case 0x03:
        return props();
      case 0x05:
        return null;
      case 0x06:
        return undefined;
      case 0x08:
        p += 4;
        return props();
      case 0x0a: {
        const n = buf.readUInt32BE(p);
        p += 4;
        return Array.from({ length: n }, value);
      }
      default:
        throw new Error(`AMF0 marker ${marker} at ${p - 1}`);
    }
  };
  const values: Amf0[] = [];
  while (p < buf.length) values.push(value());
  return values;
}

/** A TCP tap in front of a server: forwards both ways and keeps what each client sent. */
export interface TcpTap {
  port: number;
  /** Bytes client → server, one buffer per connection so far. */
  sessions(): Buffer[];
  close(): Promise<void>;
}

export async function startTcpTap(upstreamPort: number): Promise<TcpTap> {
  const sessions: Buffer[][] = [];
  const server: Server = createServer((client) => {
    const got: Buffer[] = [];
    sessions.push(got);
    const upstream = connect({ host: '127.0.0.1', port: upstreamPort });
    client.on('data', (d: Buffer) => {
      got.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    sessions: () => sessions.map((s) => Buffer.concat(s)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
