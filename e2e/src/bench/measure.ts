// What every run (service, output reference, input reference) measures the same way: one
// window of CPU/RSS and event-loop delay, the receivers' verdicts paired with the sender's
// send times, and waiting until the receivers have got everything.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { monotonicMs } from './looped-stream.js';
import type { PacedSender } from './paced-sender.js';
import { type ProcessUsage, TreeMeter, type WindowUsage } from './proc.js';
import type { ReceiverProcess } from './receiver-client.js';
import type { ReceiverResult } from './receiver-protocol.js';
import { distribution, type PhaseUsage, type Role, type ServiceRun, summarize, summarizeReceiver } from './results.js';

export const SKIP_SECONDS = 2;
/** Resolution of the event-loop delay histograms (also in receiver-process.ts). */
export const LOOP_RESOLUTION_MS = 5;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Pairs each receiver's sampled arrivals with the sender's send times and judges the stream.
 * Without a sender (a file input) there is no latency; `latencyOffsetMs` is subtracted from
 * every arrival − send (an SRT input's own latency). `startPosition`: where the output is meant
 * to start in the sent stream (0; a main/backup pair opens at the main's first PMT).
 */
export function judgeReceivers(
  results: Record<string, ReceiverResult>,
  planned: ReadonlyArray<{ name: string; channel: number }>,
  sender: PacedSender | undefined,
  window: { start: number; end: number; endPosition: number },
  bitrate: number,
  latencyOffsetMs = 0,
  startPosition = 0,
): { receivers: ServiceRun['receivers']; latency: ServiceRun['latency'] } {
  const srtAll: number[] = [];
  const udpAll: number[] = [];
  const receivers: ServiceRun['receivers'] = [];
  for (const p of planned) {
    const r = results[p.name];
    if (!r) continue;
    const lat: number[] = [];
    for (let i = 0; sender && r.compared && i < r.samples.index.length; i++) {
      const sent = sender.sendTime(p.channel, r.samples.index[i]!);
      if (sent === undefined || sent < window.start || sent > window.end) continue;
      lat.push(r.samples.at[i]! - sent - latencyOffsetMs);
    }
    (r.kind === 'srt' ? srtAll : udpAll).push(...lat);
    receivers.push(summarizeReceiver(r, p.channel, window.endPosition, Math.ceil((bitrate / 8) * 0.25), lat, startPosition));
  }
  return { receivers, latency: { srt: distribution(srtAll), udp: distribution(udpAll) } };
}

/** Waits until no receiver gets anything for 1 s (bounded: 15 s). */
export async function waitQuiet(rx: ReceiverProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = JSON.stringify(await rx.bytes());
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(250);
    const now = JSON.stringify(await rx.bytes());
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= 1000) return;
  }
}

/**
 * One measurement window: CPU/RSS of the trees under `roots`, the event-loop delay of the
 * sender and the receiver process (a busy harness delays timestamps), how much TS the service
 * took in meanwhile (proof that its channels were really receiving), and how much each
 * receiver got in the same window.
 */
export async function measureWindow(w: {
  label: string;
  seconds: number;
  roots: ConstructorParameters<typeof TreeMeter>[0];
  roleOf: (p: ProcessUsage) => Role;
  rx: ReceiverProcess;
  ingestBytes?: () => Promise<number>;
}): Promise<{ usage: PhaseUsage; window: WindowUsage }> {
  // The counters are read over the API (one request per channel): time each read at its middle.
  const readIngest = async () => {
    const t0 = monotonicMs();
    const bytes = await w.ingestBytes!();
    return { bytes, at: (t0 + monotonicMs()) / 2 };
  };
  const before = w.ingestBytes ? await readIngest() : undefined;
  const rxBefore = await w.rx.bytes();
  const ccBefore = await w.rx.ccErrors();
  const rxT0 = monotonicMs();
  await w.rx.loopDelay(true);
  const h = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  h.enable();
  const meter = new TreeMeter(w.roots);
  meter.start();
  await sleep(w.seconds * 1000);
  const window = meter.stop();
  h.disable();
  const rxAfter = await w.rx.bytes();
  const ccAfter = await w.rx.ccErrors();
  const rxSeconds = (monotonicMs() - rxT0) / 1000;
  const receivers = await w.rx.loopDelay(false).catch(() => null);
  const usage = summarize(w.label, window, w.roleOf);
  if (before) {
    const after = await readIngest();
    usage.ingestBps = ((after.bytes - before.bytes) * 8) / ((after.at - before.at) / 1000);
  }
  usage.receiverCcErrors = Object.fromEntries(Object.entries(ccAfter).map(([name, n]) => [name, n - (ccBefore[name] ?? 0)]));
  usage.receiverBps = Object.fromEntries(Object.entries(rxAfter).map(([name, n]) => [name, ((n - (rxBefore[name] ?? 0)) * 8) / rxSeconds]));
  // The histogram times a 5 ms timer: what is beyond those 5 ms is the delay.
  const beyond = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  usage.loopDelay = {
    sender: { p50: beyond(h.percentile(50)), p99: beyond(h.percentile(99)), max: beyond(h.max) },
    receivers: receivers && { p50: Math.max(0, receivers.p50 - LOOP_RESOLUTION_MS), p99: Math.max(0, receivers.p99 - LOOP_RESOLUTION_MS), max: Math.max(0, receivers.max - LOOP_RESOLUTION_MS) },
  };
  return { usage, window };
}
