// RTP fixed header (RFC 3550 §5.1) as MediaLive sends it: MP2T payload (RFC 2250, PT 33),
// usually 7 TS packets per datagram.

export const RTP_VERSION = 2;
export const RTP_HEADER_SIZE = 12;
export const RTP_PAYLOAD_TYPE_MP2T = 33;
export const RTP_CLOCK_HZ_MP2T = 90_000;

export type RtpParseError = 'too_short' | 'bad_version' | 'bad_padding' | 'bad_extension_length';

export interface RtpHeader {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** Header extension profile (the 16 "defined by profile" bits), -1 when there is none. */
  extensionProfile: number;
  /** Offset and byte length of the header extension data (after its 4-byte preamble). */
  extensionOffset: number;
  extensionLength: number;
  paddingLength: number;
  payloadOffset: number;
  payloadLength: number;
}

export type RtpParseResult = { ok: true; header: RtpHeader } | { ok: false; reason: RtpParseError };

export function emptyRtpHeader(): RtpHeader {
  return {
    version: 0,
    padding: false,
    extension: false,
    csrcCount: 0,
    marker: false,
    payloadType: 0,
    sequence: 0,
    timestamp: 0,
    ssrc: 0,
    extensionProfile: -1,
    extensionOffset: 0,
    extensionLength: 0,
    paddingLength: 0,
    payloadOffset: 0,
    payloadLength: 0,
  };
}

/**
 * Hot-path form: fills `out` (reuse one object per socket) and returns null, or returns why
 * the datagram is not RTP. Never throws, whatever the bytes.
 */
export function readRtpHeader(buf: Uint8Array, out: RtpHeader): RtpParseError | null {
  const len = buf.length;
  if (len < RTP_HEADER_SIZE) return 'too_short';
  const b0 = buf[0]!;
  const version = b0 >> 6;
  if (version !== RTP_VERSION) return 'bad_version';
  const csrcCount = b0 & 0x0f;
  let pos = RTP_HEADER_SIZE + csrcCount * 4;
  if (pos > len) return 'too_short';

  let extensionProfile = -1;
  let extensionOffset = 0;
  let extensionLength = 0;
  const extension = (b0 & 0x10) !== 0;
  if (extension) {
    if (pos + 4 > len) return 'bad_extension_length';
    extensionProfile = (buf[pos]! << 8) | buf[pos + 1]!;
    extensionLength = ((buf[pos + 2]! << 8) | buf[pos + 3]!) * 4;
    extensionOffset = pos + 4;
    pos = extensionOffset + extensionLength;
    if (pos > len) return 'bad_extension_length';
  }

  let paddingLength = 0;
  const padding = (b0 & 0x20) !== 0;
  if (padding) {
    // The count includes the count byte itself, so zero is as invalid as overrunning the header.
    paddingLength = buf[len - 1]!;
    if (paddingLength === 0 || pos + paddingLength > len) return 'bad_padding';
  }

  out.version = version;
  out.padding = padding;
  out.extension = extension;
  out.csrcCount = csrcCount;
  out.marker = (buf[1]! & 0x80) !== 0;
  out.payloadType = buf[1]! & 0x7f;
  out.sequence = (buf[2]! << 8) | buf[3]!;
  out.timestamp = ((buf[4]! << 24) | (buf[5]! << 16) | (buf[6]! << 8) | buf[7]!) >>> 0;
  out.ssrc = ((buf[8]! << 24) | (buf[9]! << 16) | (buf[10]! << 8) | buf[11]!) >>> 0;
  out.extensionProfile = extensionProfile;
  out.extensionOffset = extensionOffset;
  out.extensionLength = extensionLength;
  out.paddingLength = paddingLength;
  out.payloadOffset = pos;
  out.payloadLength = len - pos - paddingLength;
  return null;
}

/** Convenience form of {@link readRtpHeader} that allocates the result. */
export function parseRtpHeader(buf: Uint8Array): RtpParseResult {
  const header = emptyRtpHeader();
  const reason = readRtpHeader(buf, header);
  return reason === null ? { ok: true, header } : { ok: false, reason };
}

/** CSRC identifiers of a header parsed from `buf`. */
export function readRtpCsrcs(buf: Uint8Array, header: RtpHeader): number[] {
  const out: number[] = [];
  for (let i = 0; i < header.csrcCount; i++) {
    const p = RTP_HEADER_SIZE + i * 4;
    out.push(((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0);
  }
  return out;
}

export interface RtpPacketFields {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  csrcs?: readonly number[];
  /** Header extension: profile id and data (padded to 32-bit words with zeros). */
  extension?: { profile: number; data: Uint8Array };
  /** Total padding bytes to append, count byte included (1..255). */
  paddingLength?: number;
}

/** Builds one RTP datagram (header + copy of payload). */
export function buildRtpPacket(fields: RtpPacketFields, payload: Uint8Array): Buffer {
  const csrcs = fields.csrcs ?? [];
  const extWords = fields.extension ? Math.ceil(fields.extension.data.length / 4) : 0;
  const headerLen = RTP_HEADER_SIZE + csrcs.length * 4 + (fields.extension ? 4 + extWords * 4 : 0);
  const pad = fields.paddingLength ?? 0;
  if (csrcs.length > 15) throw new RangeError('at most 15 CSRCs');
  if (pad < 0 || pad > 255) throw new RangeError('paddingLength must be 0..255');
  const out = Buffer.alloc(headerLen + payload.length + pad);
  out[0] = (RTP_VERSION << 6) | (pad > 0 ? 0x20 : 0) | (fields.extension ? 0x10 : 0) | csrcs.length;
  out[1] = (fields.marker ? 0x80 : 0) | (fields.payloadType & 0x7f);
  out.writeUInt16BE(fields.sequence & 0xffff, 2);
  out.writeUInt32BE(fields.timestamp >>> 0, 4);
  out.writeUInt32BE(fields.ssrc >>> 0, 8);
  let pos = RTP_HEADER_SIZE;
  for (const c of csrcs) {
    out.writeUInt32BE(c >>> 0, pos);
    pos += 4;
  }
  if (fields.extension) {
    out.writeUInt16BE(fields.extension.profile & 0xffff, pos);
    out.writeUInt16BE(extWords, pos + 2);
    out.set(fields.extension.data, pos + 4);
    pos += 4 + extWords * 4;
  }
  out.set(payload, pos);
  if (pad > 0) out[out.length - 1] = pad;
  return out;
}

export interface RtpPacketizerOptions {
  ssrc?: number;
  payloadType?: number;
  initialSequence?: number;
  /** Source of randomness for the initial sequence number and SSRC; injectable for tests. */
  random?: () => number;
}

/**
 * Numbers datagrams for RTP egress and the test sender. Sequence starts random (RFC 3550
 * §5.1); timestamps come from the caller's clock so the class stays free of side effects.
 */
export class RtpPacketizer {
  readonly ssrc: number;
  readonly payloadType: number;
  private seq: number;

  constructor(opts: RtpPacketizerOptions = {}) {
    const random = opts.random ?? Math.random;
    this.ssrc = (opts.ssrc ?? Math.floor(random() * 2 ** 32)) >>> 0;
    this.payloadType = opts.payloadType ?? RTP_PAYLOAD_TYPE_MP2T;
    this.seq = (opts.initialSequence ?? Math.floor(random() * 0x10000)) & 0xffff;
  }

  /** Sequence number the next packet will carry. */
  get nextSequence(): number {
    return this.seq;
  }

  /** Wraps `payload` (typically 7 TS packets) in a header stamped from a clock in milliseconds. */
  packetize(payload: Uint8Array, clockMs: number, marker = false): Buffer {
    const packet = buildRtpPacket(
      { payloadType: this.payloadType, sequence: this.seq, timestamp: rtpTimestampFromMs(clockMs), ssrc: this.ssrc, marker },
      payload,
    );
    this.seq = (this.seq + 1) & 0xffff;
    return packet;
  }
}

/** 90 kHz RTP timestamp for a clock value in milliseconds, wrapped to 32 bits. */
export function rtpTimestampFromMs(ms: number): number {
  return Math.floor(ms * 90) % 2 ** 32 >>> 0;
}
