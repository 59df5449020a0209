// What a stored TS is, from its first and last megabytes: is it TS at all, which PID carries the
// clock to pace by, how fast and how long it plays. Pure: the file source reads the bytes.
import {
  NULL_PID,
  PCR_CLOCK_HZ,
  PTS_CLOCK_HZ,
  PTS_MODULO,
  readPesTimestamps,
  TS_PACKET_SIZE,
  TsInspector,
  TsPacketAligner,
  tsPayloadOffset,
  tsPcr,
  tsPid,
  tsPusi,
  tsTransportError,
} from '@mld/mpegts';

const PCR_MODULO = PTS_MODULO * 300;
/** Below this share of 188-byte packets in the head, the file is not taken for TS. */
const MIN_TS_SHARE = 0.5;

export interface TsFileProbe {
  /** The PID whose PCR paces playback (the first program's PCR PID); null: the file has no PCR. */
  pcrPid: number | null;
  /** Mux rate measured in the head (PCR, else PES times), bits/s; null when neither is there. */
  bitrate: number | null;
  /** Playing time from the first to the last PCR (or size / bitrate without PCR); null when unknown. */
  durationMs: number | null;
}

export type TsFileProbeResult = { ok: true; value: TsFileProbe } | { ok: false; reason: string };

interface Scan {
  packets: number;
  pcrs: Map<number, { firstByte: number; first: number; lastByte: number; last: number }>;
  pes: Map<number, { firstByte: number; first: number; lastByte: number; last: number }>;
  inspector: TsInspector;
}

function scan(bytes: Buffer, withPes: boolean): Scan {
  const inspector = new TsInspector({ retainCues: false });
  const s: Scan = { packets: 0, pcrs: new Map(), pes: new Map(), inspector };
  const note = (m: Scan['pcrs'], pid: number, byte: number, value: number): void => {
    const e = m.get(pid);
    if (!e) m.set(pid, { firstByte: byte, first: value, lastByte: byte, last: value });
    else {
      e.lastByte = byte;
      e.last = value;
    }
  };
  const aligner = new TsPacketAligner((buf, off) => {
    const byte = s.packets++ * TS_PACKET_SIZE;
    inspector.pushPacket(buf, off);
    const pid = tsPid(buf, off);
    if (pid === NULL_PID || tsTransportError(buf, off)) return;
    const pcr = tsPcr(buf, off);
    if (pcr >= 0) note(s.pcrs, pid, byte, pcr);
    if (withPes && tsPusi(buf, off)) {
      const p = tsPayloadOffset(buf, off);
      const t = p < 0 ? { pts: -1, dts: -1 } : readPesTimestamps(buf, p, off + TS_PACKET_SIZE);
      if (t.pts >= 0) note(s.pes, pid, byte, t.dts >= 0 ? t.dts : t.pts);
    }
  });
  aligner.push(bytes);
  aligner.end();
  return s;
}

const span = (from: number, to: number, modulo: number): number => (((to - from) % modulo) + modulo) % modulo;

/** `head`: the file's first bytes; `tail`: its last ones (may overlap the head); `size`: the file's size. */
export function probeTsFile(head: Buffer, tail: Buffer, size: number): TsFileProbeResult {
  if (size < TS_PACKET_SIZE) return { ok: false, reason: `not an MPEG-TS file: ${size} bytes, shorter than one 188-byte packet` };
  const h = scan(head, true);
  const share = (h.packets * TS_PACKET_SIZE) / head.length;
  if (share < MIN_TS_SHARE) {
    const kb = Math.round(head.length / 1024);
    return { ok: false, reason: `not an MPEG-TS file: only ${Math.round(share * 100)} % of the first ${kb} KB are 188-byte packets starting with 0x47` };
  }
  const pmtPcrPid = h.inspector.report().pmts[0]?.pcrPid;
  const pcrPid = pmtPcrPid !== undefined && h.pcrs.has(pmtPcrPid) ? pmtPcrPid : (h.pcrs.keys().next().value ?? null);

  let bitrate: number | null = null;
  let durationMs: number | null = null;
  if (pcrPid !== null) {
    const p = h.pcrs.get(pcrPid)!;
    const ticks = span(p.first, p.last, PCR_MODULO);
    if (ticks > 0 && p.lastByte > p.firstByte) bitrate = ((p.lastByte - p.firstByte) * 8 * PCR_CLOCK_HZ) / ticks;
    const last = scan(tail, false).pcrs.get(pcrPid)?.last ?? p.last;
    durationMs = span(p.first, last, PCR_MODULO) / (PCR_CLOCK_HZ / 1000);
  } else {
    // No clock to pace by: the PES stream covering the most time in the head gives the rate.
    let best: { bytes: number; ticks: number } | null = null;
    for (const e of h.pes.values()) {
      const ticks = span(e.first, e.last, PTS_MODULO);
      if (ticks > 0 && ticks < PTS_MODULO / 2 && e.lastByte > e.firstByte && (!best || ticks > best.ticks)) best = { bytes: e.lastByte - e.firstByte, ticks };
    }
    if (best) bitrate = (best.bytes * 8 * PTS_CLOCK_HZ) / best.ticks;
    if (bitrate) durationMs = (size * 8 * 1000) / bitrate;
  }
  return { ok: true, value: { pcrPid, bitrate, durationMs } };
}
