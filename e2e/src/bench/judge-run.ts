// Whether a configuration held (every receiver got the stream intact) and kept up (the service
// took it in at the full rate, SRT delivered in time), and whether the harness itself fell behind.
import type { BenchContext } from './context.js';
import type { BenchConfig } from './options.js';
import type { Derived, ServiceRun } from './results.js';

export function judgeRun(
  ctx: BenchContext,
  cfg: BenchConfig,
  service: ServiceRun,
  derived: Derived,
): { heldReasons: string[]; keptUpReasons: string[]; harnessSaturated: boolean } {
  const heldReasons: string[] = [];
  const rs = service.receivers;
  const bad = (what: string, n: number) => n > 0 && heldReasons.push(`${what}: ${n}`);
  bad('receivers not byte-exact', rs.filter((r) => r.compared && !r.byteExact).length);
  bad('receivers incomplete (missing start, gap or cut short)', rs.filter((r) => !r.complete).length);
  // A receiver that cannot compare bytes (FFmpeg's TS of an RTMP input) must at least get all the service took in.
  const perChannelIn = (service.main.ingestBps ?? 0) / cfg.channels;
  bad('receivers (not compared) getting < 98 % of what the service took in', rs.filter((r) => !r.compared && (r.windowBps ?? 0) < 0.98 * perChannelIn).length);
  bad('datagrams lost', rs.reduce((n, r) => n + r.lostDatagrams, 0));
  bad('CC errors', rs.reduce((n, r) => n + r.ccErrors, 0));
  bad('RTP sequence numbers missing at receivers', rs.reduce((n, r) => n + r.rtpMissing, 0));
  bad('SCTE-35 sections damaged', rs.reduce((n, r) => n + r.cuesInvalid, 0));
  bad('SCTE-35 sections missing', rs.reduce((n, r) => n + Math.max(0, r.cuesExpected - r.cuesValid), 0));
  bad('RTP lost at the service ingest', service.channels.reduce((n, c) => n + Math.max(0, c.rtpLost), 0));
  bad('bytes dropped by outputs', service.outputs.reduce((n, x) => n + x.droppedBytes, 0));
  bad('output restarts', service.outputs.reduce((n, x) => n + x.restarts, 0));
  // --backup: the output must have been the main byte for byte, with nothing switched (ADR 0013).
  bad('main/backup pairs that switched or were not both healthy after the main window', (service.pairs ?? []).filter((p) => p.active !== 'main' || p.switches !== 0 || !p.mainHealthy || !p.backupHealthy).length);
  if (rs.length === 0 && cfg.outputs > 0) heldReasons.push('no receiver result');
  const keptUpReasons: string[] = [];
  const inBps = service.main.ingestBps ?? 0;
  if (ctx.options.input === 'rtmp') {
    // FFmpeg's remux carries no null packets: compare with what the feed holds besides them.
    const expected = cfg.channels * ctx.stream.bitrate * ctx.nonNullShare * 0.9;
    if (inBps < expected) keptUpReasons.push(`service ingest ${(inBps / 1e6).toFixed(2)} Mbit/s < 90 % of the feed without null packets (${(expected / 0.9 / 1e6).toFixed(2)})`);
  } else {
    const sentBps = cfg.channels * ctx.stream.bitrate;
    if (inBps < sentBps * 0.99) keptUpReasons.push(`service ingest ${(inBps / 1e6).toFixed(2)} of ${(sentBps / 1e6).toFixed(2)} Mbit/s sent`);
  }
  const p99 = derived.addedLatency.p99;
  if (p99 !== null && p99 > ctx.options.latencyMs) keptUpReasons.push(`SRT added latency p99 ${p99.toFixed(0)} ms > the ${ctx.options.latencyMs} ms SRT latency`);
  const windowDatagrams = ((cfg.channels * ctx.stream.bitrate) / 8 / 1316) * service.main.seconds / cfg.channels;
  const harnessSaturated = (service.sender?.lateOver10ms ?? 0) > 0.01 * windowDatagrams;
  return { heldReasons, keptUpReasons, harnessSaturated };
}
