// The mux rate of a CBR transport stream, read from its PCRs (bytes between the first and the
// last PCR over the time between them): what a real encoder paces its output by.
import { PCR_CLOCK_HZ, PTS_MODULO, TS_PACKET_SIZE, tsPcr, tsPid } from '@mld/mpegts';

export interface PcrTiming {
  pcrPid: number;
  /** Bits per second. */
  bitrate: number;
  firstPcr: number;
  firstPcrOffset: number;
}

const PCR_MODULO = PTS_MODULO * 300;

/** Undefined when the stream has fewer than two PCRs on its first PCR PID. */
export function pcrTiming(ts: Buffer): PcrTiming | undefined {
  let pcrPid = -1;
  let first = -1;
  let firstOffset = -1;
  let last = -1;
  let lastOffset = -1;
  for (let off = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE) {
    const pcr = tsPcr(ts, off);
    if (pcr < 0) continue;
    const pid = tsPid(ts, off);
    if (pcrPid < 0) {
      pcrPid = pid;
      first = pcr;
      firstOffset = off;
    } else if (pid === pcrPid) {
      last = pcr;
      lastOffset = off;
    }
  }
  if (last < 0) return undefined;
  const ticks = (last - first + PCR_MODULO) % PCR_MODULO;
  if (ticks === 0) return undefined;
  return { pcrPid, bitrate: ((lastOffset - firstOffset) * 8 * PCR_CLOCK_HZ) / ticks, firstPcr: first, firstPcrOffset: firstOffset };
}
