// PAT/PMT state of one transport stream and the TR 101 290 checks that belong to it:
// 1.3.a PAT_error_2 (table_id, repetition) and 1.5.a PMT_error_2 (repetition), plus
// 2.2 CRC_error for PAT/PMT. Scrambling checks need the packet header, so the analyzer does them.
import { type Pmt, parsePat, parsePmt, TABLE_ID_PAT, TABLE_ID_PMT } from '@mld/mpegts';
import { describeStream, summarizeDescriptors } from './stream-types.js';
import type { ProgramSnapshot } from './types.js';

export interface ProgramState {
  number: number;
  pmtPid: number;
  /** Latest valid, current PMT; null until one arrives. */
  pmt: Pmt | null;
  pmtSection: Buffer | null;
  lastPmtAt: number;
  /** Start of the current repetition period: when the program appeared, signal resumed or an error was counted. */
  watchFrom: number;
}

export type PsiError = 'patError' | 'pmtError' | 'crcError';

const CRC_MISMATCH = 'CRC-32 mismatch';

export class PsiTracker {
  readonly programs = new Map<number, ProgramState>();
  transportStreamId: number | null = null;
  /** Current PAT sections by section_number (PATs longer than one section are rare but legal). */
  private readonly patSections = new Map<number, Buffer>();
  private patVersion = -1;
  private lastPatAt = Number.NEGATIVE_INFINITY;
  private patWatchFrom = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly patIntervalMs: number,
    private readonly pmtIntervalMs: number,
    private readonly raise: (error: PsiError, at: number) => void,
    /** Programs or their streams changed: PIDs to watch must be recomputed. */
    private readonly onLayoutChange: (at: number) => void,
  ) {}

  /** A complete section from PID 0x0000. */
  onPatSection(section: Buffer, at: number): void {
    if (section[0] !== TABLE_ID_PAT) {
      this.raise('patError', at); // 1.3.a: a section with table_id other than 0x00 on PID 0x0000
      return;
    }
    const sectionNumber = section.length > 6 ? section[6]! : 0;
    if (this.patSections.get(sectionNumber)?.equals(section)) {
      this.patArrived(at); // the usual case, ~10 times a second: no parse
      return;
    }
    const r = parsePat(section);
    if (!r.ok) {
      // A corrupt PAT does not count as a PAT: if no good one follows, the 0.5 s check fires.
      this.raise(r.reason === CRC_MISMATCH ? 'crcError' : 'patError', at);
      return;
    }
    if (!r.value.currentNext) return; // announces the next version; not in force yet
    this.patArrived(at);
    if (r.value.version !== this.patVersion) {
      this.patSections.clear();
      this.patVersion = r.value.version;
    }
    this.patSections.set(sectionNumber, section);
    this.transportStreamId = r.value.transportStreamId;
    this.applyPat(at);
  }

  /** A complete section from a PID the PAT lists as a program_map_PID. */
  onPmtSection(section: Buffer, pid: number, at: number): void {
    // Other private sections may share a PMT PID; only table_id 0x02 is ours.
    if (section[0] !== TABLE_ID_PMT || section.length < 5) return;
    const prog = this.programs.get(section.readUInt16BE(3));
    if (!prog || prog.pmtPid !== pid) return;
    if (prog.pmtSection?.equals(section)) {
      this.pmtArrived(prog, at);
      return;
    }
    const r = parsePmt(section);
    if (!r.ok) {
      this.raise(r.reason === CRC_MISMATCH ? 'crcError' : 'pmtError', at);
      return;
    }
    if (!r.value.currentNext) return;
    this.pmtArrived(prog, at);
    prog.pmt = r.value;
    prog.pmtSection = section;
    this.onLayoutChange(at);
  }

  /** Repetition checks between sections; call periodically while the signal is present. */
  checkTimers(now: number): void {
    if (now - Math.max(this.lastPatAt, this.patWatchFrom) > this.patIntervalMs) {
      this.raise('patError', now);
      this.patWatchFrom = now;
    }
    for (const p of this.programs.values()) {
      if (now - Math.max(p.lastPmtAt, p.watchFrom) > this.pmtIntervalMs) {
        this.raise('pmtError', now);
        p.watchFrom = now;
      }
    }
  }

  /** Restarts every repetition period (first packet, or packets again after no signal). */
  rearm(now: number): void {
    this.patWatchFrom = now;
    for (const p of this.programs.values()) p.watchFrom = now;
  }

  programSnapshots(): ProgramSnapshot[] {
    return [...this.programs.values()]
      .sort((a, b) => a.number - b.number)
      .map(({ number, pmtPid, pmt }) => ({
        number,
        pmtPid,
        pcrPid: pmt?.pcrPid ?? null,
        pmtVersion: pmt?.version ?? null,
        descriptorsSummary: pmt ? summarizeDescriptors(pmt.programInfo) : [],
        streams: (pmt?.streams ?? []).map((s) => ({
          pid: s.pid,
          streamType: s.streamType,
          ...describeStream(s.streamType, s.descriptors, pmt?.programInfo),
          descriptorsSummary: summarizeDescriptors(s.descriptors),
        })),
      }));
  }

  private patArrived(at: number): void {
    // Also checked on arrival, so a late PAT counts even if the owner never calls tick().
    if (at - Math.max(this.lastPatAt, this.patWatchFrom) > this.patIntervalMs) this.raise('patError', at);
    this.lastPatAt = at;
  }

  private pmtArrived(p: ProgramState, at: number): void {
    if (at - Math.max(p.lastPmtAt, p.watchFrom) > this.pmtIntervalMs) this.raise('pmtError', at);
    p.lastPmtAt = at;
  }

  private applyPat(at: number): void {
    const wanted = new Map<number, number>();
    for (const s of this.patSections.values()) {
      const r = parsePat(s);
      if (r.ok) for (const p of r.value.programs) wanted.set(p.programNumber, p.pmtPid);
    }
    let changed = false;
    for (const [number, p] of this.programs) {
      if (wanted.get(number) !== p.pmtPid) {
        this.programs.delete(number);
        changed = true;
      }
    }
    for (const [number, pmtPid] of wanted) {
      if (this.programs.has(number)) continue;
      this.programs.set(number, { number, pmtPid, pmt: null, pmtSection: null, lastPmtAt: Number.NEGATIVE_INFINITY, watchFrom: at });
      changed = true;
    }
    if (changed) this.onLayoutChange(at);
  }
}
