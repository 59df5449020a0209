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
 * Two inputs collide when they would receive the same datagrams: same port and the same
 * address, or either listening on every address (0.0.0.0).
 */
export function inputsCollide(a: { bindIp: string; port: number }, b: { bindIp: string; port: number }): boolean {
  return a.port === b.port && (a.bindIp === b.bindIp || a.bindIp === '0.0.0.0' || b.bindIp === '0.0.0.0');
}
