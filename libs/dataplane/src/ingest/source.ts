import type { IngestSnapshot, IngestState, InputConfig, InputRole, InputSwitch } from '../types.js';

/**
 * Where a source hands what it receives. One sink per channel: the pipeline forwards `ts` to
 * every output and analyses it; egress never knows which kind of source it came from.
 */
export interface SourceSink {
  /**
   * Whole 188-byte TS packets, in order, ready for the outputs. The buffer is the source's gift:
   * outputs queue it by reference (no copy on the fan-out's hot path), so the source must never
   * write to it again — a reused carry buffer (a packet split across two reads) must be copied.
   */
  ts(chunk: Buffer, origin?: TsOrigin): void;
  /** Bytes the source received but did not forward (malformed): analysed, so errors are visible. */
  rejected(chunk: Buffer): void;
  /** The source's state changed (`detail` says why, for the event log). */
  stateChanged(from: IngestState, to: IngestState, detail: string | null): void;
  /**
   * Something an operator should see in the event log that is not a state change: a peer
   * connected, left or was refused ("caller 10.1.2.3:5000 rejected: bad passphrase"). Never a secret.
   */
  event?(event: SourceEvent): void;
}

/**
 * Where a chunk comes from: the programme (default), or the input-loss slate, which only the
 * outputs that need a continuous stream get and which the analysis of the input does not see.
 */
export type TsOrigin = 'programme' | 'slate';

export interface SourceEvent {
  /**
   * failover: the active input switched away from a failing one; restored: back to the preferred
   * main; switched: an operator forced the switch; input_state: one input of a main/backup pair
   * changed state (the pair's own state goes through stateChanged).
   */
  kind:
    | 'peer_connected'
    | 'peer_disconnected'
    | 'peer_rejected'
    | 'stream_restarted'
    | 'looped'
    | 'ended'
    | 'failover'
    | 'restored'
    | 'switched'
    | 'input_state'
    | 'slate_on'
    | 'slate_off';
  level: 'info' | 'warn';
  message: string;
  peer?: string | null;
  /** Main/backup sources: which of the two inputs the event is about. */
  input?: InputRole;
  /** failover / restored / switched: the switch itself. */
  switch?: InputSwitch;
  /** slate_on / slate_off: how long the input had been silent, or how long the slate was on air. */
  durationMs?: number;
  /** input_state: the transition of that one input. */
  state?: { from: IngestState; to: IngestState; detail: string | null };
}

/**
 * One channel input, whatever its transport: RTP/UDP today; SRT, RTMP, file, WHIP and main/backup
 * selection (a Source made of two Sources) fit the same shape. ADR 0005.
 */
export interface Source {
  start(): Promise<void>;
  /** Stops receiving and releases every resource (socket, child process, timer). */
  stop(): Promise<void>;
  snapshot(): IngestSnapshot;
  /** Packets the transport lost since start (RTP sequence gaps); 0 for transports without a notion of it. */
  lostPackets(): number;
  /** Main/backup sources only: an operator's order (pin an input, or 'auto'); applied without replacing the source. */
  force?(to: InputRole | 'auto'): void;
}

/** Makes the source for a channel's input; the pipeline owns it from then on. */
export type SourceFactory = (input: InputConfig, sink: SourceSink) => Source;

/** Makes sources of one input kind. */
export type SourceFactoryOf<I extends InputConfig> = (input: I, sink: SourceSink) => Source;

/** One factory per input kind the installation supports; a kind left out is refused when a channel starts. */
export type SourceFactories = { [K in InputConfig['type']]?: SourceFactoryOf<Extract<InputConfig, { type: K }>> };

/** The SourceFactory the pipeline takes, dispatching on the input's type. */
export function sourceFactoryByType(factories: SourceFactories): SourceFactory {
  return (input, sink) => {
    const create = factories[input.type] as SourceFactoryOf<typeof input> | undefined;
    if (!create) throw new Error(`input type "${input.type}" is not available on this node`);
    return create(input, sink);
  };
}
