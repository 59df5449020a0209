// Real-time pacing of a stored TS by its own clock: which output bytes may have been sent by a
// given wall-clock time. Between two PCRs the bytes are spread evenly (as a multiplexer sent
// them); past the last PCR known, or in a stream without PCR, a byte rate carries on. Pure:
// the file source feeds it PCRs and asks it at each tick.
import { PCR_CLOCK_HZ, PTS_MODULO } from '@mld/mpegts';

const PCR_MODULO = PTS_MODULO * 300;
const TICKS_PER_MS = PCR_CLOCK_HZ / 1000;
/** A PCR step beyond this (or backwards) is a discontinuity in the file, not time passing. */
const MAX_PCR_STEP = 2 * PCR_CLOCK_HZ;

export interface PcrPacerOptions {
  /** Bits/s to pace by where there is no PCR to go by (no PCR PID, or past the last PCR). */
  fallbackBitrate: number;
  /** Sending later than this behind the stream's clock (a stalled disk or event loop) re-anchors instead of bursting. */
  maxLateMs: number;
}

interface Anchor {
  /** Output byte offset of the packet carrying the PCR. */
  byte: number;
  /** Stream time, 27 MHz, unwrapped and continued over discontinuities. */
  time: number;
}

export class PcrPacer {
  private readonly anchors: Anchor[] = [];
  private head = 0;
  private lastPcr = -1;
  /** Wall clock (ms) at which stream time `streamAtStart` is due; unset until the first call. */
  private wallAtStart: number | undefined;
  private streamAtStart = 0;
  private bytesPerTick: number;
  /** Times the pacer re-anchored because sending fell behind. */
  reanchors = 0;
  /** PCR steps that were not time passing (backwards or too long). */
  discontinuities = 0;

  constructor(private readonly options: PcrPacerOptions) {
    this.bytesPerTick = options.fallbackBitrate / 8 / PCR_CLOCK_HZ;
  }

  /** Bits/s the pacer goes by between and past PCRs, as last measured. */
  get bitrate(): number {
    return this.bytesPerTick * 8 * PCR_CLOCK_HZ;
  }

  /** A PCR (27 MHz, as carried) in the packet at output byte `byte`. */
  addPcr(byte: number, pcr: number): void {
    const last = this.anchors.at(-1);
    if (!last) {
      // Bytes before the first PCR were paced by the fallback rate: the clock goes on from there.
      this.anchors.push({ byte, time: this.timeAt(byte) });
      this.lastPcr = pcr;
      return;
    }
    const step = (((pcr - this.lastPcr) % PCR_MODULO) + PCR_MODULO) % PCR_MODULO;
    this.lastPcr = pcr;
    if (byte <= last.byte) return;
    if (step === 0 || step > MAX_PCR_STEP) {
      this.discontinuities++;
      this.anchors.push({ byte, time: last.time + (byte - last.byte) / this.bytesPerTick });
      return;
    }
    this.bytesPerTick = (byte - last.byte) / step;
    this.anchors.push({ byte, time: last.time + step });
  }

  /**
   * The highest output byte offset at which a packet may start by wall-clock `now`, given that
   * `sent` bytes have gone out. Call it with non-decreasing `now`.
   */
  allowedBytes(now: number, sent: number): number {
    if (this.wallAtStart === undefined) {
      this.wallAtStart = now;
      this.streamAtStart = this.timeAt(sent);
    }
    let target = this.streamAtStart + (now - this.wallAtStart) * TICKS_PER_MS;
    const sentAt = this.timeAt(sent);
    if (target - sentAt > this.options.maxLateMs * TICKS_PER_MS) {
      // Far behind: go on from here at the normal pace rather than flooding the outputs.
      this.reanchors++;
      this.wallAtStart = now;
      this.streamAtStart = sentAt;
      target = sentAt;
    }
    this.release(sent);
    return this.byteAt(target);
  }

  /** Stream time (27 MHz) of output byte `byte`, interpolated between PCRs. */
  timeAt(byte: number): number {
    const a = this.anchors;
    if (a.length === 0) return byte / this.bytesPerTick;
    let i = this.head;
    if (i >= a.length) i = a.length - 1;
    while (i > 0 && a[i]!.byte > byte) i--;
    while (i + 1 < a.length && a[i + 1]!.byte <= byte) i++;
    const p = a[i]!;
    const n = a[i + 1];
    if (!n) return p.time + (byte - p.byte) / this.bytesPerTick;
    return p.time + ((byte - p.byte) * (n.time - p.time)) / (n.byte - p.byte);
  }

  private byteAt(time: number): number {
    const a = this.anchors;
    if (a.length === 0) return time * this.bytesPerTick;
    let i = this.head < a.length ? this.head : a.length - 1;
    if (time < a[i]!.time) return a[i]!.byte - (a[i]!.time - time) * this.bytesPerTick;
    while (i + 1 < a.length && a[i + 1]!.time <= time) i++;
    const p = a[i]!;
    const n = a[i + 1];
    if (!n) return p.byte + (time - p.time) * this.bytesPerTick;
    return p.byte + ((time - p.time) * (n.byte - p.byte)) / (n.time - p.time);
  }

  /** Forgets PCRs the output has passed, keeping the one before `sent` to interpolate from. */
  private release(sent: number): void {
    const a = this.anchors;
    while (this.head + 1 < a.length && a[this.head + 1]!.byte <= sent) this.head++;
    if (this.head > 256) {
      a.splice(0, this.head);
      this.head = 0;
    }
  }
}
