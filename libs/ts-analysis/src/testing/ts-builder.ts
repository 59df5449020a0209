// Test tooling (not built into dist): crafted packets for one program with running continuity
// counters, and a fake-clock driver that pushes and ticks the analyzer.
import {
  buildPatSection,
  buildPmtSection,
  crc32mpeg2,
  type Descriptor,
  makeNullPacket,
  type PmtStream,
  registrationDescriptor,
  SectionPacketizer,
  STREAM_TYPE,
  writePcr,
  writeTsHeader,
} from '@mld/mpegts';
import type { TsAnalyzer } from '../ts-analyzer.js';

export const PMT_PID = 0x1000;
export const VIDEO = 0x100;
export const AUDIO = 0x101;
export const CUE_PID = 0x1f6;

export const DEFAULT_STREAMS: PmtStream[] = [
  { streamType: STREAM_TYPE.H264, pid: VIDEO, descriptors: [] },
  { streamType: STREAM_TYPE.AAC_ADTS, pid: AUDIO, descriptors: [] },
  { streamType: STREAM_TYPE.SCTE35, pid: CUE_PID, descriptors: [] },
];

export interface EsPacketOptions {
  /** 27 MHz PCR carried in the adaptation field. */
  pcr?: number;
  discontinuity?: boolean;
  /** transport_scrambling_control value (0-3). */
  scrambling?: number;
  transportError?: boolean;
  pusi?: boolean;
  /** Use this continuity counter instead of the running one (the running one is not advanced). */
  cc?: number;
}

/** Recomputes the CRC-32 of a section after a test changed its bytes. */
export function fixCrc(section: Buffer): Buffer {
  section.writeUInt32BE(crc32mpeg2(section, 0, section.length - 4), section.length - 4);
  return section;
}

export class StreamBuilder {
  readonly patSection: Buffer;
  readonly pmtSection: Buffer;
  private readonly cc = new Map<number, number>();
  private readonly packetizers = new Map<number, SectionPacketizer>();

  constructor(opts: { streams?: PmtStream[]; pcrPid?: number; programInfo?: Descriptor[]; programNumber?: number } = {}) {
    const programNumber = opts.programNumber ?? 1;
    this.patSection = buildPatSection({ transportStreamId: 7, programs: [{ programNumber, pmtPid: PMT_PID }] });
    this.pmtSection = buildPmtSection({
      programNumber,
      pcrPid: opts.pcrPid ?? VIDEO,
      programInfo: opts.programInfo ?? [registrationDescriptor('CUEI')],
      streams: opts.streams ?? DEFAULT_STREAMS,
    });
  }

  pat(): Buffer {
    return this.section(0, this.patSection);
  }

  pmt(): Buffer {
    return this.section(PMT_PID, this.pmtSection);
  }

  /** A section cut into packets on `pid`, continuing that PID's counter. */
  section(pid: number, section: Uint8Array): Buffer {
    let p = this.packetizers.get(pid);
    if (!p) {
      p = new SectionPacketizer(pid, this.cc.get(pid) ?? 0);
      this.packetizers.set(pid, p);
    }
    const out = p.packetize(section);
    this.cc.set(pid, p.nextCc);
    return out;
  }

  /** One elementary-stream packet (payload 0xAA) with optional adaptation field. */
  es(pid: number, o: EsPacketOptions = {}): Buffer {
    const p = Buffer.alloc(188, 0xaa);
    const running = this.cc.get(pid) ?? 0;
    const cc = o.cc ?? running;
    if (o.cc === undefined) this.cc.set(pid, (running + 1) & 0x0f);
    const needAf = o.pcr !== undefined || o.discontinuity === true;
    writeTsHeader(p, 0, pid, cc, { pusi: o.pusi, afc: needAf ? 3 : 1, transportError: o.transportError });
    if (needAf) {
      p[4] = o.pcr !== undefined ? 7 : 1;
      p[5] = (o.discontinuity ? 0x80 : 0) | (o.pcr !== undefined ? 0x10 : 0);
      if (o.pcr !== undefined) writePcr(p, 6, o.pcr);
    }
    if (o.scrambling) p[3] = (p[3]! & 0x3f) | ((o.scrambling & 0x03) << 6);
    return p;
  }

  nullPacket(): Buffer {
    return makeNullPacket();
  }
}

/** Wall-clock ms the fake clocks start at (any epoch-like value works). */
export const T0 = 1_700_000_000_000;

/** PCR that advances with the fake clock: 27 000 ticks per ms. */
export function pcrAt(t: number): number {
  return ((t - T0) + 1000) * 27_000;
}

export interface HealthyOptions {
  pat?: boolean;
  pmt?: boolean;
  video?: boolean;
  audio?: boolean;
  pcr?: boolean;
}

/**
 * One 20 ms step of a clean stream: PAT and PMT every 100 ms, a video packet with PCR and an
 * audio packet every step, a null packet. Flags turn parts off.
 */
export function healthyStep(b: StreamBuilder, t: number, o: HealthyOptions = {}): Buffer[] {
  const out: Buffer[] = [];
  if ((t - T0) % 100 === 0) {
    if (o.pat !== false) out.push(b.pat());
    if (o.pmt !== false) out.push(b.pmt());
  }
  if (o.video !== false) out.push(b.es(VIDEO, o.pcr === false ? {} : { pcr: pcrAt(t) }));
  if (o.audio !== false) out.push(b.es(AUDIO));
  out.push(b.nullPacket());
  return out;
}

/** Pushes what `step(t)` returns and ticks, every `stepMs` from `from` (inclusive) to `to` (exclusive). */
export function drive(an: TsAnalyzer, from: number, to: number, step: (t: number) => Buffer[], stepMs = 20): void {
  for (let t = from; t < to; t += stepMs) {
    const packets = step(t);
    if (packets.length > 0) an.push(Buffer.concat(packets), t);
    an.tick(t);
  }
}
