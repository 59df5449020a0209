/**
 * AMF0 (Adobe Action Message Format 0), the encoding of RTMP commands and FLV script data.
 * Only what a publisher needs: numbers, booleans, strings, objects, ECMA and strict arrays, null/undefined, dates.
 */
export type Amf0Value = number | boolean | string | null | undefined | Date | Amf0Value[] | Amf0Object;
export interface Amf0Object {
  [key: string]: Amf0Value;
}

const enum Marker {
  Number = 0x00,
  Boolean = 0x01,
  String = 0x02,
  Object = 0x03,
  Null = 0x05,
  Undefined = 0x06,
  EcmaArray = 0x08,
  ObjectEnd = 0x09,
  StrictArray = 0x0a,
  Date = 0x0b,
  LongString = 0x0c,
}

export class Amf0Error extends Error {}

/** Encodes values one after another, as in an RTMP command message. */
export function encodeAmf0(...values: Amf0Value[]): Buffer {
  const parts: Buffer[] = [];
  for (const value of values) encodeValue(value, parts);
  return Buffer.concat(parts);
}

function encodeValue(value: Amf0Value, parts: Buffer[]): void {
  if (value === null) parts.push(Buffer.of(Marker.Null));
  else if (value === undefined) parts.push(Buffer.of(Marker.Undefined));
  else if (typeof value === 'number') {
    const b = Buffer.alloc(9);
    b[0] = Marker.Number;
    b.writeDoubleBE(value, 1);
    parts.push(b);
  } else if (typeof value === 'boolean') parts.push(Buffer.of(Marker.Boolean, value ? 1 : 0));
  else if (typeof value === 'string') {
    const s = Buffer.from(value, 'utf8');
    if (s.length > 0xffff) {
      const h = Buffer.alloc(5);
      h[0] = Marker.LongString;
      h.writeUInt32BE(s.length, 1);
      parts.push(h, s);
    } else parts.push(Buffer.of(Marker.String), shortString(value));
  } else if (value instanceof Date) {
    const b = Buffer.alloc(11);
    b[0] = Marker.Date;
    b.writeDoubleBE(value.getTime(), 1);
    parts.push(b); // time zone: 0, as the spec asks
  } else if (Array.isArray(value)) {
    const h = Buffer.alloc(5);
    h[0] = Marker.StrictArray;
    h.writeUInt32BE(value.length, 1);
    parts.push(h);
    for (const item of value) encodeValue(item, parts);
  } else {
    parts.push(Buffer.of(Marker.Object));
    for (const [key, item] of Object.entries(value)) {
      parts.push(shortString(key));
      encodeValue(item, parts);
    }
    parts.push(Buffer.of(0, 0, Marker.ObjectEnd));
  }
}

/** An ECMA array (associative array with a count), the type FLV `onMetaData` uses. */
export function encodeAmf0EcmaArray(value: Amf0Object): Buffer {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(5);
  h[0] = Marker.EcmaArray;
  h.writeUInt32BE(Object.keys(value).length, 1);
  parts.push(h);
  for (const [key, item] of Object.entries(value)) {
    parts.push(shortString(key));
    encodeValue(item, parts);
  }
  parts.push(Buffer.of(0, 0, Marker.ObjectEnd));
  return Buffer.concat(parts);
}

function shortString(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  if (body.length > 0xffff) throw new Amf0Error(`AMF0 key or string of ${body.length} bytes is too long`);
  const h = Buffer.alloc(2);
  h.writeUInt16BE(body.length, 0);
  return Buffer.concat([h, body]);
}

/** Decodes every value of a buffer. Throws Amf0Error on truncated or unknown data (never reads out of bounds). */
export function decodeAmf0(buf: Buffer): Amf0Value[] {
  const reader = { buf, pos: 0, depth: 0 };
  const out: Amf0Value[] = [];
  while (reader.pos < buf.length) out.push(decodeValue(reader));
  return out;
}

interface Reader {
  buf: Buffer;
  pos: number;
  depth: number;
}

function need(r: Reader, n: number): void {
  if (r.pos + n > r.buf.length) throw new Amf0Error(`AMF0 truncated at byte ${r.pos} (needs ${n} more)`);
}

function readShortString(r: Reader): string {
  need(r, 2);
  const len = r.buf.readUInt16BE(r.pos);
  r.pos += 2;
  need(r, len);
  const s = r.buf.toString('utf8', r.pos, r.pos + len);
  r.pos += len;
  return s;
}

function readProperties(r: Reader): Amf0Object {
  const obj: Amf0Object = Object.create(null) as Amf0Object;
  for (;;) {
    const key = readShortString(r);
    need(r, 1);
    if (key === '' && r.buf[r.pos] === Marker.ObjectEnd) {
      r.pos += 1;
      return obj;
    }
    obj[key] = decodeValue(r);
  }
}

function decodeValue(r: Reader): Amf0Value {
  need(r, 1);
  const marker = r.buf[r.pos++]!;
  // A hostile server must not be able to blow the stack with nesting.
  if (++r.depth > 64) throw new Amf0Error('AMF0 nested deeper than 64 levels');
  try {
    switch (marker) {
      case Marker.Number:
        need(r, 8);
        r.pos += 8;
        return r.buf.readDoubleBE(r.pos - 8);
      case Marker.Boolean:
        need(r, 1);
        return r.buf[r.pos++] !== 0;
      case Marker.String:
        return readShortString(r);
      case Marker.LongString: {
        need(r, 4);
        const len = r.buf.readUInt32BE(r.pos);
        r.pos += 4;
        need(r, len);
        r.pos += len;
        return r.buf.toString('utf8', r.pos - len, r.pos);
      }
      case Marker.Object:
        return readProperties(r);
      case Marker.EcmaArray:
        need(r, 4);
        r.pos += 4; // the count is a hint; the end marker is what ends it
        return readProperties(r);
      case Marker.StrictArray: {
        need(r, 4);
        const count = r.buf.readUInt32BE(r.pos);
        r.pos += 4;
        const items: Amf0Value[] = [];
        for (let i = 0; i < count; i++) items.push(decodeValue(r));
        return items;
      }
      case Marker.Date:
        need(r, 10);
        r.pos += 10;
        return new Date(r.buf.readDoubleBE(r.pos - 10));
      case Marker.Null:
        return null;
      case Marker.Undefined:
        return undefined;
      default:
        throw new Amf0Error(`AMF0 type 0x${marker.toString(16)} at byte ${r.pos - 1} is not supported`);
    }
  } finally {
    r.depth -= 1;
  }
}
