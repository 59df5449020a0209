// One PID layout for the output whichever input is on air: the layout of the first input that
// went on air (normally the main) is the reference, and the other input's elementary streams are
// mapped onto it by codec and order (the first AAC onto the first AAC, the second onto the
// second, …). What has no counterpart keeps its own PID if that is free (else takes a free one)
// and is added to the output PMT.
import { type Descriptor, findRegistration, MAX_PID, NULL_PID, PAT_PID, type PmtStream, registrationDescriptor, SCTE35_FORMAT_IDENTIFIER, STREAM_TYPE } from '@mld/mpegts';

export interface LayoutStream extends PmtStream {
  /** What the stream carries ("H.264/AVC", "AAC (ADTS)", "AC-3", "SCTE-35"): the matching key. */
  codec: string;
}

/** An input's program as its PAT and PMT describe it (one program per input). */
export interface ProgramLayout {
  transportStreamId: number;
  patVersion: number;
  programNumber: number;
  pmtPid: number;
  version: number;
  pcrPid: number;
  programInfo: Descriptor[];
  streams: LayoutStream[];
}

/** A PID the output does not carry. */
export const DROP = 0xffff;
/** PIDs 0x0000-0x001F are reserved for PSI/SI tables (ISO/IEC 13818-1 Table 2-3). */
const LAST_RESERVED_PID = 0x1f;
/** Where PIDs for streams without a counterpart are looked for first. */
const FIRST_FREE_PID = 0x0100;

export interface OutputProgram {
  transportStreamId: number;
  patVersion: number;
  programNumber: number;
  pmtPid: number;
  /** The version the reference used; the output's own version only moves when the content does. */
  version: number;
  pcrPid: number;
  programInfo: Descriptor[];
  streams: PmtStream[];
}

export interface PidMap {
  /** Output PID per input PID, DROP for PIDs the output does not carry. */
  readonly pid: Uint16Array;
  /** The output's PAT/PMT while this input is on air. */
  readonly program: OutputProgram;
  /** Input PID → output PID for the program's streams and PCR, for snapshots. */
  readonly pairs: { from: number; to: number }[];
}

function descriptorsKey(ds: readonly Descriptor[]): string {
  return ds.map((d) => `${d.tag}:${d.data.toString('hex')}`).join(',');
}

/** The content of two layouts is the same (versions aside). */
export function sameLayout(a: ProgramLayout, b: ProgramLayout): boolean {
  return programKey(a) === programKey(b) && a.transportStreamId === b.transportStreamId && a.pmtPid === b.pmtPid;
}

/** What makes a PMT the same PMT: program, PCR PID, descriptors and streams; not the version. */
export function programKey(p: Pick<OutputProgram, 'programNumber' | 'pcrPid' | 'programInfo' | 'streams'>): string {
  const streams = p.streams.map((s) => `${s.streamType}/${s.pid}/${descriptorsKey(s.descriptors)}`).join(';');
  return `${p.programNumber}|${p.pcrPid}|${descriptorsKey(p.programInfo)}|${streams}`;
}

/** The output as the reference itself: every PID passes unchanged. */
export function identityMap(reference: ProgramLayout): PidMap {
  const pid = new Uint16Array(MAX_PID + 1);
  for (let i = 0; i <= MAX_PID; i++) pid[i] = i;
  const pairs = reference.streams.map((s) => ({ from: s.pid, to: s.pid }));
  if (reference.pcrPid !== NULL_PID && !reference.streams.some((s) => s.pid === reference.pcrPid)) pairs.push({ from: reference.pcrPid, to: reference.pcrPid });
  return { pid, pairs, program: { ...reference, streams: reference.streams.map(({ codec: _codec, ...s }) => s) } };
}

/**
 * How `input`'s PIDs reach an output laid out as `reference`. Elementary streams pair up by
 * codec in PMT order; the PCR goes with its stream (or onto the reference's PCR-only PID);
 * PSI/SI PIDs (0x00-0x1F) and null packets pass; anything else the PMT does not declare is dropped.
 */
export function mapOntoReference(reference: ProgramLayout, input: ProgramLayout): PidMap {
  const pid = new Uint16Array(MAX_PID + 1).fill(DROP);
  for (let i = 0; i <= LAST_RESERVED_PID; i++) pid[i] = i;
  pid[NULL_PID] = NULL_PID;
  pid[input.pmtPid] = DROP; // the output carries its own PMT on the reference's PMT PID
  const used = new Set<number>([PAT_PID, NULL_PID, reference.pmtPid, reference.pcrPid, ...reference.streams.map((s) => s.pid)]);
  const taken = new Set<number>();
  const pairs: { from: number; to: number }[] = [];
  const extras: PmtStream[] = [];
  const freePid = (wanted: number): number => {
    if (wanted > LAST_RESERVED_PID && wanted < NULL_PID && !used.has(wanted)) return wanted;
    for (let p = FIRST_FREE_PID; p < NULL_PID; p++) if (!used.has(p)) return p;
    return DROP;
  };
  for (const s of input.streams) {
    const match = reference.streams.find((r) => r.codec === s.codec && !taken.has(r.pid));
    let to: number;
    if (match) {
      taken.add(match.pid);
      to = match.pid;
    } else {
      to = freePid(s.pid);
      if (to === DROP) continue;
      used.add(to);
      extras.push({ streamType: s.streamType, pid: to, descriptors: s.descriptors });
    }
    pid[s.pid] = to;
    pairs.push({ from: s.pid, to });
  }
  let pcrPid = reference.pcrPid;
  if (input.pcrPid !== NULL_PID) {
    const mapped = pid[input.pcrPid]!;
    if (mapped !== DROP && input.streams.some((s) => s.pid === input.pcrPid)) {
      pcrPid = mapped;
    } else {
      // A PCR-only PID: onto the reference's, if that is PCR-only too; else a free one.
      const referencePcrOnly = !reference.streams.some((s) => s.pid === reference.pcrPid) && reference.pcrPid !== NULL_PID;
      pcrPid = referencePcrOnly ? reference.pcrPid : freePid(input.pcrPid);
      pid[input.pcrPid] = pcrPid;
      if (pcrPid !== DROP) used.add(pcrPid);
      pairs.push({ from: input.pcrPid, to: pcrPid });
    }
  }
  const programInfo = [...reference.programInfo];
  const addsCues = extras.some((s) => s.streamType === STREAM_TYPE.SCTE35);
  if (addsCues && findRegistration(programInfo) !== SCTE35_FORMAT_IDENTIFIER) programInfo.push(registrationDescriptor(SCTE35_FORMAT_IDENTIFIER));
  const streams: PmtStream[] = [...reference.streams.map(({ codec: _codec, ...s }) => s), ...extras];
  return { pid, pairs, program: { ...reference, pcrPid, programInfo, streams } };
}
