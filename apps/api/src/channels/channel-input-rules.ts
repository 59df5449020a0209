import { isIpv4Multicast, type ErrorFieldProblem, type InputType } from '@mld/contracts';

/** The input settings of a channel after seed aliases are resolved. */
export interface ChannelInputSettings {
  inputType: InputType;
  bindIp: string;
  port: number;
  sourceIp: string | null;
  interfaceIp: string | null;
}

export interface ChannelInputFields {
  input_type?: InputType;
  bind_ip?: string;
  rtp_ip?: string;
  port?: number;
  rtp_port?: number;
  source_ip?: string | null;
  interface_ip?: string | null;
}

/** Merges a request (with the seed's rtp_ip/rtp_port aliases) over current settings and checks the result. */
export function resolveInputSettings(
  fields: ChannelInputFields,
  current: ChannelInputSettings | undefined,
): { ok: true; value: ChannelInputSettings } | { ok: false; problems: ErrorFieldProblem[] } {
  const problems: ErrorFieldProblem[] = [];
  if (fields.bind_ip !== undefined && fields.rtp_ip !== undefined && fields.bind_ip !== fields.rtp_ip) {
    problems.push({ field: 'rtp_ip', message: 'rtp_ip is an alias of bind_ip; give one of them, or the same value' });
  }
  if (fields.port !== undefined && fields.rtp_port !== undefined && fields.port !== fields.rtp_port) {
    problems.push({ field: 'rtp_port', message: 'rtp_port is an alias of port; give one of them, or the same value' });
  }
  const bindIp = fields.bind_ip ?? fields.rtp_ip ?? current?.bindIp;
  const port = fields.port ?? fields.rtp_port ?? current?.port;
  if (bindIp === undefined) problems.push({ field: 'bind_ip', message: 'bind_ip (or rtp_ip) is required' });
  if (port === undefined) problems.push({ field: 'port', message: 'port (or rtp_port) is required' });
  const value: ChannelInputSettings = {
    inputType: fields.input_type ?? current?.inputType ?? 'rtp',
    bindIp: bindIp ?? '',
    port: port ?? 0,
    sourceIp: fields.source_ip !== undefined ? fields.source_ip : (current?.sourceIp ?? null),
    interfaceIp: fields.interface_ip !== undefined ? fields.interface_ip : (current?.interfaceIp ?? null),
  };
  if (bindIp !== undefined && !isIpv4Multicast(bindIp)) {
    if (value.sourceIp) problems.push({ field: 'source_ip', message: 'source_ip applies only when bind_ip is a multicast group (224.0.0.0-239.255.255.255)' });
    if (value.interfaceIp) problems.push({ field: 'interface_ip', message: 'interface_ip applies only when bind_ip is a multicast group (224.0.0.0-239.255.255.255)' });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
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
 */
export function inputsCollide(a: { bindIp: string; port: number }, b: { bindIp: string; port: number }): boolean {
  if (a.port !== b.port) return false;
  const [x, y] = [boundAddress(a), boundAddress(b)];
  return x === y || x === '0.0.0.0' || y === '0.0.0.0';
}

/** Why an input would take another channel's traffic, for the 409. */
export function collisionReason(input: { bindIp: string; port: number }, other: { bindIp: string; port: number; name: string }): string {
  const why = isIpv4Multicast(input.bindIp) || isIpv4Multicast(other.bindIp)
    ? ': a multicast channel receives every datagram sent to its port, so no other channel can use that port'
    : input.bindIp === '0.0.0.0' || other.bindIp === '0.0.0.0'
      ? ': 0.0.0.0 receives on every address of the port'
      : '';
  return `${input.bindIp}:${input.port} is already used by channel "${other.name}" (${other.bindIp}:${other.port})${why}`;
}
