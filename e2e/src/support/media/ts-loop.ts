// Makes a short feed loop seamlessly, so a long test or the benchmark can send it for minutes
// and still expect 0 CC errors: pass k gets continuity counters, PCR, PTS/DTS and the SCTE-35
// pts_adjustment shifted as if the stream had simply gone on (a raw replay would show a CC
// error per PID and a clock jump back at every seam).
import {
  crc32mpeg2,
  inspectTs,
  NULL_PID,
  PTS_MODULO,
  readPesTimestamps,
  TS_PACKET_SIZE,
  tsContinuityCounter,
  tsHasPayload,
  tsPayloadOffset,
  tsPcr,
  tsPid,
  tsPusi,
  writePcr,
  writePesTimestamp,
} from '@mld/mpegts';

const PCR_MODULO = PTS_MODULO * 300;

export class TsLooper {
  /** Continuity counter step per pass, per PID. */
  private readonly ccStep = new Map<number, number>();
  private readonly scte35Pids: Set<number>;
  /** One pass in 90 kHz ticks (PCR uses the same duration × 300, so both stay consistent). */
  readonly passTicks90k: number;

  /** `ts` must be whole packets; `bitrate` is the stream's real mux rate (see pcrTiming). */
  constructor(
    private readonly ts: Buffer,
    bitrate: number,
  ) {
    if (ts.length % TS_PACKET_SIZE !== 0) throw new RangeError('a looped feed must be whole 188-byte packets');
    this.passTicks90k = Math.round((ts.length * 8 * 90_000) / bitrate);
    this.scte35Pids = new Set(inspectTs(ts).scte35Pids);
    const first = new Map<number, { cc: number; payload: boolean }>();
    const lastCc = new Map<number, number>();
    for (let off = 0; off < ts.length; off += TS_PACKET_SIZE) {
      const pid = tsPid(ts, off);
      if (pid === NULL_PID) continue;
      const cc = tsContinuityCounter(ts, off);
      if (!first.has(pid)) first.set(pid, { cc, payload: tsHasPayload(ts, off) });
      lastCc.set(pid, cc);
    }
    for (const [pid, f] of first) {
      // The first packet of the next pass must follow the last one of this pass.
      this.ccStep.set(pid, (lastCc.get(pid)! + (f.payload ? 1 : 0) - f.cc + 16) & 0x0f);
    }
  }

  /** Pass 0 is the feed itself; later passes are rewritten copies. */
  pass(k: number): Buffer {
    if (k === 0) return this.ts;
    const out = Buffer.from(this.ts);
    const shift90k = (k * this.passTicks90k) % PTS_MODULO;
    for (let off = 0; off < out.length; off += TS_PACKET_SIZE) {
      const pid = tsPid(out, off);
      if (pid === NULL_PID) continue;
      const cc = (tsContinuityCounter(out, off) + k * this.ccStep.get(pid)!) & 0x0f;
      out[off + 3] = (out[off + 3]! & 0xf0) | cc;
      const pcr = tsPcr(out, off);
      if (pcr >= 0) writePcr(out, off + 6, (pcr + shift90k * 300) % PCR_MODULO);
      if (!tsPusi(out, off)) continue;
      const payload = tsPayloadOffset(out, off);
      if (payload < 0) continue;
      if (this.scte35Pids.has(pid)) shiftSpliceSection(out, payload, off + TS_PACKET_SIZE, shift90k);
      else shiftPesTimestamps(out, payload, off + TS_PACKET_SIZE, shift90k);
    }
    return out;
  }
}

function shiftPesTimestamps(buf: Buffer, p: number, end: number, shift: number): void {
  const { pts, dts } = readPesTimestamps(buf, p, end);
  if (pts < 0) return;
  const both = dts >= 0;
  writePesTimestamp(buf, p + 9, both ? 0b0011 : 0b0010, (pts + shift) % PTS_MODULO);
  if (both) writePesTimestamp(buf, p + 14, 0b0001, (dts + shift) % PTS_MODULO);
}

/** Adds to pts_adjustment (the field SCTE 35 has for exactly this) and re-signs the section. */
function shiftSpliceSection(buf: Buffer, payload: number, end: number, shift: number): void {
  const s = payload + 1 + buf[payload]!; // pointer_field
  if (s + 14 > end || buf[s] !== 0xfc) return;
  const length = (((buf[s + 1]! & 0x0f) << 8) | buf[s + 2]!) + 3;
  if (s + length > end) return; // sections spanning packets are left alone (ours fit in one)
  const b4 = buf[s + 4]!;
  const adj = (b4 & 0x01) * 2 ** 32 + buf.readUInt32BE(s + 5);
  const next = (adj + shift) % PTS_MODULO;
  buf[s + 4] = (b4 & 0xfe) | Math.floor(next / 2 ** 32);
  buf.writeUInt32BE(next % 2 ** 32, s + 5);
  buf.writeUInt32BE(crc32mpeg2(buf.subarray(s, s + length - 4)), s + length - 4);
}
