// The output's own PAT and PMT. Whichever input is on air, the output announces one program on
// the reference's PIDs; the version starts at the reference's and moves only when the content
// of the table really changes (a stream added or gone, another PCR PID), so a switch between two
// inputs with the same streams is invisible in the PSI. Counters run on across every switch.
import { buildPatSection, buildPmtSection, PAT_PID, SectionPacketizer } from '@mld/mpegts';
import { type OutputProgram, programKey } from './program-layout.js';

export class OutputPsi {
  private patSection: Buffer | null = null;
  private pmtSection: Buffer | null = null;
  private patKey = '';
  private pmtKey = '';
  private patVersion = -1;
  private pmtVersion = -1;
  private readonly pat = new SectionPacketizer(PAT_PID);
  private pmt: SectionPacketizer | null = null;

  /** The version of the PMT being sent, -1 before the first. */
  get version(): number {
    return this.pmtVersion;
  }

  /** Makes `program` what the output announces; true when the PMT's content changed. */
  set(program: OutputProgram): boolean {
    const patKey = `${program.transportStreamId}|${program.programNumber}|${program.pmtPid}`;
    if (patKey !== this.patKey) {
      this.patVersion = this.patVersion < 0 ? program.patVersion : (this.patVersion + 1) & 0x1f;
      this.patKey = patKey;
      this.patSection = buildPatSection({
        transportStreamId: program.transportStreamId,
        version: this.patVersion,
        programs: [{ programNumber: program.programNumber, pmtPid: program.pmtPid }],
      });
    }
    if (this.pmt?.pid !== program.pmtPid) this.pmt = new SectionPacketizer(program.pmtPid);
    const pmtKey = programKey(program);
    if (pmtKey === this.pmtKey) return false;
    this.pmtVersion = this.pmtVersion < 0 ? program.version : (this.pmtVersion + 1) & 0x1f;
    this.pmtKey = pmtKey;
    this.pmtSection = buildPmtSection({ ...program, version: this.pmtVersion });
    return true;
  }

  /** The PAT as TS packets, or null before set(). */
  patPackets(): Buffer | null {
    return this.patSection ? this.pat.packetize(this.patSection) : null;
  }

  pmtPackets(): Buffer | null {
    return this.pmtSection && this.pmt ? this.pmt.packetize(this.pmtSection) : null;
  }
}
