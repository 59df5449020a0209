import type { SourceEvent } from '../source.js';
import { describeRefusal, describeRefusalByListener, type SrtInputLine } from './srt-input-lines.js';

/** A refused caller retries every few tens of ms: one event per host and reason per window. */
export const REFUSAL_EVENT_WINDOW_MS = 10_000;

export interface SrtPeerTrackerOptions {
  mode: 'listener' | 'caller';
  /** Caller mode: "host:port" of the listener we call. */
  target: string | null;
  hasPassphrase: boolean;
  refusalWindowMs?: number;
}

interface RefusalWindow {
  until: number;
  suppressed: number;
}

/**
 * Who is connected, from srt-live-transmit's lines, and the events an operator should see.
 * libsrt handles one handshake at a time on its receive thread, so the address of the last
 * "PASSING request from" names the caller the next "conclusion" or "REJECT" line is about; the
 * application then prints "Accepted SRT source connection" for it.
 */
export class SrtPeerTracker {
  private current: string | null = null;
  private lastRequest: string | null = null;
  private handshaken: string | null = null;
  private readonly refusals = new Map<string, RefusalWindow>();
  private readonly windowMs: number;

  constructor(private readonly options: SrtPeerTrackerOptions) {
    this.windowMs = options.refusalWindowMs ?? REFUSAL_EVENT_WINDOW_MS;
  }

  /** The connected peer ("10.1.2.3:5000"), or null. */
  get peer(): string | null {
    return this.current;
  }

  /** The events this line causes (none for most lines). */
  push(line: SrtInputLine, at: number): SourceEvent[] {
    switch (line.kind) {
      case 'request':
        this.lastRequest = line.peer;
        return [];
      case 'handshake_done':
        this.handshaken = this.lastRequest;
        return [];
      case 'accepted': {
        const peer = this.handshaken ?? this.lastRequest;
        this.handshaken = null;
        return this.connected(peer, peer ? `caller ${peer} connected` : 'a caller connected');
      }
      case 'established':
        return this.connected(line.peer, `connected to listener ${line.peer}`);
      case 'disconnected':
        return this.disconnected(this.options.mode === 'listener' ? 'left' : 'closed the connection');
      case 'refused': {
        const peer = this.lastRequest;
        const why = describeRefusal(line.code, line.reason, this.options.hasPassphrase);
        return this.refused(peer, why, at, peer ? `caller ${peer} rejected: ${why}` : `a caller was rejected: ${why}`);
      }
      case 'refused_by_listener': {
        const target = this.options.target;
        const why = describeRefusalByListener(line.reason, this.options.hasPassphrase);
        return this.refused(target, why, at, `listener ${target ?? ''} refused the call: ${why}`);
      }
      default:
        return [];
    }
  }

  /** The child exited or was stopped: whoever was connected is gone with it. */
  childGone(why: string): SourceEvent[] {
    this.lastRequest = null;
    this.handshaken = null;
    return this.disconnected(why);
  }

  private connected(peer: string | null, message: string): SourceEvent[] {
    this.current = peer;
    return [{ kind: 'peer_connected', level: 'info', message, peer }];
  }

  private disconnected(why: string): SourceEvent[] {
    const peer = this.current;
    if (peer === null) return [];
    this.current = null;
    const who = this.options.mode === 'listener' ? `caller ${peer}` : `listener ${peer}`;
    return [{ kind: 'peer_disconnected', level: 'warn', message: `${who} ${why}`, peer }];
  }

  private refused(peer: string | null, why: string, at: number, message: string): SourceEvent[] {
    // Per host, not per address: each retry comes from a new source port.
    const key = `${hostOf(peer)}\n${why}`;
    const window = this.refusals.get(key);
    if (window && at < window.until) {
      window.suppressed += 1;
      return [];
    }
    for (const [k, w] of this.refusals) if (at >= w.until + this.windowMs) this.refusals.delete(k);
    const more = window && window.suppressed > 0 ? ` (${window.suppressed} more attempt${window.suppressed === 1 ? '' : 's'} refused since the last report)` : '';
    this.refusals.set(key, { until: at + this.windowMs, suppressed: 0 });
    return [{ kind: 'peer_rejected', level: 'warn', message: `${message}${more}`, peer }];
  }
}

function hostOf(peer: string | null): string {
  if (peer === null) return '';
  const colon = peer.lastIndexOf(':');
  return colon > 0 ? peer.slice(0, colon) : peer;
}
