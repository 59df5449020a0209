import { genericLineParser, type LineParser } from '@mld/supervisor';

/** One `-pf:json -f` report of a receiving srt-live-transmit: totals since the connection started. */
export interface SrtReceiveReport {
  /** SRT socket id: a new one for each connection. */
  sid: number;
  rttMs: number;
  recvRateMbps: number;
  /** Negotiated TSBPD latency, ms (the larger of both sides' settings). */
  latencyMs: number;
  packetsReceived: number;
  /** Detected as missing (most are then recovered by retransmission). */
  packetsLost: number;
  packetsRetransmitted: number;
  /** Not recovered in time: gone for good. */
  packetsDropped: number;
}

/**
 * What a line of srt-live-transmit 1.5.1 (receiving, `-v -loglevel:note`) means for the input.
 * Wording measured by running it (ADR 0011); libsrt's lines carry a "06:48:33.638720/SRT:RcvQ:w1!W:SRT.cn: "
 * prefix, the application's do not.
 */
export type SrtInputLine =
  | { kind: 'stats'; report: SrtReceiveReport }
  /** A caller's handshake packet reached the listener (induction or conclusion). */
  | { kind: 'request'; peer: string }
  /** The listener completed the handshake of the caller named by the last `request`. */
  | { kind: 'handshake_done' }
  /** The listener refused the caller named by the last `request`. */
  | { kind: 'refused'; code: number; reason: string }
  /** Caller mode: the listener refused our call. */
  | { kind: 'refused_by_listener'; reason: string }
  /** Listener mode: the caller whose handshake completed is now the source. */
  | { kind: 'accepted' }
  /** Caller mode: our call was answered (libsrt's line, at the handshake). */
  | { kind: 'established'; peer: string }
  /** The connected peer left (closed, or silent past libsrt's peer idle timeout). */
  | { kind: 'disconnected' }
  /** A failure that ends the child; `errno` from srt-live-transmit's verbose "ERROR #1003.98:". */
  | { kind: 'error'; message: string; errno: number | null };

const LIB_PREFIX = /^\d\d:\d\d:\d\d\.\d+\/\S+: /;

export function parseSrtInputLine(raw: string): SrtInputLine | undefined {
  const line = raw.trim();
  if (line.startsWith('{')) {
    const report = parseSrtReceiveReport(line);
    return report ? { kind: 'stats', report } : undefined;
  }
  if (line === 'Accepted SRT source connection') return { kind: 'accepted' };
  if (line === 'SRT source disconnected') return { kind: 'disconnected' };
  const lib = LIB_PREFIX.exec(line);
  if (lib) {
    const text = line.slice(lib[0].length);
    let m = /^PASSING request from: (\S+) to agent/.exec(text);
    if (m) return { kind: 'request', peer: m[1]! };
    if (/^listen ret: -1 - conclusion/.test(text)) return { kind: 'handshake_done' };
    m = /^processConnectRequest: rsp\(REJECT\): (\d+) - (.+)$/.exec(text);
    if (m) return { kind: 'refused', code: Number(m[1]), reason: m[2]! };
    m = /^processAsyncConnectRequest: REJECT reported from HS processing: (.+?)(?: - not processing further)?$/.exec(text);
    if (m) return { kind: 'refused_by_listener', reason: m[1]! };
    m = /^@\d+:Connection established to: (\S+)$/.exec(text);
    if (m) return { kind: 'established', peer: m[1]! };
    return undefined;
  }
  let m = /^ERROR #\d+\.(\d+): (.+)$/.exec(line);
  if (m) return { kind: 'error', errno: Number(m[1]) || null, message: m[2]! };
  m = /^ERROR: (?:error: )?(.+)$/.exec(line);
  if (m) return { kind: 'error', errno: null, message: m[1]! };
  m = /^Port value invalid: (.+)$/.exec(line);
  if (m) return { kind: 'error', errno: null, message: `port value invalid: ${m[1]}` };
  return undefined;
}

export function parseSrtReceiveReport(line: string): SrtReceiveReport | undefined {
  let j: { sid?: unknown; link?: { rtt?: unknown }; recv?: Record<string, unknown> };
  try {
    j = JSON.parse(line) as typeof j;
  } catch {
    return undefined;
  }
  if (typeof j !== 'object' || j === null || typeof j.recv !== 'object' || j.recv === null) return undefined;
  const recv = j.recv;
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    sid: n(j.sid),
    rttMs: n(j.link?.rtt),
    recvRateMbps: n(recv['mbitRate']),
    latencyMs: n(recv['msTsbPdDelay']),
    packetsReceived: n(recv['packets']),
    packetsLost: n(recv['packetsLost']),
    packetsRetransmitted: n(recv['packetsRetransmitted']),
    packetsDropped: n(recv['packetsDropped']),
  };
}

/** libsrt's reject reasons (SRT_REJ_*) in an operator's words, from the side that refused. */
export function describeRefusal(code: number | null, reason: string, weHavePassphrase: boolean): string {
  if (code === 1010 || /incorrect passphrase/i.test(reason)) return 'bad passphrase';
  if (code === 1011 || /password required or unexpected/i.test(reason)) {
    return weHavePassphrase ? 'no passphrase (this input requires one)' : 'it sent a passphrase, this input has none';
  }
  if (code === 1008) return 'SRT version not supported';
  if (code === 1005) return 'too many connection attempts at once';
  return reason.toLowerCase();
}

/** Caller mode: why the listener refused us, in our words. */
export function describeRefusalByListener(reason: string, weHavePassphrase: boolean): string {
  if (/incorrect passphrase/i.test(reason)) return 'bad passphrase';
  if (/password required or unexpected/i.test(reason)) return weHavePassphrase ? 'the listener has no passphrase, this input has one' : 'the listener requires a passphrase';
  return reason.toLowerCase();
}

/** An exit's reason from srt-live-transmit's error line (errno from `-v`), or undefined. */
export function describeSrtError(line: Extract<SrtInputLine, { kind: 'error' }>, where: string, listening: boolean): string {
  const verb = listening ? 'cannot listen on' : 'cannot call';
  switch (line.errno) {
    case 98:
      return `${verb} ${where}: the port is already used by another program`;
    case 99:
      return `${verb} ${where}: ${where.replace(/:\d+$/, '')} is not an address of this host`;
    case 13:
      return `${verb} ${where}: permission denied`;
    default:
      return `${verb} ${where}: ${line.message}`;
  }
}

/**
 * For the supervisor: statistics and connection lines prove the child works; error lines give
 * the exit its reason (the source words it better from the same lines, see SrtSource).
 */
export const srtInputLineParser: LineParser = {
  parse(line) {
    const parsed = parseSrtInputLine(line);
    if (!parsed) return /^(Media path:|SRT parameters specified:|\t)/.test(line) || LIB_PREFIX.test(line.trim()) ? undefined : genericLineParser.parse(line);
    switch (parsed.kind) {
      case 'stats':
      case 'accepted':
      case 'established':
        return { progress: { [parsed.kind]: 1 } };
      case 'error':
        return { error: parsed.message };
      default:
        return undefined;
    }
  },
};
