// Turns the raw runs of one configuration into the figures the issue asks for, judges them
// against its targets, and prints them.
import { formatStandby } from './report-backup.js';
import { formatInput, inputReceiverLine } from './report-input.js';
import { cpuOf, cpuStdErr, type ConfigResult, type Derived, type GroupUsage, type PhaseUsage, type ReferenceRun, type ServiceRun, type Target } from './results.js';

const MiB = 1024 * 1024;

export function derive(
  service: ServiceRun,
  reference: ReferenceRun | undefined,
  counts: { channels: number; srt: number; udp: number; rtmp: number },
  bitrate: number,
  latencyMs: number,
): Derived {
  const main = service.main;
  const serviceCpu = cpuOf(main, 'service');
  const serviceRss = main.roles.service?.rss ?? 0;
  const srt = main.roles['srt-live-transmit'];
  const ffmpeg = main.roles.ffmpeg;
  const phase = (label: string) => service.phases.find((p) => p.label === label);
  const noUdp = phase('without UDP/RTP');
  const noRtmp = phase('without UDP/RTP and RTMP');
  const ingest = phase('ingest only');
  const svc = (p: typeof main | undefined) => (p ? cpuOf(p, 'service') : null);
  const udpPerOutput = counts.udp > 0 && noUdp ? (serviceCpu - svc(noUdp)!) / counts.udp : null;
  const beforeRtmp = noUdp ?? main;
  const rtmpServicePerOutput = counts.rtmp > 0 && noRtmp ? (svc(beforeRtmp)! - svc(noRtmp)!) / counts.rtmp : null;
  const beforeSrt = noRtmp ?? noUdp ?? main;
  const srtFeedPerOutput = counts.srt > 0 && ingest && (counts.udp === 0 || noUdp) && (counts.rtmp === 0 || noRtmp) ? (svc(beforeSrt)! - svc(ingest)!) / counts.srt : null;
  const ingestPerChannel = ingest ? (svc(ingest)! - service.idle.cpu) / counts.channels : null;
  // Standard error of a difference of two independent windows, divided like the figure itself.
  const se = (a: typeof main | undefined, b: typeof main | undefined, n: number) => {
    const ea = a ? cpuStdErr(a, 'service') : 0;
    const eb = b ? cpuStdErr(b, 'service') : 0;
    return ea === null || eb === null || n === 0 ? null : Math.sqrt(ea ** 2 + eb ** 2) / n;
  };
  const stdErr = {
    servicePerChannel: se(main, undefined, counts.channels),
    udpPerOutput: udpPerOutput === null ? null : se(main, noUdp, counts.udp),
    rtmpServicePerOutput: rtmpServicePerOutput === null ? null : se(beforeRtmp, noRtmp, counts.rtmp),
    srtFeedPerOutput: srtFeedPerOutput === null ? null : se(beforeSrt, ingest, counts.srt),
    ingestPerChannel: ingestPerChannel === null ? null : se(ingest, undefined, counts.channels),
  };
  const srtPerOutput = srt && srt.processes > 0 ? srt.cpu / srt.processes : null;
  const relays = reference?.main.roles.relay;
  const referencePerOutput = relays && relays.processes > 0 ? relays.cpu / relays.processes : null;
  const srtPerOutputWithFeed = srtPerOutput !== null && srtFeedPerOutput !== null ? srtPerOutput + srtFeedPerOutput : null;
  const ratio = (a: number | null) => (a !== null && referencePerOutput ? a / referencePerOutput : null);
  const added = (v: number | null) => (v === null ? null : v - latencyMs);
  const harness = (p: typeof main) => ({
    sender: cpuOf(p, 'sender'),
    receiverNode: cpuOf(p, 'receiver-node'),
    receiverSrt: cpuOf(p, 'receiver-srt'),
  });
  const h = harness(main);
  const rtmpServer = cpuOf(main, 'rtmp-server');
  const feeder = cpuOf(main, 'feeder');
  const rh = reference ? harness(reference.main) : null;
  return {
    serviceCpu,
    servicePerChannel: (serviceCpu - service.idle.cpu) / counts.channels,
    serviceRss,
    rssPerChannelBeyondIdle: (serviceRss - service.idle.rss) / counts.channels,
    srtCpu: srt?.cpu ?? 0,
    srtPerOutput,
    srtRssPerProcess: meanRss(srt),
    ffmpegCpu: ffmpeg?.cpu ?? 0,
    ffmpegPerOutput: ffmpeg && ffmpeg.processes > 0 ? ffmpeg.cpu / ffmpeg.processes : null,
    ffmpegRssPerProcess: meanRss(ffmpeg),
    postgresCpu: cpuOf(main, 'postgres'),
    postgresRss: main.roles.postgres?.rss ?? 0,
    referencePerOutput,
    referenceRssPerProcess: meanRss(relays),
    ratioSrtToReference: ratio(srtPerOutput),
    srtPerOutputWithFeed,
    ratioSrtWithFeedToReference: ratio(srtPerOutputWithFeed),
    udpPerOutput,
    rtmpServicePerOutput,
    srtFeedPerOutput,
    ingestPerChannel,
    stdErr,
    ingestPerChannelAt8M: ingestPerChannel === null ? null : ingestPerChannel * (8_000_000 / bitrate),
    addedLatency: { p50: added(service.latency.srt.p50), p99: added(service.latency.srt.p99) },
    referenceAddedLatency: { p50: added(reference?.latency.p50 ?? null), p99: added(reference?.latency.p99 ?? null) },
    harnessCpu: { ...h, rtmpServer, feeder, total: h.sender + h.receiverNode + h.receiverSrt + rtmpServer + feeder },
    referenceHarnessCpu: rh ? { ...rh, total: rh.sender + rh.receiverNode + rh.receiverSrt } : null,
  };
}

function meanRss(g: GroupUsage | undefined): number | null {
  return g && g.processes > 0 ? g.rss / g.processes : null;
}

export function judgeTargets(d: Derived): Target[] {
  const t = (name: string, limit: string, value: number | null, max: number, fmt: (v: number) => string, se?: number | null): Target => ({
    name,
    limit,
    measured: value === null ? 'not measured' : `${fmt(value)}${se ? ` (± ${se.toFixed(2)} standard error)` : ''}`,
    verdict: value === null ? 'n/a' : value <= max ? 'PASS' : 'FAIL',
  });
  const pct = (v: number) => `${v.toFixed(2)} %`;
  const x = (v: number) => `${v.toFixed(2)}×`;
  const mb = (v: number) => `${(v / MiB).toFixed(1)} MiB`;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return [
    t('CPU per SRT output (srt-live-transmit child) vs bare relay, same run', '≤ 1.0×', d.ratioSrtToReference, 1.0, x),
    t('  … the same including the service’s cost of feeding that child', '≤ 1.0×', d.ratioSrtWithFeedToReference, 1.0, x),
    t('CPU per UDP/RTP output (service, beyond ingest)', '≤ 0.5 % of a core', d.udpPerOutput, 0.5, pct, d.stdErr.udpPerOutput),
    t('ingest CPU per 8 Mbit/s channel (service, no outputs)', '≤ 1.5 % of a core', d.ingestPerChannelAt8M, 1.5, pct, d.stdErr.ingestPerChannel),
    t('RSS per SRT output process', '≤ 12 MiB', d.srtRssPerProcess, 12 * MiB, mb),
    t('service RSS per channel beyond its idle size', '≤ 25 MiB', d.rssPerChannelBeyondIdle, 25 * MiB, mb),
    t('added latency to the SRT receiver, p99 (arrival − send − SRT latency)', '≤ 10 ms', d.addedLatency.p99, 10, ms),
  ];
}

const f1 = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '–' : v.toFixed(digits));
/** value ± standard error */
const pm = (v: number | null | undefined, e: number | null | undefined, digits = 2) => (e === null || e === undefined || v === null || v === undefined ? f1(v, digits) : `${v.toFixed(digits)} ± ${e.toFixed(digits)}`);
const mib = (v: number | null | undefined) => (v === null || v === undefined ? '–' : (v / MiB).toFixed(1));

export function formatConfig(r: ConfigResult): string {
  const d = r.derived;
  const s = r.service;
  const lines: string[] = [];
  const mix = [`${r.srtOutputs} SRT`, r.udpOutputs ? `${r.udpOutputs} ${r.udpMode.toUpperCase()}` : '', r.rtmpOutputs ? `${r.rtmpOutputs} RTMP` : ''].filter(Boolean).join(', ');
  lines.push(
    `config ${r.label} (${r.channels} channel${r.channels > 1 ? 's' : ''} × ${r.outputsPerChannel} output${r.outputsPerChannel === 1 ? '' : 's'}${r.rtmpOutputs ? ' + RTMP' : ''}: ${mix}), ${r.input.toUpperCase()} input${r.channels > 1 ? 's' : ''}${r.standby ? ` + RTP backup${r.channels > 1 ? 's' : ''}` : ''}, ${(r.bitrate / 1e6).toFixed(2)} Mbit/s, ${r.seconds} s, SRT latency ${r.latencyMs} ms`,
  );
  lines.push(`  measured over ${s.main.seconds.toFixed(1)} s after skipping 2 s; service idle baseline ${f1(s.idle.cpu, 2)} % CPU, ${mib(s.idle.rss)} MiB`);
  lines.push(`  ${''.padEnd(24)}${'CPU % (of one core)'.padEnd(36)}RSS`);
  const row = (name: string, cpu: string, rss: string) => lines.push(`  ${name.padEnd(24)}${cpu.padEnd(36)}${rss}`);
  row('service (node)', `${f1(d.serviceCpu)}  (${pm(d.servicePerChannel, d.stdErr.servicePerChannel)} per channel)`, `${mib(d.serviceRss)} MiB (+${mib(d.rssPerChannelBeyondIdle)} MiB per channel beyond idle)`);
  if (r.srtOutputs > 0) row('srt-live-transmit', `${f1(d.srtCpu)}  (${f1(d.srtPerOutput, 2)} per output)`, `${mib(d.srtRssPerProcess)} MiB per process`);
  if (r.rtmpOutputs > 0) row('ffmpeg (RTMP)', `${f1(d.ffmpegCpu)}  (${f1(d.ffmpegPerOutput, 2)} per output)`, `${mib(d.ffmpegRssPerProcess)} MiB per process`);
  if (r.reference) {
    const rel = r.reference.main.roles.relay;
    row('reference relays', `${f1(rel?.cpu)}  (${f1(d.referencePerOutput, 2)} per output)`, `${mib(d.referenceRssPerProcess)} MiB per process`);
  }
  row('postgres (excluded)', `${f1(d.postgresCpu, 2)}`, `${mib(d.postgresRss)} MiB`);
  if (r.reference) {
    lines.push(`  ratio SRT output / reference relay: ${f1(d.ratioSrtToReference, 2)} (child only); ${f1(d.ratioSrtWithFeedToReference, 2)} with the service's cost of feeding it`);
  } else lines.push('  ratio SRT output / reference relay: – (no reference run)');
  if (s.phases.length > 0) {
    lines.push(
      `  service CPU by phase (outputs removed live, ${s.phases[0]!.seconds.toFixed(0)} s each): all ${f1(d.serviceCpu, 2)}` +
        s.phases.map((p) => ` → ${p.label} ${f1(cpuOf(p, 'service'), 2)}`).join('') +
        ` → idle ${f1(s.idle.cpu, 2)}`,
    );
    lines.push(`  ingest (service, per channel, no outputs, idle subtracted): ${pm(d.ingestPerChannel, d.stdErr.ingestPerChannel)} %${r.bitrate !== 8_000_000 ? ` (${f1(d.ingestPerChannelAt8M, 2)} % scaled to 8 Mbit/s)` : ''}`);
    if (r.srtOutputs > 0) lines.push(`  SRT feeding (service CPU per SRT output, beyond ingest): ${pm(d.srtFeedPerOutput, d.stdErr.srtFeedPerOutput)} %`);
    if (r.udpOutputs > 0) lines.push(`  UDP output cost (service CPU beyond ingest, per ${r.udpMode.toUpperCase()} output): ${pm(d.udpPerOutput, d.stdErr.udpPerOutput)} % (all outputs − without ${r.udpMode.toUpperCase()}, ÷ ${r.udpOutputs})`);
    if (r.rtmpOutputs > 0) lines.push(`  RTMP feeding (service CPU per RTMP output): ${pm(d.rtmpServicePerOutput, d.stdErr.rtmpServicePerOutput)} %`);
  } else lines.push('  UDP output cost / ingest: – (cost-split phases off: --phase-seconds 0)');
  const rate = (p: PhaseUsage) => (p.ingestBps === undefined ? '' : ` ${(p.ingestBps / 1e6).toFixed(2)} Mbit/s in`);
  lines.push(`  service ingest during each window:${[s.main, ...s.phases].map((p) => ` ${p.label}${rate(p)}`).join(';')}`);
  if (r.derivedInput) lines.push(...formatInput(r.derivedInput, r.inputReference, s.main.ingestBps, r.channels));
  if (r.standby) lines.push(...formatStandby(r.standby, r.channels));
  lines.push(`  receivers: ${s.receivers.some((x) => !x.compared) ? inputReceiverLine(s.receivers) : receiverLine(s.receivers)}`);
  const short = s.receivers.filter((x) => !x.compared && x.windowBps !== undefined);
  if (short.length > 0) lines.push(`  receivers got (main window): ${short.map((x) => `${x.name} ${((x.windowBps ?? 0) / 1e6).toFixed(2)}`).join(', ')} Mbit/s`);
  for (const rcv of s.receivers.filter((x) => (x.compared && !x.byteExact) || !x.complete || x.ccErrors > 0 || x.lostDatagrams > 0)) {
    const byWindow = [s.main, ...s.phases].map((p) => `${p.label} ${p.receiverCcErrors?.[rcv.name] ?? '–'}`).join(', ');
    const srt = rcv.raw.srtRecv;
    lines.push(
      `    ${rcv.name}: ${rcv.compared ? `exact ${rcv.byteExact ? 'yes' : 'NO'}, ` : ''}complete ${rcv.complete ? 'yes' : 'NO'}, lost ${rcv.lostDatagrams} datagrams, CC errors ${rcv.ccErrors} (by window: ${byWindow}), mismatches ${rcv.raw.mismatches}, gaps ${rcv.raw.gaps}, first byte at ${rcv.raw.firstPosition}` +
        (srt ? `; SRT receiver: ${srt.packets} packets, lost ${srt.lost}, dropped as too late ${srt.dropped}, retransmitted ${srt.retransmitted}, belated ${srt.belated}` : ''),
    );
  }
  const ch = s.channels;
  lines.push(
    `  service ingest: RTP lost ${sum(ch.map((c) => Math.max(0, c.rtpLost)))}, malformed ${sum(ch.map((c) => Math.max(0, c.malformed)))}, CC errors on the input ${sum(ch.map((c) => c.inputCcErrors ?? 0))}` +
      `${ch.some((c) => c.inputCcLastAt) ? ` (last ${ch.map((c) => c.inputCcLastAt).filter(Boolean).sort().pop()})` : ''}; outputs: restarts ${sum(s.outputs.map((o) => o.restarts))}, dropped ${sum(s.outputs.map((o) => o.droppedBytes))} bytes, SRT packets dropped ${sum(s.outputs.map((o) => o.srtDroppedPackets ?? 0))}`,
  );
  const ref = r.reference;
  if (s.latency.srt.n === 0 && s.latency.udp.n === 0 && (r.input === 'rtmp' || r.input === 'file')) lines.push(`  latency: – (the ${r.input.toUpperCase()} input is not fed by the timed sender)`);
  else lines.push(
    `  added latency to SRT receiver${r.input === 'srt' ? ' (beyond both SRT latencies, input and output)' : ''}: p50 ${f1(d.addedLatency.p50)} ms, p99 ${f1(d.addedLatency.p99)} ms, max ${f1(s.latency.srt.max === null ? null : s.latency.srt.max - r.latencyMs)} ms` +
      (ref ? ` (reference: p50 ${f1(d.referenceAddedLatency.p50)} ms, p99 ${f1(d.referenceAddedLatency.p99)} ms)` : '') +
      ` [n=${s.latency.srt.n}]`,
  );
  if (s.latency.udp.n > 0) lines.push(`  input → UDP/RTP receiver${r.input === 'srt' ? ' (beyond the input\'s SRT latency)' : ''}: p50 ${f1(s.latency.udp.p50)} ms, p99 ${f1(s.latency.udp.p99)} ms`);
  if (ref) lines.push(`  reference receivers: ${receiverLine(ref.receivers)}`);
  if (s.rtmp) lines.push(`  RTMP: ${s.rtmp.published}/${s.rtmp.expected} published to nginx-rtmp, ${(s.rtmp.recordingBytes / 1e6).toFixed(1)} MB recorded (FLV: no SCTE-35, not byte-comparable)`);
  const hc = d.harnessCpu;
  lines.push(
    `  sender + receivers CPU: ${f1(hc.total)} % (sender ${f1(hc.sender)}, receiver process ${f1(hc.receiverNode)}, SRT receivers ${f1(hc.receiverSrt)}${hc.rtmpServer ? `, nginx-rtmp ${f1(hc.rtmpServer)}` : ''}${hc.feeder ? `, input feeders ${f1(hc.feeder)}` : ''})` +
      (d.referenceHarnessCpu ? `; reference run: ${f1(d.referenceHarnessCpu.total)} % (sender ${f1(d.referenceHarnessCpu.sender)})` : ''),
  );
  const ld = (p: PhaseUsage | undefined) =>
    p?.loopDelay ? `sender ${f1(p.loopDelay.sender.p99)}/${f1(p.loopDelay.sender.max)} ms, receivers ${f1(p.loopDelay.receivers?.p99)}/${f1(p.loopDelay.receivers?.max)} ms` : '–';
  lines.push(`  harness event-loop delay p99/max: ${ld(s.main)}${ref ? `; reference run: ${ld(ref.main)}` : ''}`);
  for (const p of [...s.problems, ...(ref?.problems ?? [])]) lines.push(`  note: ${p}`);
  lines.push('  targets:');
  for (const t of r.targets) lines.push(`    ${t.verdict.padEnd(5)} ${t.name} ${t.limit}: ${t.measured}`);
  lines.push(`  held (byte-exact, complete, 0 CC errors, 0 loss, every SCTE-35 section valid): ${r.held ? 'yes' : `NO (${r.heldReasons.join('; ')})`}`);
  lines.push(`  kept up (full ingest rate, SRT added p99 ≤ SRT latency): ${r.keptUp ? 'yes' : `NO (${r.keptUpReasons.join('; ')})`}${r.harnessSaturated ? '; the harness fell behind its pace (figures partly the harness\'s limit)' : ''}`);
  return lines.join('\n');
}

function receiverLine(rs: ServiceRun['receivers']): string {
  const exact = rs.filter((r) => r.byteExact && r.complete).length;
  const rtp = rs.filter((r) => r.protocol === 'rtp');
  return (
    `byte-exact ${exact === rs.length ? 'yes' : 'NO'} (${exact}/${rs.length}), CC errors ${sum(rs.map((r) => r.ccErrors))}, ` +
    `${rtp.length > 0 ? `RTP loss ${sum(rtp.map((r) => r.rtpMissing))}, ` : ''}datagram loss ${sum(rs.map((r) => r.lostDatagrams))}, ` +
    `SCTE-35 ${sum(rs.map((r) => r.cuesValid))}/${sum(rs.map((r) => r.cuesExpected))} valid${sum(rs.map((r) => r.cuesInvalid)) > 0 ? ` (${sum(rs.map((r) => r.cuesInvalid))} damaged)` : ''}`
  );
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** One line per configuration, for --matrix and --find-max. */
export function formatSummary(results: ConfigResult[]): string {
  const withInput = results.some((r) => r.derivedInput);
  const withStandby = results.some((r) => r.standby);
  const head = ['config', 'svc %/ch', 'SRT %/out', 'relay %/out', 'ratio', 'ingest %/ch', 'UDP %/out', 'svc MiB/ch', 'SRT MiB', 'added p50/p99 ms', 'ref p50/p99 ms', 'exact', 'CC', 'loss', 'SCTE-35', 'harness %', 'held/kept up'];
  const rows = results.map((r) => {
    const d = r.derived;
    const rs = r.service.receivers;
    return [
      `${r.label}${r.rtmpOutputs ? '+rtmp' : ''}${r.input !== 'rtp' ? ` ${r.input}-in` : ''}${r.standby ? ' backup' : ''}`,
      f1(d.servicePerChannel, 2),
      f1(d.srtPerOutput, 2),
      f1(d.referencePerOutput, 2),
      f1(d.ratioSrtToReference, 2),
      f1(d.ingestPerChannelAt8M, 2),
      f1(d.udpPerOutput, 2),
      mib(d.rssPerChannelBeyondIdle),
      mib(d.srtRssPerProcess),
      `${f1(d.addedLatency.p50)}/${f1(d.addedLatency.p99)}`,
      d.referenceAddedLatency.p50 === null ? '–' : `${f1(d.referenceAddedLatency.p50)}/${f1(d.referenceAddedLatency.p99)}`,
      `${rs.filter((x) => x.byteExact && x.complete).length}/${rs.length}`,
      String(sum(rs.map((x) => x.ccErrors))),
      String(sum(rs.map((x) => x.lostDatagrams))),
      `${sum(rs.map((x) => x.cuesValid))}/${sum(rs.map((x) => x.cuesExpected))}`,
      f1(d.harnessCpu.total),
      `${r.held ? 'yes' : 'NO'}/${r.keptUp ? 'yes' : 'NO'}${r.harnessSaturated ? ' (harness late)' : ''}`,
      ...(withInput ? [f1(r.derivedInput?.childPerChannel, 2), f1(r.derivedInput?.barePerChannel, 2), f1(r.derivedInput?.beyondRtpPerChannel, 2), f1(r.derivedInput?.ratioBeyondRtpToBare, 2)] : []),
      ...(withStandby ? [f1(r.standby?.pairIngestPerChannel, 2), f1(r.standby?.singleIngestPerChannel, 2), f1(r.standby?.standbyPerChannel, 2), f1(r.standby?.ratioStandbyToIngest, 2)] : []),
    ];
  });
  if (withInput) head.push('in child %/ch', 'bare %/ch', 'in−RTP %/ch', 'in ratio');
  if (withStandby) head.push('pair %/ch', 'main alone %/ch', 'standby %/ch', 'standby ratio');
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [fmt(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(fmt)].join('\n');
}
