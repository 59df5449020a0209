// The figures of --backup (issue #12), judged against its targets and printed: the hot-standby
// cost of a configuration (standby ≤ 1.0× a second ingest) and the switch-time loop
// (emergency switch ≤ loss_ms + 50 ms; one PID layout and 0 CC errors across every switch).
import { PAIR_AGAIN_PHASE, SINGLE_AGAIN_PHASE, SINGLE_INGEST_PHASE } from './backup-phases.js';
import type { DerivedStandby, SwitchRun } from './backup-results.js';
import { cpuOf, cpuStdErr, type Distribution, type PhaseUsage, type ServiceRun, type Target } from './results.js';

const MiB = 1024 * 1024;
/** What an emergency switch may take beyond loss_ms (issue #12). */
export const SWITCH_SLACK_MS = 50;

export function deriveStandby(service: ServiceRun, channels: number): DerivedStandby | undefined {
  const pairs = service.pairs;
  if (!pairs) return undefined;
  const phase = (label: string) => service.phases.find((p) => p.label === label);
  const present = (labels: string[]) => labels.map(phase).filter((p): p is PhaseUsage => p !== undefined);
  const pairWindows = present([PAIR_AGAIN_PHASE]);
  const singleWindows = present([SINGLE_INGEST_PHASE, SINGLE_AGAIN_PHASE]);
  const single = singleWindows[0];
  const idle = service.idle.cpu;
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  const pairCpu = mean(pairWindows.map((p) => cpuOf(p, 'service')));
  const singleCpu = mean(singleWindows.map((p) => cpuOf(p, 'service')));
  const pairIngestPerChannel = pairCpu === null || singleCpu === null ? null : (pairCpu - idle) / channels;
  const singleIngestPerChannel = singleCpu === null ? null : (singleCpu - idle) / channels;
  const standbyPerChannel = pairIngestPerChannel !== null && singleIngestPerChannel !== null ? pairIngestPerChannel - singleIngestPerChannel : null;
  // ± one standard error of a mean of windows.
  const meanErr = (windows: PhaseUsage[]): number | null => {
    const errs = windows.map((p) => cpuStdErr(p, 'service'));
    const known = errs.filter((e): e is number => e !== null);
    return errs.length === 0 || known.length < errs.length ? null : Math.sqrt(known.reduce((a, e) => a + e ** 2, 0)) / known.length;
  };
  const pairErr = meanErr(pairWindows);
  const singleErr = meanErr(singleWindows);
  // RSS does not shrink when the backup goes (V8 keeps its heap): what adding it back grows by is the figure.
  const rssOf = (p: PhaseUsage | undefined) => p?.roles.service?.rss ?? null;
  const pairRss = rssOf(phase(PAIR_AGAIN_PHASE));
  const singleRss = rssOf(single);
  return {
    pairIngestPerChannel,
    singleIngestPerChannel,
    standbyPerChannel,
    ratioStandbyToIngest: standbyPerChannel !== null && singleIngestPerChannel ? standbyPerChannel / singleIngestPerChannel : null,
    stdErr: {
      pairIngestPerChannel: pairErr === null ? null : pairErr / channels,
      singleIngestPerChannel: singleErr === null ? null : singleErr / channels,
      standbyPerChannel: pairErr === null || singleErr === null ? null : Math.sqrt(pairErr ** 2 + singleErr ** 2) / channels,
    },
    pairRss,
    singleRss,
    standbyRssPerChannel: pairRss !== null && singleRss !== null ? (pairRss - singleRss) / channels : null,
    outputStart: service.outputStart ?? 0,
    pairsOnMain: pairs.filter((p) => p.active === 'main' && p.switches === 0 && p.mainHealthy && p.backupHealthy).length,
    pairs: pairs.length,
    switchesDuringRun: pairs.reduce((n, p) => n + Math.max(0, p.switches), 0),
    backupBitrateBps: pairs.reduce((n, p) => n + p.backupBitrateBps, 0),
  };
}

export function judgeStandbyTargets(d: DerivedStandby): Target[] {
  const r = d.ratioStandbyToIngest;
  const se = d.stdErr.standbyPerChannel;
  return [
    {
      name: 'hot standby (service CPU, pair − main alone) vs a second ingest (main alone − idle), same run',
      limit: '≤ 1.0×',
      measured:
        r === null || d.standbyPerChannel === null || d.singleIngestPerChannel === null
          ? 'not measured'
          : `${r.toFixed(2)}× (${d.standbyPerChannel.toFixed(2)}${se ? ` ± ${se.toFixed(2)}` : ''} vs ${d.singleIngestPerChannel.toFixed(2)} % per channel)`,
      verdict: r === null ? 'n/a' : r <= 1.0 ? 'PASS' : 'FAIL',
    },
  ];
}

const f = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? '–' : v.toFixed(digits));
const pm = (v: number | null, e: number | null) => (v === null ? '–' : e === null ? v.toFixed(2) : `${v.toFixed(2)} ± ${e.toFixed(2)}`);
const mib = (v: number | null) => (v === null ? '–' : `${(v / MiB).toFixed(1)} MiB`);

/** The standby's lines of a configuration's block. */
export function formatStandby(d: DerivedStandby, channels: number): string[] {
  return [
    `  main/backup: RTP main + RTP backup per channel (the backup plays the feed half a pass ahead, from its own sender channel); ${d.pairsOnMain}/${d.pairs} pairs on the main with both inputs healthy and 0 switches after the main window; backups received ${(d.backupBitrateBps / channels / 1e6).toFixed(2)} Mbit/s per channel`,
    `    outputs open at byte ${d.outputStart} of the main (the packet completing its first PMT, ADR 0013); receivers are judged complete from there`,
    `    ingest only (no outputs), service CPU beyond idle per channel: pair ${pm(d.pairIngestPerChannel, d.stdErr.pairIngestPerChannel)} % ("${PAIR_AGAIN_PHASE}"); main alone ${pm(d.singleIngestPerChannel, d.stdErr.singleIngestPerChannel)} % (= a second ingest; mean of "${SINGLE_INGEST_PHASE}" and "${SINGLE_AGAIN_PHASE}", the windows either side)`,
    `    hot standby: ${pm(d.standbyPerChannel, d.stdErr.standbyPerChannel)} % per channel = ${f(d.ratioStandbyToIngest)}× a second ingest; service RSS main alone ${mib(d.singleRss)} → backup added again ${mib(d.pairRss)} (${d.standbyRssPerChannel === null ? '–' : `${d.standbyRssPerChannel >= 0 ? '+' : ''}${(d.standbyRssPerChannel / MiB).toFixed(1)} MiB`} per channel)`,
  ];
}

export function judgeSwitchTargets(s: SwitchRun): Target[] {
  const limit = s.lossMs + SWITCH_SLACK_MS;
  const max = s.switchTime.max;
  const all = s.switchTime.n === s.cycles.length;
  const o = s.output;
  const oneLayout = o.pmtLayouts.length === 1 && o.undeclaredPids.length === 0;
  return [
    {
      name: `emergency switch (first output datagram after the gap − the main's last datagram), max of ${s.cycles.length}`,
      limit: `≤ loss_ms + ${SWITCH_SLACK_MS} ms = ${limit} ms`,
      measured: max === null ? 'not measured' : `${max.toFixed(0)} ms (p50 ${f(s.switchTime.p50, 0)} ms)${all ? '' : `; ${s.cycles.length - s.switchTime.n} switches not seen at the output`}`,
      verdict: max === null ? 'n/a' : max <= limit && all ? 'PASS' : 'FAIL',
    },
    {
      name: 'output across every switch: CC errors outside packets with discontinuity_indicator',
      limit: '= 0',
      measured: `${o.ccErrors}${o.ccErrors > 0 ? ` (by PID: ${Object.entries(o.ccErrorsByPid).map(([pid, n]) => `0x${Number(pid).toString(16)} ${n}`).join(', ')})` : ''}`,
      verdict: o.datagrams === 0 ? 'n/a' : o.ccErrors === 0 ? 'PASS' : 'FAIL',
    },
    {
      name: 'output across every switch: one PID layout (one PMT; no PID it does not declare)',
      limit: '= 1',
      measured: oneLayout ? `1 (${o.pidsAll.length} PIDs)` : `${o.pmtLayouts.length} PMT layouts${o.undeclaredPids.length > 0 ? `; undeclared PIDs ${hexList(o.undeclaredPids)}` : ''}`,
      verdict: o.datagrams === 0 ? 'n/a' : oneLayout ? 'PASS' : 'FAIL',
    },
  ];
}

/** The switch loop's block. */
export function formatSwitchLoop(s: SwitchRun, targets: Target[]): string {
  const d = (x: Distribution) => `p50 ${f(x.p50, 0)} / max ${f(x.max, 0)} ms`;
  const o = s.output;
  const lines = [
    `switch loop (1 channel, RTP main + RTP backup, 1 UDP output; failover loss_ms ${s.lossMs}, restore_ms ${s.restoreMs}, prefer main), ${s.cycles.length} emergency switches`,
    `  switch time (first output datagram after the gap − main's last datagram sent): ${d(s.switchTime)} [n=${s.switchTime.n}]`,
    `  output silent for ${d(s.silence)}; video back (first video PES start after the switch's PAT: the backup's key frame) after ${d(s.videoResume)}`,
    `  API: gap_ms ${d(s.apiGap)} (the main's last packet to the cut, as the service saw them; switch time beyond it ${d(s.beyondApiGap)}, harness event-loop delay p99/max ${f(s.harnessLoopDelay.p99, 1)}/${f(s.harnessLoopDelay.max, 1)} ms)`,
    `  at_random_access: ${s.failoversAtRandomAccess}/${s.cycles.length} failovers, ${s.restoresAtRandomAccess}/${s.cycles.length} returns; back on the main ${d(s.restoreTime)} after it sent again (restore_ms ${s.restoreMs}, then its next key frame); switches counted ${s.apiSwitches}`,
    `  output: ${o.datagrams} datagrams, CC errors ${o.ccErrors} (discontinuity_indicator on ${o.discontinuityIndicators} packets), sync losses ${o.syncLosses}, PIDs ${hexList(o.pidsAll)}, PMT ${o.pmtLayouts.length === 1 ? o.pmtLayouts[0] : `${o.pmtLayouts.length} layouts: ${o.pmtLayouts.join(' | ')}`}, SCTE-35 ${o.cues.valid} valid${o.cues.invalid ? `, ${o.cues.invalid} damaged` : ''}; output restarts ${o.restarts}, dropped ${o.droppedBytes} bytes`,
    `  service during the loop (${s.service.seconds.toFixed(0)} s): CPU ${f(s.service.cpu)} % (idle ${f(s.service.idleCpu)} %), RSS ${mib(s.service.rss)} mean, ${mib(s.service.rssMax)} max (idle ${mib(s.service.idleRss)})`,
  ];
  for (const p of s.problems) lines.push(`  note: ${p}`);
  lines.push('  targets:');
  for (const t of targets) lines.push(`    ${t.verdict.padEnd(5)} ${t.name} ${t.limit}: ${t.measured}`);
  return lines.join('\n');
}

function hexList(xs: readonly number[]): string {
  return xs.map((x) => `0x${x.toString(16)}`).join(' ');
}
