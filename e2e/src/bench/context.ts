// What every run of one benchmark invocation shares: the options, the test feed and the
// endless stream made from it.
import type { LoopedStream } from './looped-stream.js';
import type { BenchOptions } from './options.js';
import type { ReceiverInit } from './receiver-protocol.js';

export interface BenchContext {
  options: BenchOptions;
  stream: LoopedStream;
  feedPath: string;
  /** The invocation's temp dir (the feed, the file a file input plays); removed at the end. */
  workDir: string;
  /** Share of the feed's packets that are not null packets (what an FFmpeg remux keeps). */
  nonNullShare: number;
  scte35Pid: number;
  cueOffsets: number[];
  /** Every K-th datagram is timed at the sender and at each receiver. */
  sampleEvery: number;
  /** Hard lifetime of any helper process started by a run. */
  maxLifetimeMs: number;
  receiverInit(runSeconds: number): ReceiverInit;
}
