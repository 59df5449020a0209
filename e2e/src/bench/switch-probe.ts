// The receiving end of the --backup switch-time loop: one UDP socket taking a channel's UDP
// output. It finds where the output resumed after the main went silent (the first datagram
// after a silence, and the first video PES start after the PAT that follows: the backup's key
// frame), and runs
// everything it got through the streaming TsInspector tsReport uses: continuity counters
// (discontinuity_indicator honoured), PIDs, the PMT, SCTE-35 sections with their CRC.
import { createSocket, type Socket } from 'node:dgram';
import { NULL_PID, PAT_PID, type Pmt, STREAM_TYPE, TS_PACKET_SIZE, TS_SYNC_BYTE, tsHasPayload, TsInspector, tsPid, tsPusi } from '@mld/mpegts';
import { monotonicMs } from './looped-stream.js';

const VIDEO_TYPES: readonly number[] = [STREAM_TYPE.H264, STREAM_TYPE.H265, STREAM_TYPE.MPEG2_VIDEO];

/** Where the output came back after a silence (monotonic ms). */
export interface Resumption {
  /** Last datagram before the silence. */
  silentFrom: number;
  /** First datagram after it. */
  firstAt: number;
  /** First video PES start after the PAT that follows the silence: the new input's picture (null until it came). */
  videoAt: number | null;
}

export interface ProbeResult {
  datagrams: number;
  bytes: number;
  ccErrors: number;
  ccErrorsByPid: Record<number, number>;
  /** Packets carrying discontinuity_indicator (expected: about one per switch, on the PCR PID). */
  discontinuityIndicators: number;
  syncLosses: number;
  /** Non-null PIDs seen over the whole loop, and those of them neither PSI/SI (0x00–0x1F), a PMT PID of the PAT nor a stream of the PMT. */
  pidsAll: number[];
  undeclaredPids: number[];
  /** Distinct PMTs (version, PCR PID, streams) seen at the checkpoints: 1 = one layout throughout. */
  pmtLayouts: string[];
  cues: { valid: number; invalid: number };
}

export class SwitchProbe {
  private readonly inspector: TsInspector;
  private readonly cues = { valid: 0, invalid: 0 };
  private readonly pids = new Set<number>();
  private readonly layouts = new Set<string>();
  private datagrams = 0;
  private bytes = 0;
  private lastAt = 0;
  private armed: { after: number; silenceMs: number } | undefined;
  private found: Resumption | undefined;
  private videoPid = -1;
  /** A PAT came after the silence: what follows is the new input's (the UDP output may still hold the old one's last packets). */
  private sawPat = false;

  private constructor(
    private readonly socket: Socket,
    scte35Pid: number,
  ) {
    this.inspector = new TsInspector({ scte35Pids: [scte35Pid], retainCues: false, onCue: (cue) => (cue.crcValid ? this.cues.valid++ : this.cues.invalid++) });
    socket.on('message', (msg) => this.onDatagram(msg, monotonicMs()));
  }

  static async open(scte35Pid: number): Promise<SwitchProbe> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined);
    try {
      socket.setRecvBufferSize(8 * 1024 * 1024);
    } catch {
      /* capped by net.core.rmem_max */
    }
    return new SwitchProbe(socket, scte35Pid);
  }

  get port(): number {
    return this.socket.address().port;
  }

  get received(): number {
    return this.bytes;
  }

  /**
   * Looks for the output's return: the first datagram arriving after `after` that follows a
   * silence of at least `silenceMs`. Also a checkpoint of the layout (PIDs and PMT so far).
   */
  arm(after: number, silenceMs: number): void {
    this.checkpoint();
    this.found = undefined;
    this.armed = { after, silenceMs };
  }

  /** The return found since arm() (with the video's first payload once that came too). */
  resumption(): Resumption | undefined {
    return this.found;
  }

  /** Notes the PMT as it is now (call between switches and at the end). */
  checkpoint(): void {
    const pmts = this.inspector.report().pmts;
    if (pmts.length > 0) this.layouts.add(layoutKey(pmts));
    const video = pmts[0]?.streams.find((s) => VIDEO_TYPES.includes(s.streamType));
    if (video) this.videoPid = video.pid;
  }

  result(): ProbeResult {
    this.checkpoint();
    const report = this.inspector.report();
    const ccErrorsByPid: Record<number, number> = {};
    for (const p of report.pids) if (p.ccErrors > 0) ccErrorsByPid[p.pid] = p.ccErrors;
    const declared = new Set<number>([...(report.pat?.programs.map((p) => p.pmtPid) ?? []), ...report.pmts.flatMap((p) => p.streams.map((s) => s.pid))]);
    const pidsAll = [...this.pids].sort((a, b) => a - b);
    return {
      datagrams: this.datagrams,
      bytes: this.bytes,
      ccErrors: report.ccErrors,
      ccErrorsByPid,
      discontinuityIndicators: report.pids.reduce((n, p) => n + p.discontinuityIndicators, 0),
      syncLosses: report.syncLosses,
      pidsAll,
      undeclaredPids: pidsAll.filter((pid) => pid > 0x1f && !declared.has(pid)),
      pmtLayouts: [...this.layouts],
      cues: { ...this.cues },
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onDatagram(msg: Buffer, at: number): void {
    this.datagrams++;
    this.bytes += msg.length;
    const armed = this.armed;
    if (armed && at > armed.after && this.lastAt > 0 && at - this.lastAt >= armed.silenceMs) {
      this.found = { silentFrom: this.lastAt, firstAt: at, videoAt: null };
      this.sawPat = false;
      this.armed = undefined;
    }
    this.lastAt = at;
    // The service sends whole packets, 7 to a datagram; anything else only goes to the inspector.
    if (msg.length % TS_PACKET_SIZE === 0) {
      for (let off = 0; off < msg.length; off += TS_PACKET_SIZE) {
        if (msg[off] !== TS_SYNC_BYTE) continue;
        const pid = tsPid(msg, off);
        if (pid === NULL_PID) continue;
        this.pids.add(pid);
        if (!this.found || this.found.videoAt !== null) continue;
        if (pid === PAT_PID) this.sawPat = true;
        else if (this.sawPat && pid === this.videoPid && tsPusi(msg, off) && tsHasPayload(msg, off)) this.found.videoAt = at;
      }
    }
    this.inspector.push(msg);
  }
}

function layoutKey(pmts: readonly Pmt[]): string {
  return pmts.map((p) => `program ${p.programNumber} v${p.version} PCR 0x${p.pcrPid.toString(16)}: ${p.streams.map((s) => `0x${s.pid.toString(16)}/0x${s.streamType.toString(16)}`).join(' ')}`).join('; ');
}
