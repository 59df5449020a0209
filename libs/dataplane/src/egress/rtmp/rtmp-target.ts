import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { OutputConfig } from '../../types.js';

/** Where and what to publish, split as an RTMP client needs it. */
export interface RtmpTarget {
  secure: boolean;
  host: string;
  port: number;
  /** `connect` command's app: the first path segment ('' when the URL has a single segment). */
  app: string;
  /** What `publish` names: the rest of the path and the query (the stream key). */
  streamName: string;
  /** `rtmp[s]://host[:port]/app`, no key. */
  tcUrl: string;
}

/**
 * rtmp://host[:port]/app/KEY[?query] → app "app", stream name "KEY?query". With one segment
 * (rtmp://host/KEY) the app is empty and the segment is the stream name, as FFmpeg reads it.
 */
export function rtmpTarget(config: Pick<OutputConfig, 'protocol' | 'url' | 'host' | 'port'>): RtmpTarget {
  const secure = config.protocol === 'rtmps';
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*([^?#]*)(\?[^#]*)?/.exec(config.url);
  const path = m?.[1] ?? '';
  const query = m?.[2] ?? '';
  const segments = path.split('/').slice(1);
  const [app, key] = segments.length > 1 ? [segments[0]!, segments.slice(1).join('/')] : ['', segments[0] ?? ''];
  const hostPart = config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `${secure ? 'rtmps' : 'rtmp'}://${hostPart}:${config.port}`;
  return { secure, host: config.host, port: config.port, app: decode(app), streamName: decode(key) + query, tcUrl: app ? `${base}/${app}` : base };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Opens the connection; replaced in tests. */
export type RtmpConnector = (target: RtmpTarget) => Socket;

/** TLS options of an RTMPS connection: SNI with the URL's host name, certificates verified against the system store. */
export function tlsOptions(target: RtmpTarget, extra: Pick<ConnectionOptions, 'ca'> = {}): ConnectionOptions {
  const isIp = /^[\d.]+$|:/.test(target.host);
  return {
    host: target.host,
    port: target.port,
    // SNI must be a host name (RFC 6066), never an IP literal.
    ...(isIp ? {} : { servername: target.host }),
    rejectUnauthorized: true,
    ...extra,
  };
}

/** node:net for rtmp://, node:tls for rtmps:// (`ca` adds trusted certificates, e.g. a test CA). */
export function defaultConnector(extra: Pick<ConnectionOptions, 'ca'> = {}): RtmpConnector {
  return (target) => {
    const socket = target.secure ? tlsConnect(tlsOptions(target, extra)) : netConnect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    return socket;
  };
}

/** The useful sentence for a socket error: what happened and with whom. */
export function describeSocketError(error: NodeJS.ErrnoException, target: RtmpTarget): string {
  const where = `${target.host}:${target.port}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where}`;
    case 'ECONNRESET':
      return `connection reset by ${where}`;
    case 'ETIMEDOUT':
      return `connection to ${where} timed out`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable (${error.code})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${target.host}`;
    case 'EPIPE':
      return `${where} closed the connection`;
  }
  // TLS: certificate and protocol errors carry their own code and a readable message.
  if (error.code && /CERT|SELF_SIGNED|TLS|SSL|ERR_SSL|HOSTNAME|UNABLE_TO/i.test(error.code)) return `TLS with ${where} failed: ${error.message}`;
  return `${where}: ${error.message}`;
}
