import { randomBytes } from 'node:crypto';
import { isIpv4Multicast, parseChannelInput, type ChannelInputSpec, type DatagramInputType, type ErrorFieldProblem } from '@mld/contracts';

/** The seed's flat input fields (RTP/UDP only), still accepted beside `input`. */
export interface ChannelInputFields {
  input?: unknown;
  input_type?: DatagramInputType;
  bind_ip?: string;
  rtp_ip?: string;
  port?: number;
  rtp_port?: number;
  source_ip?: string | null;
  interface_ip?: string | null;
}

const FLAT_FIELDS = ['input_type', 'bind_ip', 'rtp_ip', 'port', 'rtp_port', 'source_ip', 'interface_ip'] as const;

/** A new RTMP stream key: 24 random bytes, URL-safe, prefixed so operators recognise it. */
export function newStreamKey(): string {
  return `live_${randomBytes(24).toString('base64url')}`;
}

type Result = { ok: true; value: ChannelInputSpec } | { ok: false; problems: ErrorFieldProblem[] };

/**
 * The channel's input after a request: `input` (any kind) replaces it; the seed's flat fields
 * (with the rtp_ip/rtp_port aliases) describe or change an RTP/UDP input; neither keeps it.
 */
export function resolveChannelInput(fields: ChannelInputFields, current: ChannelInputSpec | undefined, makeKey: () => string = newStreamKey): Result {
  const flatGiven = FLAT_FIELDS.filter((f) => fields[f] !== undefined);
  if (fields.input !== undefined) {
    if (flatGiven.length > 0) {
      return { ok: false, problems: flatGiven.map((f) => ({ field: f, message: `give the input either as "input" or with the flat fields, not both (${f} is a flat field)` })) };
    }
    return parseChannelInput(fields.input, current ?? null, makeKey);
  }
  if (current && flatGiven.length === 0) return { ok: true, value: current };
  const problems: ErrorFieldProblem[] = [];
  if (fields.bind_ip !== undefined && fields.rtp_ip !== undefined && fields.bind_ip !== fields.rtp_ip) {
    problems.push({ field: 'rtp_ip', message: 'rtp_ip is an alias of bind_ip; give one of them, or the same value' });
  }
  if (fields.port !== undefined && fields.rtp_port !== undefined && fields.port !== fields.rtp_port) {
    problems.push({ field: 'rtp_port', message: 'rtp_port is an alias of port; give one of them, or the same value' });
  }
  // Flat fields change an RTP/UDP input in place; on another kind they describe a new RTP/UDP input.
  const datagram = current && (current.type === 'rtp' || current.type === 'udp') ? current : undefined;
  const bindIp = fields.bind_ip ?? fields.rtp_ip ?? datagram?.bind_ip;
  const port = fields.port ?? fields.rtp_port ?? datagram?.port;
  if (bindIp === undefined) problems.push({ field: 'bind_ip', message: 'bind_ip (or rtp_ip) is required' });
  if (port === undefined) problems.push({ field: 'port', message: 'port (or rtp_port) is required' });
  const value: ChannelInputSpec = {
    type: fields.input_type ?? datagram?.type ?? 'rtp',
    bind_ip: bindIp ?? '',
    port: port ?? 0,
    source_ip: fields.source_ip !== undefined ? fields.source_ip : (datagram?.source_ip ?? null),
    interface_ip: fields.interface_ip !== undefined ? fields.interface_ip : (datagram?.interface_ip ?? null),
  };
  if (bindIp !== undefined && !isIpv4Multicast(bindIp)) {
    if (value.source_ip) problems.push({ field: 'source_ip', message: 'source_ip applies only when bind_ip is a multicast group (224.0.0.0-239.255.255.255)' });
    if (value.interface_ip) problems.push({ field: 'interface_ip', message: 'interface_ip applies only when bind_ip is a multicast group (224.0.0.0-239.255.255.255)' });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

/** The local UDP port an input binds (RTP/UDP, SRT listener: SRT runs over UDP), or null when it binds none of its own. */
export function boundUdpPort(input: ChannelInputSpec): { bindIp: string; port: number } | null {
  if (input.type === 'rtp' || input.type === 'udp') return { bindIp: input.bind_ip, port: input.port };
  if (input.type === 'srt' && input.mode === 'listener') return { bindIp: input.bind_ip, port: input.port };
  return null;
}

/**
 * The address an input's socket really binds. A multicast channel binds its port on every
 * address and joins the group (libs/dataplane ingest/datagram-source.ts); Linux then hands that
 * socket every datagram for the port: unicast ones, and those of any group another socket on the
 * host joined (IP_MULTICAST_ALL is on by default).
 */
function boundAddress(input: { bindIp: string }): string {
  return isIpv4Multicast(input.bindIp) ? '0.0.0.0' : input.bindIp;
}

/**
 * Two inputs collide when they could receive the same datagrams: same port and the same bound
 * address, or either bound to every address (0.0.0.0, and every multicast channel). Refused
 * rather than bound more narrowly (to the group address), because that filtering cannot be
 * tested on this loopback (no MULTICAST flag) and two channels must never mix each other's TS.
 * An SRT listener is a UDP socket too: it shares the port space with RTP/UDP inputs.
 */
export function inputsCollide(a: { bindIp: string; port: number }, b: { bindIp: string; port: number }): boolean {
  if (a.port !== b.port) return false;
  const [x, y] = [boundAddress(a), boundAddress(b)];
  return x === y || x === '0.0.0.0' || y === '0.0.0.0';
}

/** Why an input would take another channel's traffic, for the 409. */
export function collisionReason(input: { bindIp: string; port: number; type?: string }, other: { bindIp: string; port: number; name: string; type?: string; backup?: boolean }): string {
  const why = isIpv4Multicast(input.bindIp) || isIpv4Multicast(other.bindIp)
    ? ': a multicast channel receives every datagram sent to its port, so no other channel can use that port'
    : input.bindIp === '0.0.0.0' || other.bindIp === '0.0.0.0'
      ? ': 0.0.0.0 receives on every address of the port'
      : '';
  const kinds = input.type && other.type && (input.type === 'srt') !== (other.type === 'srt') ? ' (SRT runs over UDP: one UDP port serves one input, whatever its kind)' : '';
  return `${input.bindIp}:${input.port} is already used by ${other.backup ? 'the backup input of ' : ''}channel "${other.name}" (${other.type === 'srt' ? 'SRT listener ' : ''}${other.bindIp}:${other.port})${why}${kinds}`;
}

/**
 * An input in words, for the event log: kind, mode and where, never a secret (a changed
 * passphrase shows as "encrypted" both sides, so the log says that something else changed).
 */
export function describeInput(input: ChannelInputSpec): string {
  switch (input.type) {
    case 'rtp':
    case 'udp':
      return `${input.type} ${input.bind_ip}:${input.port}${input.source_ip ? ` from ${input.source_ip}` : ''}`;
    case 'srt':
      return `srt ${input.mode} ${input.mode === 'caller' ? input.host : input.bind_ip}:${input.port}, latency ${input.latency} ms${input.passphrase ? ', encrypted' : ''}`;
    case 'rtmp':
      return 'rtmp push';
    case 'whip':
      return 'webrtc (whip) publish';
    case 'file':
      return `file ${input.media_id}${input.loop ? ', looped' : ''}`;
  }
}
