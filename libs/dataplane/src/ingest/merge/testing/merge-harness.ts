// A MergedRtpSource on a fake clock with two scripted sockets, recording what reaches the sink.
import { FakeClock } from '@mld/supervisor/testing';
import { ScriptedDatagrams } from '../../../testing/fakes.js';
import type { DatagramInputConfig } from '../../../types.js';
import type { SourceEvent } from '../../source.js';
import { MergedRtpSource } from '../merged-rtp-source.js';
import { type Arrival, play } from './two-path-feed.js';

export const PATH_A: DatagramInputConfig = { type: 'rtp', bindIp: '127.0.0.1', port: 5000, sourceIp: null, interfaceIp: null };
export const PATH_B: DatagramInputConfig = { type: 'rtp', bindIp: '127.0.0.2', port: 5000, sourceIp: null, interfaceIp: null };

export interface MergeHarness {
  clock: FakeClock;
  source: MergedRtpSource;
  sockets: ScriptedDatagrams[][];
  /** Every chunk handed to the sink, copied, with the fake time it was handed over. */
  out: { at: number; ts: Buffer }[];
  states: string[];
  events: SourceEvent[];
  output(): Buffer;
  /** Plays arrivals (times relative to now) into the two sockets, then lets every window run out. */
  play(list: readonly Arrival[], settleMs?: number): void;
}

/** `sockets[i]` are the sockets path i opens, in order (a bind error first, then one that works…). */
export function mergeHarness(options: { windowMs?: number; sockets?: ScriptedDatagrams[][] } = {}): MergeHarness {
  const clock = new FakeClock();
  const sockets = options.sockets ?? [[new ScriptedDatagrams()], [new ScriptedDatagrams()]];
  const opened = [0, 0];
  const out: { at: number; ts: Buffer }[] = [];
  const states: string[] = [];
  const events: SourceEvent[] = [];
  const source = new MergedRtpSource({
    inputs: [PATH_A, PATH_B],
    windowMs: options.windowMs,
    clock,
    datagrams: (input) => {
      const path = input === PATH_A ? 0 : 1;
      const list = sockets[path]!;
      return list[Math.min(opened[path]++, list.length - 1)]!;
    },
    sink: {
      ts: (ts) => out.push({ at: clock.now(), ts: Buffer.from(ts) }),
      rejected: () => undefined,
      stateChanged: (from, to, detail) => states.push(`${from}>${to}${detail ? ` (${detail})` : ''}`),
      event: (event) => events.push(event),
    },
  });
  const current = (path: number) => sockets[path]![Math.min(opened[path]! - 1, sockets[path]!.length - 1)]!;
  return {
    clock,
    source,
    sockets,
    out,
    states,
    events,
    output: () => Buffer.concat(out.map((o) => o.ts)),
    play: (list, settleMs) => play(clock, clock.now(), list, (path, datagram) => current(path).deliver(datagram), settleMs),
  };
}
