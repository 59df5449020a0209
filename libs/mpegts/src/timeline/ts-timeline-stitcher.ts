// Makes several TS segments (passes of a looped file, main and backup feeds, publisher
// restarts) one continuous stream, in place: per segment a 90 kHz offset is added to every PCR,
// OPCR, PES PTS/DTS and SCTE-35 pts_adjustment, and continuity counters are renumbered per PID
// so they go on across the joins. ADR 0010.
import { parsePat, parsePmt, STREAM_TYPE, TABLE_ID_PAT, TABLE_ID_PMT } from '../psi.js';
import { SectionAssembler } from '../section-assembler.js';
import { MAX_PID, NULL_PID, PAT_PID, PTS_MODULO, TS_PACKET_SIZE, tsPcr } from '../ts-packet.js';
import { SegmentExtent } from './segment-extent.js';
import { SpliceSectionShifter } from './splice-section-shifter.js';
import { readTimestampField, shiftPcrField, shiftTimestampField } from './timestamp-fields.js';

export interface TsTimelineStitcherOptions {
  /** SCTE-35 PIDs to treat as such before (or without) a PMT declaring them with stream_type 0x86. */
  scte35Pids?: readonly number[];
}

export interface StitchSegmentOptions {
  /**
   * Set discontinuity_indicator on the first PCR-bearing packet of each PID in the segment: for
   * sources whose time base genuinely jumps, where decoders must be told rather than fooled.
   */
  discontinuity?: boolean;
}

export interface TsTimelineStitcherStats {
  packets: number;
  /** Segments started with startSegment() (the first, implicit one not counted). */
  segments: number;
  pcrsShifted: number;
  pesHeadersShifted: number;
  /** PES headers too short to hold their PTS/DTS inside the packet: left alone. */
  pesHeadersTruncated: number;
  scte35Shifted: number;
  /** SCTE-35 sections left unshifted: they ran past the buffer given, or one of their packets was missing. */
  scte35Incomplete: number;
  /** SCTE-35 sections left unshifted because their CRC was already wrong. */
  scte35BadCrc: number;
  discontinuitiesSet: number;
}

/** What a PID carries, as far as the stitcher cares. */
const KIND_PES = 0;
const KIND_PSI = 1;
const KIND_SCTE35 = 2;
/** PIDs 0x0000-0x001F are reserved for PSI/SI tables (ISO/IEC 13818-1 Table 2-3). */
const LAST_RESERVED_PID = 0x1f;

/** Stream ids whose PES packets have no optional header, hence no PTS (ISO/IEC 13818-1 §2.4.3.7). */
function hasOptionalPesHeader(streamId: number): boolean {
  switch (streamId) {
    case 0xbc:
    case 0xbe:
    case 0xbf:
    case 0xf0:
    case 0xf1:
    case 0xf2:
    case 0xf8:
    case 0xff:
      return false;
    default:
      return true;
  }
}

export class TsTimelineStitcher {
  private readonly counters = { packets: 0, segments: 0, pcrsShifted: 0, pesHeadersShifted: 0, pesHeadersTruncated: 0, discontinuitiesSet: 0 };
  /** The current segment's clocks in its own time base (for continuation90k). */
  readonly extent = new SegmentExtent();
  private offset = 0;
  private readonly kind = new Uint8Array(MAX_PID + 1);
  /** Counter of the last payload packet sent per PID, -1 before the first. */
  private readonly lastCc = new Int8Array(MAX_PID + 1).fill(-1);
  private readonly ccDelta = new Uint8Array(MAX_PID + 1);
  /** 1 until the PID's first payload packet of the current segment has set its ccDelta. */
  private readonly rebase = new Uint8Array(MAX_PID + 1);
  /** 1 until the PID's first PCR of the current segment has been flagged as a discontinuity. */
  private readonly flagPcr = new Uint8Array(MAX_PID + 1);
  /** False until a segment join: the counters are then passed through untouched. */
  private renumbering = false;
  private flagging = false;
  private readonly assemblers = new Map<number, SectionAssembler>();
  private readonly splice = new SpliceSectionShifter();
  private lastPcrPid = -1;

  constructor(options: TsTimelineStitcherOptions = {}) {
    this.kind.fill(KIND_PSI, 0, LAST_RESERVED_PID + 1);
    for (const pid of options.scte35Pids ?? []) this.kind[pid] = KIND_SCTE35;
    this.assemblers.set(PAT_PID, new SectionAssembler(PAT_PID, (s) => this.onPat(s)));
  }

  /** 90 kHz offset of the current segment. */
  get offset90k(): number {
    return this.offset;
  }

  /** The PCR PID of the last PMT seen, or -1. */
  get pcrPid(): number {
    return this.lastPcrPid;
  }

  get stats(): TsTimelineStitcherStats {
    const s = this.splice.stats;
    return { ...this.counters, scte35Shifted: s.shifted, scte35Incomplete: s.incomplete, scte35BadCrc: s.badCrc };
  }

  /**
   * Everything processed from now on belongs to a new segment whose timestamps get `offset90k`
   * added (taken modulo 2^33; not cumulative: the offset from the segment's own time base).
   */
  startSegment(offset90k: number, options: StitchSegmentOptions = {}): void {
    if (!Number.isFinite(offset90k)) throw new RangeError('offset90k must be a finite number');
    this.offset = ((Math.round(offset90k) % PTS_MODULO) + PTS_MODULO) % PTS_MODULO;
    this.counters.segments++;
    this.renumbering = true;
    this.rebase.fill(1);
    this.flagging = options.discontinuity === true;
    this.flagPcr.fill(this.flagging ? 1 : 0);
    this.extent.reset();
    // A section cut short by the join is not completed by the next segment's bytes.
    for (const a of this.assemblers.values()) a.reset();
  }

  /** Rewrites the whole 188-byte packets in buf[start, end) in place. */
  process(buf: Buffer, start = 0, end = buf.length): void {
    for (let off = start; off + TS_PACKET_SIZE <= end; off += TS_PACKET_SIZE) this.packet(buf, off, end);
  }

  private packet(buf: Buffer, off: number, end: number): void {
    this.counters.packets++;
    const b1 = buf[off + 1]!;
    const pid = ((b1 & 0x1f) << 8) | buf[off + 2]!;
    if (pid === NULL_PID) return;
    const b3 = buf[off + 3]!;
    const hasPayload = (b3 & 0x10) !== 0;
    if ((b3 & 0x20) !== 0 && buf[off + 4]! > 0) this.adaptationField(buf, off, pid);

    const kind = this.kind[pid]!;
    if (hasPayload && (b1 & 0xc0) === 0x40) {
      // PUSI without transport_error: a PES header or a section starts here.
      if (kind === KIND_PES) this.pesHeader(buf, off, pid);
      else if (kind === KIND_SCTE35 && this.offset !== 0) this.splice.shiftPacket(buf, off, end, this.offset);
    }

    if (this.renumbering) this.renumber(buf, off, pid, b3, hasPayload);
    else if (hasPayload) this.lastCc[pid] = b3 & 0x0f;

    if (kind === KIND_PSI) this.assemblers.get(pid)?.push(buf, off);
  }

  private adaptationField(buf: Buffer, off: number, pid: number): void {
    const afLength = buf[off + 4]!;
    const flags = buf[off + 5]!;
    let p = off + 6;
    if ((flags & 0x10) !== 0 && afLength >= 7) {
      this.extent.onPcr(pid, tsPcr(buf, off));
      if (this.flagging && this.flagPcr[pid] === 1) {
        this.flagPcr[pid] = 0;
        buf[off + 5] = flags | 0x80;
        this.counters.discontinuitiesSet++;
      }
      if (this.offset !== 0) {
        shiftPcrField(buf, p, this.offset);
        this.counters.pcrsShifted++;
      }
      p += 6;
    }
    if ((flags & 0x08) !== 0 && this.offset !== 0 && p + 6 <= off + 5 + afLength) shiftPcrField(buf, p, this.offset);
  }

  private pesHeader(buf: Buffer, off: number, pid: number): void {
    const b3 = buf[off + 3]!;
    const p = (b3 & 0x20) === 0 ? off + 4 : off + 5 + buf[off + 4]!;
    const packetEnd = off + TS_PACKET_SIZE;
    if (p + 9 > packetEnd || buf[p] !== 0 || buf[p + 1] !== 0 || buf[p + 2] !== 1) return;
    if (!hasOptionalPesHeader(buf[p + 3]!)) return;
    const ptsDtsFlags = buf[p + 7]! >> 6;
    if (ptsDtsFlags < 2) return;
    if (p + (ptsDtsFlags === 3 ? 19 : 14) > packetEnd) {
      // The header goes on in the next packet: rare enough not to be worth holding packets for.
      this.counters.pesHeadersTruncated++;
      return;
    }
    const pts = readTimestampField(buf, p + 9);
    const dts = ptsDtsFlags === 3 ? readTimestampField(buf, p + 14) : -1;
    this.extent.onPes(pid, pts, dts);
    if (this.offset === 0) return;
    shiftTimestampField(buf, p + 9, this.offset);
    if (dts >= 0) shiftTimestampField(buf, p + 14, this.offset);
    this.counters.pesHeadersShifted++;
  }

  /**
   * Counters continue across joins: the first payload packet of a PID in a segment follows the
   * last one sent, and the rest of the segment keeps its own steps (a repeated packet stays a
   * repeat, a gap in the source stays a gap). Adaptation-only packets do not advance.
   */
  private renumber(buf: Buffer, off: number, pid: number, b3: number, hasPayload: boolean): void {
    const cc = b3 & 0x0f;
    let out: number;
    const last = this.lastCc[pid]!;
    if (this.rebase[pid] === 1) {
      if (hasPayload) {
        this.rebase[pid] = 0;
        this.ccDelta[pid] = last < 0 ? 0 : (last + 1 - cc) & 0x0f;
        out = (cc + this.ccDelta[pid]!) & 0x0f;
      } else {
        out = last < 0 ? cc : last;
      }
    } else {
      out = (cc + this.ccDelta[pid]!) & 0x0f;
    }
    if (hasPayload) this.lastCc[pid] = out;
    if (out !== cc) buf[off + 3] = (b3 & 0xf0) | out;
  }

  private onPat(section: Buffer): void {
    if (section[0] !== TABLE_ID_PAT) return;
    const r = parsePat(section);
    if (!r.ok) return;
    for (const { pmtPid } of r.value.programs) {
      if (this.assemblers.has(pmtPid) || pmtPid === NULL_PID) continue;
      this.kind[pmtPid] = KIND_PSI;
      this.assemblers.set(pmtPid, new SectionAssembler(pmtPid, (s) => this.onPmt(s)));
    }
  }

  private onPmt(section: Buffer): void {
    if (section[0] !== TABLE_ID_PMT) return;
    const r = parsePmt(section);
    if (!r.ok) return;
    if (r.value.pcrPid !== NULL_PID && r.value.pcrPid !== this.lastPcrPid) {
      this.lastPcrPid = r.value.pcrPid;
      this.extent.setPcrPid(r.value.pcrPid);
    }
    for (const s of r.value.streams) if (s.streamType === STREAM_TYPE.SCTE35 && this.kind[s.pid] === KIND_PES) this.kind[s.pid] = KIND_SCTE35;
  }
}
