// The light, always-on analysis of one input of a main/backup pair (hot standby): enough to know
// whether it is fit to go on air (data, sync, PAT/PMT, the video PID: the TR 101 290 priority-1
// conditions that matter for a switch), its PID layout, where its random-access points are, its
// latest clocks (to join its timeline to the output's) and its SCTE-35 sections. Per packet a few
// typed-array reads and writes; sections are only assembled on PAT, PMT and SCTE-35 PIDs.
import {
  MAX_PID,
  NULL_PID,
  PAT_PID,
  parsePat,
  parsePmt,
  readPesTimestamps,
  SCTE35_TABLE_ID,
  SectionAssembler,
  STREAM_TYPE,
  TS_PACKET_SIZE,
  TS_SYNC_BYTE,
  tsPcr,
} from '@mld/mpegts';
import { describeStream } from '@mld/ts-analysis';
import type { InputFault } from '../../types.js';
import { type ProgramLayout, sameLayout } from './program-layout.js';
import { isRandomAccess, videoCodecOf, type VideoCodec } from './random-access.js';

/** The packet starts a random-access point of the input's video. */
export const FLAG_RAP = 1;
/** The packet is on the PAT or the program's PMT PID (the output carries its own PSI instead). */
export const FLAG_PSI = 2;
/** A PAT section of this input completed in this packet. */
export const FLAG_PAT_DONE = 4;
/** The program's PMT section completed in this packet. */
export const FLAG_PMT_DONE = 8;
/** The packet is on one of the program's SCTE-35 PIDs (cues reach the output as sections). */
export const FLAG_CUE_PID = 16;

const ROLE_NONE = 0;
const ROLE_PAT = 1;
const ROLE_PMT = 2;
const ROLE_ES = 3;
const ROLE_SCTE35 = 4;

/** TR 101 290 1.3 / 1.5: a PAT and each PMT at least every 0.5 s. */
const PSI_INTERVAL_MS = 500;
/** TR 101 290 5.2.1: two bad sync bytes lose sync, five good ones regain it. */
const SYNC_LOSS_AFTER = 2;
const SYNC_ACQUIRE_AFTER = 5;

export interface InputHealth {
  /** The condition that makes the input unfit right now, or null. */
  fault: InputFault | null;
  /** When that fault began. */
  since: number;
  /** It has lasted long enough (lossMs) to switch away. */
  failed: boolean;
  /** Data within lossMs and a known PID layout: it could be put on air, even if faulty. */
  usable: boolean;
}

export interface InputMonitorOptions {
  lossMs: number;
  /** When the input was started: "nothing yet" counts from here. */
  startedAt: number;
  /** A complete SCTE-35 section on `pid` (this input's PID). The buffer is the caller's to keep. */
  onCue?: (section: Buffer, pid: number) => void;
}

export class InputMonitor {
  layout: ProgramLayout | null = null;
  /** Bumped whenever the PID layout's content changes. */
  layoutSeq = 0;
  packets = 0;
  lastPacketAt = -1;
  lastRapAt = -1;
  lastPcr27M = -1;
  lastPcrAt = -1;
  /** Latest decode time (DTS, else PTS) per PID, 90 kHz; -1 unknown. */
  readonly lastDecode = new Float64Array(MAX_PID + 1).fill(-1);
  /** Latest step between two decode times per PID (a frame's duration), 90 kHz. */
  readonly decodeStep = new Float64Array(MAX_PID + 1);
  videoPid = -1;
  /** "Nothing yet" counts from here (the input's start). */
  startedAt: number;
  private videoCodec: VideoCodec = 0;
  private pcrPid = -1;
  private lastPatAt = -1;
  private lastPmtAt = -1;
  private lastVideoAt = -1;
  private synced = true;
  private syncLostAt = -1;
  private badRun = 0;
  private goodRun = 0;
  private readonly role = new Uint8Array(MAX_PID + 1);
  private readonly assemblers = new Map<number, SectionAssembler>();
  private pmtPid = -1;
  private programNumber = -1;
  private tsid = 0;
  private patVersion = 0;
  private flags = 0;
  private now = 0;
  private readonly gapToleranceMs: number;

  constructor(private readonly o: InputMonitorOptions) {
    this.gapToleranceMs = Math.min(200, o.lossMs);
    this.startedAt = o.startedAt;
    this.role[PAT_PID] = ROLE_PAT;
    this.assemblers.set(PAT_PID, new SectionAssembler(PAT_PID, (s) => this.onPat(s)));
  }

  /** Looks at one 188-byte packet received at `now`; returns FLAG_* bits about it. */
  packet(buf: Buffer, off: number, now: number): number {
    this.packets++;
    this.lastPacketAt = now;
    if (buf[off] !== TS_SYNC_BYTE) {
      this.goodRun = 0;
      if (this.synced && ++this.badRun >= SYNC_LOSS_AFTER) {
        this.synced = false;
        this.syncLostAt = now;
      }
      return 0;
    }
    this.badRun = 0;
    if (!this.synced) {
      if (++this.goodRun < SYNC_ACQUIRE_AFTER) return 0;
      this.synced = true;
    }
    const b1 = buf[off + 1]!;
    const pid = ((b1 & 0x1f) << 8) | buf[off + 2]!;
    if (pid === NULL_PID || (b1 & 0x80) !== 0) return 0;
    if (pid === this.pcrPid && (buf[off + 3]! & 0x20) !== 0) {
      const pcr = tsPcr(buf, off);
      if (pcr >= 0) {
        this.lastPcr27M = pcr;
        this.lastPcrAt = now;
      }
    }
    const role = this.role[pid]!;
    if (role === ROLE_NONE) return 0;
    if (role === ROLE_ES) return this.elementary(buf, off, pid, now);
    this.flags = role === ROLE_SCTE35 ? FLAG_CUE_PID : FLAG_PSI;
    this.now = now;
    this.assemblers.get(pid)?.push(buf, off);
    return this.flags;
  }

  /** Whether the input is fit to be on air at `now`, and if not why and since when. */
  health(now: number): InputHealth {
    const loss = this.o.lossMs;
    const usable = this.lastPacketAt >= 0 && now - this.lastPacketAt < loss && this.layout !== null;
    const fault = (f: InputFault, since: number, failAt: number): InputHealth => ({ fault: f, since, failed: now >= failAt, usable });
    const start = this.startedAt;
    if (this.lastPacketAt < 0) return fault('no_data', start, start + loss);
    if (now - this.lastPacketAt > this.gapToleranceMs) return fault('no_data', this.lastPacketAt, this.lastPacketAt + loss);
    if (!this.synced) return fault('sync_loss', this.syncLostAt, this.syncLostAt + loss);
    // Of the faults present, the one that fails first (the oldest, in switch terms) is the one reported.
    let worst: InputHealth | null = null;
    let worstFailAt = Number.POSITIVE_INFINITY;
    const consider = (f: InputFault, since: number, failAt: number): void => {
      if (failAt < worstFailAt) {
        worst = fault(f, since, failAt);
        worstFailAt = failAt;
      }
    };
    const patDue = (this.lastPatAt < 0 ? start : this.lastPatAt) + PSI_INTERVAL_MS;
    if (now > patDue) consider('pat_missing', patDue, patDue + loss);
    const pmtDue = (this.lastPmtAt < 0 ? start : this.lastPmtAt) + PSI_INTERVAL_MS;
    if (now > pmtDue) consider('pmt_missing', pmtDue, pmtDue + loss);
    if (this.videoPid >= 0) {
      const seen = this.lastVideoAt < 0 ? start : this.lastVideoAt;
      if (now - seen > this.gapToleranceMs) consider('video_missing', seen, seen + loss);
    }
    if (worst) return worst;
    return { fault: null, since: now, failed: false, usable };
  }

  private elementary(buf: Buffer, off: number, pid: number, now: number): number {
    const video = pid === this.videoPid;
    if (video) this.lastVideoAt = now;
    if ((buf[off + 1]! & 0x40) === 0) return 0;
    const b3 = buf[off + 3]!;
    if ((b3 & 0x10) === 0) return 0;
    const p = (b3 & 0x20) === 0 ? off + 4 : off + 5 + buf[off + 4]!;
    if (p < off + TS_PACKET_SIZE) {
      const { pts, dts } = readPesTimestamps(buf, p, off + TS_PACKET_SIZE);
      const decode = dts >= 0 ? dts : pts;
      if (decode >= 0) {
        const last = this.lastDecode[pid]!;
        if (last >= 0) {
          const step = decode - last;
          if (step > 0 && step < 90_000) this.decodeStep[pid] = step;
        }
        this.lastDecode[pid] = decode;
      }
    }
    if (video && isRandomAccess(buf, off, this.videoCodec)) {
      this.lastRapAt = now;
      return FLAG_RAP;
    }
    return 0;
  }

  private onPat(section: Buffer): void {
    const r = parsePat(section);
    if (!r.ok) return;
    this.flags |= FLAG_PAT_DONE;
    this.lastPatAt = this.now;
    // One program per input (SPTS, what encoders send): the first one listed.
    const program = r.value.programs[0];
    this.tsid = r.value.transportStreamId;
    this.patVersion = r.value.version;
    if (!program || (program.pmtPid === this.pmtPid && program.programNumber === this.programNumber)) return;
    if (this.pmtPid >= 0) {
      this.role[this.pmtPid] = ROLE_NONE;
      this.assemblers.delete(this.pmtPid);
    }
    this.pmtPid = program.pmtPid;
    this.programNumber = program.programNumber;
    this.lastPmtAt = -1;
    this.role[program.pmtPid] = ROLE_PMT;
    this.assemblers.set(program.pmtPid, new SectionAssembler(program.pmtPid, (s) => this.onPmt(s)));
  }

  private onPmt(section: Buffer): void {
    const r = parsePmt(section);
    if (!r.ok || r.value.programNumber !== this.programNumber) return;
    this.flags |= FLAG_PMT_DONE;
    this.lastPmtAt = this.now;
    const pmt = r.value;
    const next: ProgramLayout = {
      transportStreamId: this.tsid,
      patVersion: this.patVersion,
      programNumber: pmt.programNumber,
      pmtPid: this.pmtPid,
      version: pmt.version,
      pcrPid: pmt.pcrPid,
      programInfo: pmt.programInfo,
      streams: pmt.streams.map((s) => ({ ...s, codec: describeStream(s.streamType, s.descriptors, pmt.programInfo).codec })),
    };
    if (this.layout && sameLayout(this.layout, next)) return;
    this.applyLayout(next);
  }

  private applyLayout(layout: ProgramLayout): void {
    for (const s of this.layout?.streams ?? []) {
      this.role[s.pid] = ROLE_NONE;
      this.assemblers.delete(s.pid);
    }
    this.layout = layout;
    this.layoutSeq++;
    this.pcrPid = layout.pcrPid === NULL_PID ? -1 : layout.pcrPid;
    const video = layout.streams.find((s) => describeStream(s.streamType, s.descriptors, layout.programInfo).kind === 'video');
    this.videoPid = video?.pid ?? -1;
    this.videoCodec = video ? videoCodecOf(video.streamType) : 0;
    for (const s of layout.streams) {
      if (s.pid === PAT_PID || s.pid === this.pmtPid || s.pid === NULL_PID) continue;
      if (s.streamType === STREAM_TYPE.SCTE35) {
        this.role[s.pid] = ROLE_SCTE35;
        this.assemblers.set(s.pid, new SectionAssembler(s.pid, (sec, pid) => this.onScte35(sec, pid)));
      } else {
        this.role[s.pid] = ROLE_ES;
      }
    }
  }

  private onScte35(section: Buffer, pid: number): void {
    if (section[0] !== SCTE35_TABLE_ID) return;
    this.o.onCue?.(section, pid);
  }
}
