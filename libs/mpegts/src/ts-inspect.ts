// Streaming checker for tests and live analysis: what is in the stream, whether packets
// went missing, and every SCTE-35 section that made it through.
import { CC_DUPLICATE, CC_REPEATED, ContinuityTracker, isContinuityError } from './continuity.js';
import { crc32mpeg2 } from './crc32-mpeg2.js';
import { type Pat, type Pmt, parsePat, parsePmt, STREAM_TYPE, TABLE_ID_PAT, TABLE_ID_PMT } from './psi.js';
import { decodeSpliceInfoSection } from './scte35-decoder.js';
import type { Scte35DecodeResult } from './scte35-types.js';
import { SectionAssembler } from './section-assembler.js';
import { TsPacketAligner } from './ts-packet-aligner.js';
import {
  MAX_PID,
  NULL_PID,
  PAT_PID,
  tsDiscontinuity,
  tsPcr,
  tsPid,
  tsScrambling,
  tsTransportError,
} from './ts-packet.js';

export interface PidStats {
  pid: number;
  packets: number;
  /** Continuity gaps: a payload packet whose counter is not the previous one plus one. */
  ccErrors: number;
  /** Packets repeated once with the same counter (legal, ISO/IEC 13818-1 §2.4.3.3). */
  duplicates: number;
  discontinuityIndicators: number;
  transportErrors: number;
  scrambled: number;
  pcrs: number;
}

export interface Scte35Cue {
  pid: number;
  /** Index (0-based, among aligned packets) of the packet that completed the section. */
  packetIndex: number;
  section: Buffer;
  crcValid: boolean;
  decoded: Scte35DecodeResult;
  /** Last PCR (27 MHz) seen on the program's PCR PID before the cue, or -1. */
  pcr: number;
}

export interface TsInspectionReport {
  packets: number;
  syncLosses: number;
  bytesSkipped: number;
  ccErrors: number;
  transportErrors: number;
  nullPackets: number;
  pids: PidStats[];
  pat?: Pat;
  /** Latest PMT of each program. */
  pmts: Pmt[];
  patSections: number;
  pmtSections: number;
  /** PAT/PMT sections that failed to parse (CRC or syntax): the latest ones with reasons, and the total. */
  psiErrors: { pid: number; reason: string }[];
  psiErrorCount: number;
  scte35Pids: number[];
  cues: Scte35Cue[];
}

export interface TsInspectorOptions {
  /** PIDs to read SCTE-35 from whatever the PMT says (in addition to stream_type 0x86 PIDs). */
  scte35Pids?: readonly number[];
  /** Called for each SCTE-35 section as it completes (live analysis). */
  onCue?: (cue: Scte35Cue) => void;
  /** Keep cues for report(); default true. Long-running analysis can use onCue alone. */
  retainCues?: boolean;
}

/** Only the latest PSI errors are kept, so a corrupt live feed cannot grow memory without bound. */
const MAX_PSI_ERRORS = 100;

function newPidStats(pid: number): PidStats {
  return { pid, packets: 0, ccErrors: 0, duplicates: 0, discontinuityIndicators: 0, transportErrors: 0, scrambled: 0, pcrs: 0 };
}

export class TsInspector {
  private readonly aligner = new TsPacketAligner((buf, off) => this.pushPacket(buf, off));
  private readonly stats: (PidStats | undefined)[] = new Array<PidStats | undefined>(MAX_PID + 1);
  private readonly continuity = new ContinuityTracker();
  private readonly assemblers = new Map<number, SectionAssembler>();
  private readonly scte35 = new Set<number>();
  private readonly pmts = new Map<number, Pmt>();
  private readonly cues: Scte35Cue[] = [];
  private readonly psiErrors: { pid: number; reason: string }[] = [];
  private pat: Pat | undefined;
  private patSections = 0;
  private psiErrorCount = 0;
  private pmtSections = 0;
  private packetIndex = -1;
  private lastPcr = -1;

  constructor(private readonly opts: TsInspectorOptions = {}) {
    this.assemblers.set(PAT_PID, new SectionAssembler(PAT_PID, (s, pid) => this.onPat(s, pid)));
    for (const pid of opts.scte35Pids ?? []) this.watchScte35(pid);
  }

  /** Feeds arbitrary chunks; packets are aligned internally. */
  push(chunk: Buffer): void {
    this.aligner.push(chunk);
  }

  /** End of input: a lone packet still waiting for sync confirmation is accepted. */
  end(): void {
    this.aligner.end();
  }

  /** Feeds one aligned 188-byte packet. */
  pushPacket(buf: Buffer, off: number): void {
    this.packetIndex++;
    const pid = tsPid(buf, off);
    let st = this.stats[pid];
    if (!st) st = this.stats[pid] = newPidStats(pid);
    st.packets++;
    if (pid === NULL_PID) return;
    if (tsTransportError(buf, off)) {
      st.transportErrors++;
      this.continuity.forget(pid);
      return;
    }
    if (tsScrambling(buf, off) !== 0) st.scrambled++;
    const pcr = tsPcr(buf, off);
    if (pcr >= 0) {
      st.pcrs++;
      if (this.isPcrPid(pid)) this.lastPcr = pcr;
    }
    this.checkContinuity(buf, off, pid, st);
    const asm = this.assemblers.get(pid);
    if (asm) asm.push(buf, off);
  }

  report(): TsInspectionReport {
    const pids = this.stats.filter((s): s is PidStats => s !== undefined).map((s) => ({ ...s }));
    return {
      packets: this.packetIndex + 1,
      syncLosses: this.aligner.stats.syncLosses,
      bytesSkipped: this.aligner.stats.bytesSkipped,
      ccErrors: pids.reduce((n, s) => n + s.ccErrors, 0),
      transportErrors: pids.reduce((n, s) => n + s.transportErrors, 0),
      nullPackets: this.stats[NULL_PID]?.packets ?? 0,
      pids,
      pat: this.pat,
      pmts: [...this.pmts.values()],
      patSections: this.patSections,
      pmtSections: this.pmtSections,
      psiErrors: [...this.psiErrors],
      psiErrorCount: this.psiErrorCount,
      scte35Pids: [...this.scte35].sort((a, b) => a - b),
      cues: [...this.cues],
    };
  }

  private checkContinuity(buf: Buffer, off: number, pid: number, st: PidStats): void {
    const discontinuity = tsDiscontinuity(buf, off);
    if (discontinuity) st.discontinuityIndicators++;
    const result = this.continuity.observe(buf, off, pid, discontinuity);
    if (result === CC_DUPLICATE || result === CC_REPEATED) st.duplicates++;
    if (isContinuityError(result)) st.ccErrors++;
  }

  private isPcrPid(pid: number): boolean {
    if (this.pmts.size === 0) return true;
    for (const p of this.pmts.values()) if (p.pcrPid === pid) return true;
    return false;
  }

  private watchScte35(pid: number): void {
    if (this.scte35.has(pid)) return;
    this.scte35.add(pid);
    this.assemblers.set(pid, new SectionAssembler(pid, (s, p) => this.onScte35(s, p)));
  }

  private onPat(section: Buffer, pid: number): void {
    if (section[0] !== TABLE_ID_PAT) return;
    const r = parsePat(section);
    if (!r.ok) {
      this.psiError(pid, r.reason);
      return;
    }
    this.patSections++;
    this.pat = r.value;
    for (const prog of r.value.programs) {
      if (!this.assemblers.has(prog.pmtPid)) {
        this.assemblers.set(prog.pmtPid, new SectionAssembler(prog.pmtPid, (s, p) => this.onPmt(s, p)));
      }
    }
  }

  private onPmt(section: Buffer, pid: number): void {
    if (section[0] !== TABLE_ID_PMT) return;
    const r = parsePmt(section);
    if (!r.ok) {
      this.psiError(pid, r.reason);
      return;
    }
    this.pmtSections++;
    this.pmts.set(r.value.programNumber, r.value);
    for (const s of r.value.streams) if (s.streamType === STREAM_TYPE.SCTE35) this.watchScte35(s.pid);
  }

  private psiError(pid: number, reason: string): void {
    this.psiErrorCount++;
    this.psiErrors.push({ pid, reason });
    if (this.psiErrors.length > MAX_PSI_ERRORS) this.psiErrors.shift();
  }

  private onScte35(section: Buffer, pid: number): void {
    const decoded = decodeSpliceInfoSection(section);
    const cue: Scte35Cue = {
      pid,
      packetIndex: this.packetIndex,
      section,
      crcValid: decoded.ok ? decoded.value.crcValid : crc32mpeg2(section) === 0,
      decoded,
      pcr: this.lastPcr,
    };
    if (this.opts.retainCues ?? true) this.cues.push(cue);
    this.opts.onCue?.(cue);
  }
}

/** Inspects a whole stream held in memory. */
export function inspectTs(ts: Buffer, opts: TsInspectorOptions = {}): TsInspectionReport {
  const inspector = new TsInspector(opts);
  inspector.push(ts);
  inspector.end();
  return inspector.report();
}
