// Where a recorded stream was joined (a looped file's passes, a replaced source) and what the
// clocks and counters do there: continuity errors by position, PCR steps, PES times per PID,
// and the pass boundaries of a looped file found by content (payload bytes the loop stitcher
// never rewrites), so a test can look exactly at each join instead of guessing.
import {
  ContinuityTracker,
  inspectTs,
  isContinuityError,
  NULL_PID,
  PTS_MODULO,
  readPesTimestamps,
  TS_PACKET_SIZE,
  TS_SYNC_BYTE,
  tsAdaptationFieldControl,
  tsDiscontinuity,
  tsPayloadOffset,
  tsPcr,
  tsPid,
  tsPusi,
} from '@mld/mpegts';

const PCR_MODULO = PTS_MODULO * 300;

/** Signed step from `a` to `b` on a clock that wraps at `modulo`. */
export function clockStep(a: number, b: number, modulo: number): number {
  const d = (((b - a) % modulo) + modulo) % modulo;
  return d >= modulo / 2 ? d - modulo : d;
}

/**
 * The whole packets of a recording from its first sync: a receiver's byte count at some moment
 * (where a test starts looking) need not fall on a packet boundary. Helpers below expect this.
 */
export function alignTs(buf: Buffer): Buffer {
  for (let i = 0; i < TS_PACKET_SIZE && i + 2 * TS_PACKET_SIZE < buf.length; i++) {
    if (buf[i] === TS_SYNC_BYTE && buf[i + TS_PACKET_SIZE] === TS_SYNC_BYTE && buf[i + 2 * TS_PACKET_SIZE] === TS_SYNC_BYTE) {
      return buf.subarray(i, i + Math.floor((buf.length - i) / TS_PACKET_SIZE) * TS_PACKET_SIZE);
    }
  }
  return buf.subarray(0, 0);
}

export interface PacketAt {
  /** Packet index in the stream. */
  packet: number;
  pid: number;
}

/** Every continuity_counter error, with the packet it was seen on (discontinuity_indicator honoured). */
export function ccErrorPositions(ts: Buffer): PacketAt[] {
  const tracker = new ContinuityTracker();
  const errors: PacketAt[] = [];
  for (let off = 0, i = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE, i++) {
    const pid = tsPid(ts, off);
    if (pid === NULL_PID) continue;
    if (isContinuityError(tracker.observe(ts, off, pid, tsDiscontinuity(ts, off)))) errors.push({ packet: i, pid });
  }
  return errors;
}

/** PCRs (27 MHz) of the first PMT's PCR PID, with their packet index and discontinuity_indicator. */
export function pcrsOf(ts: Buffer): { packet: number; pcr: number; discontinuity: boolean }[] {
  const pcrPid = inspectTs(ts).pmts[0]?.pcrPid ?? -1;
  const out: { packet: number; pcr: number; discontinuity: boolean }[] = [];
  for (let off = 0, i = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE, i++) {
    if (tsPid(ts, off) !== pcrPid) continue;
    const pcr = tsPcr(ts, off);
    if (pcr >= 0) out.push({ packet: i, pcr, discontinuity: tsDiscontinuity(ts, off) });
  }
  return out;
}

/** PCR steps in ms (negative: backwards), each with the packet of the later PCR. */
export function pcrStepsMs(pcrs: readonly { packet: number; pcr: number }[]): { packet: number; ms: number }[] {
  return pcrs.slice(1).map((p, i) => ({ packet: p.packet, ms: clockStep(pcrs[i]!.pcr, p.pcr, PCR_MODULO) / 27_000 }));
}

/** PES start times of every elementary PID (SCTE-35 left out), with their packet index; 90 kHz. */
export function pesTimes(ts: Buffer): { packet: number; pid: number; pts: number; dts: number }[] {
  const scte35 = new Set(inspectTs(ts).scte35Pids);
  const out: { packet: number; pid: number; pts: number; dts: number }[] = [];
  for (let off = 0, i = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE, i++) {
    const pid = tsPid(ts, off);
    if (!tsPusi(ts, off) || scte35.has(pid)) continue;
    const p = tsPayloadOffset(ts, off);
    if (p < 0) continue;
    const { pts, dts } = readPesTimestamps(ts, p, off + TS_PACKET_SIZE);
    if (pts >= 0) out.push({ packet: i, pid, pts, dts: dts >= 0 ? dts : pts });
  }
  return out;
}

export interface LoopedRecording {
  /** Packets per pass (the file's). */
  passPackets: number;
  /** Recording packet index where each later pass starts (the joins), in order. */
  joins: number[];
  /** File packet index the recording starts at. */
  startsAtFilePacket: number;
  /** Payload-only packets checked against the file at their expected place, and how many matched. */
  checked: number;
  matched: number;
}

/**
 * Lines a recording of a looped file up with the file: a payload-only, non-PES-start packet's
 * 184 payload bytes are never touched by the loop stitcher (it rewrites headers, PCRs, PES
 * headers and SCTE-35 sections), so one that occurs once in the file fixes the phase. Every
 * such packet is then checked at its predicted place: `matched === checked` means no packet
 * was lost, added or moved.
 */
export function locatePasses(recording: Buffer, file: Buffer): LoopedRecording | undefined {
  const passPackets = file.length / TS_PACKET_SIZE;
  const plain = (buf: Buffer, off: number) => tsAdaptationFieldControl(buf, off) === 1 && !tsPusi(buf, off) && tsPid(buf, off) !== NULL_PID;
  let phase = -1;
  for (let off = 0, i = 0; off + TS_PACKET_SIZE <= recording.length && phase < 0; off += TS_PACKET_SIZE, i++) {
    if (!plain(recording, off)) continue;
    const payload = recording.subarray(off + 4, off + TS_PACKET_SIZE);
    const at = file.indexOf(payload);
    if (at < 0 || at % TS_PACKET_SIZE !== 4 || file.indexOf(payload, at + 1) >= 0) continue;
    phase = ((at - 4) / TS_PACKET_SIZE - i + passPackets * 1000) % passPackets;
  }
  if (phase < 0) return undefined;
  let checked = 0;
  let matched = 0;
  for (let off = 0, i = 0; off + TS_PACKET_SIZE <= recording.length; off += TS_PACKET_SIZE, i++) {
    if (!plain(recording, off)) continue;
    const f = ((phase + i) % passPackets) * TS_PACKET_SIZE;
    checked++;
    if (recording.compare(file, f + 4, f + TS_PACKET_SIZE, off + 4, off + TS_PACKET_SIZE) === 0) matched++;
  }
  const joins: number[] = [];
  const packets = Math.floor(recording.length / TS_PACKET_SIZE);
  for (let j = (passPackets - phase) % passPackets || passPackets; j < packets; j += passPackets) joins.push(j);
  return { passPackets, joins, startsAtFilePacket: phase, checked, matched };
}

/**
 * The stream up to the last PES start of `pid`: what a decoder can read whole when the end of a
 * recording may stop inside a frame (an srt-live-transmit receiver holds its last few KiB in its
 * stdout buffer while it runs; FFmpeg remuxes hold their last packets until more input comes).
 */
export function upToLastPesStart(ts: Buffer, pid: number): Buffer {
  for (let off = ts.length - TS_PACKET_SIZE - (ts.length % TS_PACKET_SIZE); off >= 0; off -= TS_PACKET_SIZE) {
    if (tsPid(ts, off) === pid && tsPusi(ts, off)) return ts.subarray(0, off);
  }
  return ts.subarray(0, 0);
}

/**
 * The recording from `pid`'s first random-access point on, led by the recording's first PAT and its
 * PMT: a receiver that connected while the programme was running starts mid-GOP, and a decoder of
 * what it got would report the frames before the first key frame (no PPS yet) as errors.
 */
export function fromFirstRandomAccess(ts: Buffer, pid: number): Buffer {
  let pat: Buffer | null = null;
  let pmt: Buffer | null = null;
  let pmtPid = -1;
  for (let off = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE) {
    const p = tsPid(ts, off);
    if (p === 0 && !pat && tsPusi(ts, off)) {
      pat = ts.subarray(off, off + TS_PACKET_SIZE);
      const s = off + 4 + ((ts[off + 3]! & 0x20) !== 0 ? 1 + ts[off + 4]! : 0) + 1 + ts[off + 4 + ((ts[off + 3]! & 0x20) !== 0 ? 1 + ts[off + 4]! : 0)]!;
      pmtPid = ((ts[s + 10]! & 0x1f) << 8) | ts[s + 11]!;
    } else if (p === pmtPid && !pmt && tsPusi(ts, off)) {
      pmt = ts.subarray(off, off + TS_PACKET_SIZE);
    } else if (p === pid && pat && pmt && tsPusi(ts, off) && (ts[off + 3]! & 0x20) !== 0 && ts[off + 4]! > 0 && (ts[off + 5]! & 0x40) !== 0) {
      return Buffer.concat([pat, pmt, ts.subarray(off)]);
    }
  }
  return ts;
}
