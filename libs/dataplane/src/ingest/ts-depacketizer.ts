import { emptyRtpHeader, readRtpHeader, RtpReorderBuffer, TS_PACKET_SIZE, TS_SYNC_BYTE, type RtpHeader } from '@mld/mpegts';
import type { DatagramInputType } from '@mld/contracts';

export interface DepacketizerCounters {
  datagrams: number;
  bytes: number;
  tsBytes: number;
  malformed: number;
  malformedReasons: Record<string, number>;
  /** A hint for the operator when the datagrams look like the other input type. */
  hint: string | null;
}

/**
 * Turns the datagrams of one input into the MPEG-TS byte stream, bit-exact: RTP headers
 * (with CSRCs, extension, padding) are stripped and packets put back in sequence order within a
 * small window; anything that is not whole TS packets is counted and dropped, never forwarded.
 * Pure apart from the callback: no sockets, no timers (the owner calls tick()).
 */
export class TsDepacketizer {
  readonly counters: DepacketizerCounters = { datagrams: 0, bytes: 0, tsBytes: 0, malformed: 0, malformedReasons: {}, hint: null };
  readonly reorder: RtpReorderBuffer;
  private readonly header: RtpHeader = emptyRtpHeader();
  private lastSsrc: number | null = null;
  /** Payloads refused for damaged sync bytes, shown to analysis (never forwarded). */
  private readonly onRejectedTs: ((ts: Buffer) => void) | undefined;

  constructor(
    private readonly type: DatagramInputType,
    private readonly emit: (ts: Buffer) => void,
    options: { windowPackets?: number; maxDelayMs?: number; onRejectedTs?: (ts: Buffer) => void } = {},
  ) {
    this.onRejectedTs = options.onRejectedTs;
    this.reorder = new RtpReorderBuffer({
      windowPackets: options.windowPackets ?? 32,
      maxDelayMs: options.maxDelayMs ?? 40,
      onPayload: (payload) => this.forward(payload),
    });
  }

  get ssrc(): number | null {
    return this.lastSsrc;
  }

  push(datagram: Buffer, nowMs: number): void {
    this.counters.datagrams += 1;
    this.counters.bytes += datagram.length;
    if (this.type === 'udp') {
      if (isWholeTs(datagram, 0, datagram.length)) this.forward(datagram);
      else if (looksLikeRtp(datagram)) this.reject('rtp_on_udp_input');
      else {
        this.reject('not_mpeg_ts');
        if (datagram.length > 0 && datagram.length % TS_PACKET_SIZE === 0) this.onRejectedTs?.(datagram);
      }
      return;
    }
    const problem = readRtpHeader(datagram, this.header);
    if (problem !== null) {
      this.reject(problem === 'bad_version' && datagram[0] === TS_SYNC_BYTE ? 'ts_on_rtp_input' : `rtp_${problem}`);
      return;
    }
    const { payloadOffset, payloadLength, sequence, ssrc } = this.header;
    if (!isWholeTs(datagram, payloadOffset, payloadLength)) {
      this.reject('rtp_payload_not_mpeg_ts');
      if (payloadLength > 0 && payloadLength % TS_PACKET_SIZE === 0) this.onRejectedTs?.(datagram.subarray(payloadOffset, payloadOffset + payloadLength));
      return;
    }
    this.lastSsrc = ssrc;
    this.reorder.push(sequence, ssrc, datagram.subarray(payloadOffset, payloadOffset + payloadLength), nowMs);
  }

  /** Gives up gaps older than the reorder delay, so a stalled sender does not hold data back. */
  tick(nowMs: number): void {
    if (this.type === 'rtp') this.reorder.tick(nowMs);
  }

  private forward(ts: Buffer): void {
    this.counters.tsBytes += ts.length;
    this.emit(ts);
  }

  private reject(reason: string): void {
    this.counters.malformed += 1;
    this.counters.malformedReasons[reason] = (this.counters.malformedReasons[reason] ?? 0) + 1;
    if (reason === 'ts_on_rtp_input') this.counters.hint = 'datagrams carry raw MPEG-TS, not RTP: set the channel input_type to "udp"';
    else if (reason === 'rtp_on_udp_input') this.counters.hint = 'datagrams carry RTP: set the channel input_type to "rtp"';
  }
}

function isWholeTs(buf: Buffer, offset: number, length: number): boolean {
  if (length === 0 || length % TS_PACKET_SIZE !== 0) return false;
  for (let i = offset; i < offset + length; i += TS_PACKET_SIZE) if (buf[i] !== TS_SYNC_BYTE) return false;
  return true;
}

function looksLikeRtp(buf: Buffer): boolean {
  return buf.length > 12 && (buf[0]! & 0xc0) === 0x80 && buf[12] === TS_SYNC_BYTE;
}
