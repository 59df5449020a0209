// What an input other than RTP measured: the bare tool's run and the figures derived from both runs.
import type { InputKind } from './options.js';
import type { Distribution, PhaseUsage, ReceiverSummary } from './results.js';

/** The bare tool an input is compared with (srt-live-transmit listener relay, FFmpeg remux or file player), fed the same way. */
export interface InputReferenceRun {
  input: Exclude<InputKind, 'rtp'>;
  tool: string;
  main: PhaseUsage;
  tools: Array<{ name: string; pid: number; cpu: number; rss: number }>;
  receivers: ReceiverSummary[];
  latency: Distribution;
  sender?: { datagrams: number; sendErrors: number; maxLatenessMs: number; lateOver10ms: number };
  problems: string[];
}

export interface DerivedInput {
  input: Exclude<InputKind, 'rtp'>;
  /** The service's input child (srt-live-transmit, FFmpeg remux) over the main window, per channel; null for files. */
  childPerChannel: number | null;
  childRssPerProcess: number | null;
  /** Over the "ingest only" window: the service's own CPU beyond idle, and its input child, per channel. */
  nodeIngestPerChannel: number | null;
  childIngestPerChannel: number | null;
  /** Node + child over the "ingest only" window, per channel. */
  inputPerChannel: number | null;
  /** The same service's ingest with an RTP input ("ingest only, RTP input" − idle), per channel: today's RTP ingest. */
  rtpIngestPerChannel: number | null;
  /** inputPerChannel − rtpIngestPerChannel: what this input costs beyond today's RTP ingest. */
  beyondRtpPerChannel: number | null;
  barePerChannel: number | null;
  bareRssPerProcess: number | null;
  /** beyondRtpPerChannel ÷ barePerChannel (≤ 1.0: the input costs at most its bare tool plus today's RTP ingest). */
  ratioBeyondRtpToBare: number | null;
  /** childPerChannel ÷ barePerChannel (main window). */
  ratioChildToBare: number | null;
  stdErr: { nodeIngestPerChannel: number | null; rtpIngestPerChannel: number | null; beyondRtpPerChannel: number | null };
  /** The bare tool's receivers: added latency (SRT) and what they got. */
  bareAddedLatency: { p50: number | null; p99: number | null };
  feederCpu: number;
  bareFeederCpu: number | null;
}
