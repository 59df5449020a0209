// "Did the bytes come out exactly as they went in?" A receiver may join late and stop early,
// so the received stream is located inside the sent one before comparing byte for byte.
import { inspectTs, NULL_PID, type Scte35DecodeResult, TS_PACKET_SIZE, TS_SYNC_BYTE, tsPid } from '@mld/mpegts';

export interface Overlap {
  /** False when no part of `received` could be located in `sent`. */
  found: boolean;
  offsetInSent: number;
  offsetInReceived: number;
  /** Bytes compared. */
  length: number;
  identical: boolean;
  /** Offset, from the start of the overlap, of the first byte that differs. */
  firstMismatchAt?: number;
  /** length / sent.length */
  sentCoverage: number;
  /** length / received.length */
  receivedCoverage: number;
}

const WINDOW_PACKETS = 7;
const MAX_CANDIDATE_WINDOWS = 256;
const COMPARE_BLOCK = 64 * 1024;

/**
 * Finds where `received` sits in `sent` and compares the overlap. The anchor is the first
 * 7-packet window of `received` that occurs exactly once in `sent` (windows of null packets,
 * or a repeated PAT, occur many times and are skipped), so the match is unambiguous.
 */
export function findOverlap(sent: Buffer, received: Buffer): Overlap {
  const none: Overlap = { found: false, offsetInSent: 0, offsetInReceived: 0, length: 0, identical: false, sentCoverage: 0, receivedCoverage: 0 };
  const r0 = firstAlignedOffset(received);
  if (r0 < 0) return none;
  for (let k = 0, tried = 0; tried < MAX_CANDIDATE_WINDOWS; k++) {
    const w = r0 + k * TS_PACKET_SIZE;
    const end = Math.min(w + WINDOW_PACKETS * TS_PACKET_SIZE, received.length - ((received.length - r0) % TS_PACKET_SIZE));
    if (end - w < TS_PACKET_SIZE) break;
    const window = received.subarray(w, end);
    if (onlyNullPackets(window)) continue;
    tried++;
    const s = sent.indexOf(window);
    if (s < 0 || sent.lastIndexOf(window) !== s) continue;
    const delta = s - w; // sent index = received index + delta
    const offsetInReceived = Math.max(r0, -delta);
    const offsetInSent = offsetInReceived + delta;
    const length = Math.min(received.length - offsetInReceived, sent.length - offsetInSent);
    const firstMismatchAt = firstDifference(sent, offsetInSent, received, offsetInReceived, length);
    return {
      found: true,
      offsetInSent,
      offsetInReceived,
      length,
      identical: firstMismatchAt === undefined,
      ...(firstMismatchAt === undefined ? {} : { firstMismatchAt }),
      sentCoverage: sent.length === 0 ? 0 : length / sent.length,
      receivedCoverage: received.length === 0 ? 0 : length / received.length,
    };
  }
  return none;
}

/** First offset where three packets in a row start with the sync byte, or -1. */
function firstAlignedOffset(buf: Buffer): number {
  for (let i = 0; i < TS_PACKET_SIZE && i < buf.length; i++) {
    let ok = true;
    for (let p = i; p < Math.min(buf.length, i + 3 * TS_PACKET_SIZE); p += TS_PACKET_SIZE) ok &&= buf[p] === TS_SYNC_BYTE;
    if (ok) return i;
  }
  return -1;
}

function onlyNullPackets(window: Buffer): boolean {
  for (let off = 0; off + TS_PACKET_SIZE <= window.length; off += TS_PACKET_SIZE) if (tsPid(window, off) !== NULL_PID) return false;
  return true;
}

function firstDifference(a: Buffer, aOff: number, b: Buffer, bOff: number, length: number): number | undefined {
  for (let at = 0; at < length; at += COMPARE_BLOCK) {
    const n = Math.min(COMPARE_BLOCK, length - at);
    if (a.compare(b, bOff + at, bOff + at + n, aOff + at, aOff + at + n) === 0) continue;
    for (let i = 0; i < n; i++) if (a[aOff + at + i] !== b[bOff + at + i]) return at + i;
  }
  return undefined;
}

export interface TsReportCue {
  pid: number;
  crcValid: boolean;
  section: Buffer;
  packetIndex: number;
  /** splice_insert, time_signal, …; undefined when the section did not decode. */
  command?: string;
  /** splice_event_id, or the first segmentation_event_id of a time_signal. */
  eventId?: number;
  decoded: Scte35DecodeResult;
}

export interface TsReport {
  packets: number;
  nullPackets: number;
  ccErrors: number;
  ccErrorsByPid: Record<number, number>;
  transportErrors: number;
  syncLosses: number;
  bytesSkipped: number;
  pids: number[];
  scte35Pids: number[];
  cues: TsReportCue[];
}

/**
 * The checks every data-plane test makes on what came out: continuity per PID and every
 * SCTE-35 section with its CRC. `scte35Pids` adds PIDs to read cues from even before a PMT
 * is seen (a late joiner may get a cue before its first PMT).
 */
export function tsReport(buf: Buffer, opts: { scte35Pids?: readonly number[] } = {}): TsReport {
  const r = inspectTs(buf, { scte35Pids: opts.scte35Pids });
  const ccErrorsByPid: Record<number, number> = {};
  for (const p of r.pids) if (p.ccErrors > 0) ccErrorsByPid[p.pid] = p.ccErrors;
  return {
    packets: r.packets,
    nullPackets: r.nullPackets,
    ccErrors: r.ccErrors,
    ccErrorsByPid,
    transportErrors: r.transportErrors,
    syncLosses: r.syncLosses,
    bytesSkipped: r.bytesSkipped,
    pids: r.pids.map((p) => p.pid),
    scte35Pids: r.scte35Pids,
    cues: r.cues.map((c) => ({
      pid: c.pid,
      crcValid: c.crcValid,
      section: c.section,
      packetIndex: c.packetIndex,
      decoded: c.decoded,
      ...(c.decoded.ok ? { command: c.decoded.value.command.type, eventId: eventIdOf(c.decoded.value) } : {}),
    })),
  };
}

function eventIdOf(section: Extract<Scte35DecodeResult, { ok: true }>['value']): number | undefined {
  if (section.command.type === 'splice_insert') return section.command.spliceEventId;
  const seg = section.descriptors.find((d) => d.type === 'segmentation');
  return seg?.type === 'segmentation' ? seg.segmentationEventId : undefined;
}

/**
 * Cues of `expected` (by section bytes) that are not among the received cues with a valid CRC
 * on `pid`: empty when every cue made it intact.
 */
export function missingCues<T extends { section: Buffer }>(expected: readonly T[], received: readonly TsReportCue[], pid?: number): T[] {
  const got = received.filter((c) => c.crcValid && (pid === undefined || c.pid === pid));
  return expected.filter((e) => !got.some((c) => c.section.equals(e.section)));
}

/** Feed cues whose packets lie wholly inside [offset, offset + length) of the feed. */
export function cuesWithin<T extends { byteOffset: number; section: Buffer }>(cues: readonly T[], offset: number, length: number): T[] {
  return cues.filter((c) => c.byteOffset >= offset && c.byteOffset + TS_PACKET_SIZE * Math.ceil((c.section.length + 1) / 184) <= offset + length);
}
