// The figures of an input other than RTP: what the service and its input child spend on it,
// what the same service spends on an RTP input in the same run, and the bare tool doing the
// input's work in the same invocation. Target (issue #11): an input costs at most its bare
// tool plus today's RTP ingest.
import type { InputKind } from './options.js';
import type { DerivedInput, InputReferenceRun } from './input-results.js';
import { cpuOf, cpuStdErr, type PhaseUsage, type ReceiverSummary, RTP_INGEST_PHASE, type ServiceRun, type Target } from './results.js';

const MiB = 1024 * 1024;

export const INPUT_LABEL: Record<Exclude<InputKind, 'rtp'>, { input: string; child: string | null; feeder: string }> = {
  srt: { input: 'SRT listener input', child: 'srt-live-transmit', feeder: 'srt-live-transmit caller relaying the paced sender' },
  rtmp: { input: 'RTMP push input', child: 'ffmpeg FLV → TS remux', feeder: 'ffmpeg -re -stream_loop -1 -c copy -f flv publisher' },
  file: { input: 'file input (media library)', child: null, feeder: 'none (the service paces the file by its PCR)' },
};

export function deriveInput(service: ServiceRun, reference: InputReferenceRun | undefined, channels: number, latencyMs: number): DerivedInput | undefined {
  if (service.input === 'rtp') return undefined;
  const n = channels;
  const phase = (label: string) => service.phases.find((p) => p.label === label);
  const ingest = phase('ingest only');
  const rtp = phase(RTP_INGEST_PHASE);
  const idle = service.idle.cpu;
  const child = service.main.roles['input-child'];
  const childPerChannel = child && child.processes > 0 ? child.cpu / n : null;
  const nodeIngestPerChannel = ingest ? (cpuOf(ingest, 'service') - idle) / n : null;
  const childIngestPerChannel = ingest ? cpuOf(ingest, 'input-child') / n : null;
  const inputPerChannel = nodeIngestPerChannel === null ? null : nodeIngestPerChannel + (childIngestPerChannel ?? 0);
  const rtpIngestPerChannel = rtp ? (cpuOf(rtp, 'service') - idle) / n : null;
  const beyondRtpPerChannel = inputPerChannel !== null && rtpIngestPerChannel !== null ? inputPerChannel - rtpIngestPerChannel : null;
  const bare = reference?.main.roles['input-tool'];
  const barePerChannel = bare && bare.processes > 0 ? bare.cpu / n : null;
  const ratio = (v: number | null) => (v !== null && barePerChannel ? v / barePerChannel : null);
  // ± one standard error of each window's mean, combined like the figure (independent windows).
  const se = (...parts: Array<[PhaseUsage | undefined, 'service' | 'input-child']>) => {
    let sum = 0;
    for (const [p, role] of parts) {
      if (!p) return null;
      const e = role === 'input-child' && !p.roles[role] ? 0 : cpuStdErr(p, role);
      if (e === null) return null;
      sum += e ** 2;
    }
    return Math.sqrt(sum) / n;
  };
  const added = (v: number | null | undefined) => (v === null || v === undefined ? null : v - latencyMs);
  return {
    input: service.input,
    childPerChannel,
    childRssPerProcess: child && child.processes > 0 ? child.rss / child.processes : null,
    nodeIngestPerChannel,
    childIngestPerChannel: child ? childIngestPerChannel : null,
    inputPerChannel,
    rtpIngestPerChannel,
    beyondRtpPerChannel,
    barePerChannel,
    bareRssPerProcess: bare && bare.processes > 0 ? bare.rss / bare.processes : null,
    ratioBeyondRtpToBare: ratio(beyondRtpPerChannel),
    ratioChildToBare: ratio(childPerChannel),
    stdErr: {
      nodeIngestPerChannel: se([ingest, 'service'], [ingest, 'input-child']),
      rtpIngestPerChannel: se([rtp, 'service']),
      beyondRtpPerChannel: se([ingest, 'service'], [ingest, 'input-child'], [rtp, 'service']),
    },
    bareAddedLatency: { p50: added(reference?.latency.p50), p99: added(reference?.latency.p99) },
    feederCpu: cpuOf(service.main, 'feeder'),
    bareFeederCpu: reference ? cpuOf(reference.main, 'feeder') : null,
  };
}

export function judgeInputTargets(d: DerivedInput): Target[] {
  const x = (v: number | null) => (v === null ? 'not measured' : `${v.toFixed(2)}×`);
  const verdict = (v: number | null): Target['verdict'] => (v === null ? 'n/a' : v <= 1.0 ? 'PASS' : 'FAIL');
  const se = d.stdErr.beyondRtpPerChannel;
  const targets: Target[] = [
    {
      name: `${d.input.toUpperCase()} input: service + its child beyond today's RTP ingest vs the bare tool, same run`,
      limit: '≤ 1.0×',
      measured: `${x(d.ratioBeyondRtpToBare)}${d.beyondRtpPerChannel !== null && d.barePerChannel !== null ? ` (${d.beyondRtpPerChannel.toFixed(2)}${se ? ` ± ${se.toFixed(2)}` : ''} vs ${d.barePerChannel.toFixed(2)} % per channel)` : ''}`,
      verdict: verdict(d.ratioBeyondRtpToBare),
    },
  ];
  if (INPUT_LABEL[d.input].child) {
    targets.push({ name: '  … its child process alone vs the bare tool', limit: '≤ 1.0×', measured: x(d.ratioChildToBare), verdict: verdict(d.ratioChildToBare) });
  }
  return targets;
}

const f = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? '–' : v.toFixed(digits));
const pm = (v: number | null, e: number | null) => (v === null ? '–' : e === null ? v.toFixed(2) : `${v.toFixed(2)} ± ${e.toFixed(2)}`);
const mib = (v: number | null) => (v === null ? '–' : `${(v / MiB).toFixed(1)} MiB`);

/** The input's lines of a configuration's block. */
export function formatInput(d: DerivedInput, ref: InputReferenceRun | undefined, ingestBps: number | undefined, channels: number): string[] {
  const label = INPUT_LABEL[d.input];
  const lines: string[] = [];
  lines.push(`  input: ${label.input}${label.child ? ` (service child: ${label.child})` : ''}; fed by ${label.feeder}`);
  const row = (name: string, cpu: string, rss: string) => lines.push(`    ${name.padEnd(36)}${cpu.padEnd(34)}${rss}`);
  if (label.child) row(`input child (${label.child})`, `${f(d.childPerChannel)} % per channel (main window)`, `${mib(d.childRssPerProcess)} per process`);
  if (ref) row(`bare tool`, `${f(d.barePerChannel)} % per channel`, `${mib(d.bareRssPerProcess)} per process   [${ref.tool}]`);
  else row('bare tool', '– (no reference run)', '');
  lines.push(
    `    ingest only (no outputs): service ${pm(d.nodeIngestPerChannel, d.stdErr.nodeIngestPerChannel)}` +
      (label.child ? ` + child ${f(d.childIngestPerChannel)}` : '') +
      ` = ${f(d.inputPerChannel)} % per channel; same service with an RTP input: ${pm(d.rtpIngestPerChannel, d.stdErr.rtpIngestPerChannel)} %`,
  );
  lines.push(
    `    input cost beyond today's RTP ingest: ${pm(d.beyondRtpPerChannel, d.stdErr.beyondRtpPerChannel)} % per channel = ${f(d.ratioBeyondRtpToBare)}× the bare tool` +
      (label.child ? ` (child alone ${f(d.ratioChildToBare)}×)` : '') +
      (d.beyondRtpPerChannel !== null && d.beyondRtpPerChannel < 0 ? ' — below zero: this input costs the service less than receiving RTP' : ''),
  );
  if (ref) {
    lines.push(`    bare tool receivers: ${inputReceiverLine(ref.receivers)}${d.bareAddedLatency.p50 !== null ? `; added latency p50 ${f(d.bareAddedLatency.p50, 1)} ms, p99 ${f(d.bareAddedLatency.p99, 1)} ms` : ''}`);
    const got = ref.receivers.map((r) => r.windowBps).filter((v): v is number => v !== undefined);
    if (got.length > 0) lines.push(`    bare tool output: ${got.map((v) => (v / 1e6).toFixed(2)).join(', ')} Mbit/s; the service took in ${ingestBps === undefined ? '–' : (ingestBps / channels / 1e6).toFixed(2)} Mbit/s per channel`);
  }
  lines.push(`    feeders (harness, not counted): ${f(d.feederCpu, 1)} %${d.bareFeederCpu !== null ? `; input reference run ${f(d.bareFeederCpu, 1)} %` : ''}`);
  for (const p of ref?.problems ?? []) lines.push(`    note: ${p}`);
  return lines;
}

export function inputReceiverLine(rs: ReceiverSummary[]): string {
  const compared = rs.filter((r) => r.compared);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const exact = compared.filter((r) => r.byteExact && r.complete).length;
  const head = compared.length > 0 ? `byte-exact ${exact === compared.length ? 'yes' : 'NO'} (${exact}/${compared.length})` : `not compared (FFmpeg's own TS), ${rs.filter((r) => r.complete).length}/${rs.length} got a stream in sync`;
  return `${head}, CC errors ${sum(rs.map((r) => r.ccErrors))}, SCTE-35 ${sum(rs.map((r) => r.cuesValid))} valid${compared.length > 0 ? `/${sum(rs.map((r) => r.cuesExpected))} expected` : ''}`;
}
