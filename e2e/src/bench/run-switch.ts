// The switch-time loop of --backup: a service of its own with one channel (RTP main and RTP
// backup, each from its own paced sender channel; failover with a short restore_ms) and one
// UDP output into a SwitchProbe. Each cycle silences the main sender, measures when the output
// came back (from the backup) against the main's last datagram, reads the service's record of
// the switch, then lets the main send again and waits for the return to it.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { InputSwitchRecord } from '@mld/contracts';
import { Distributor } from '../support/distributor.js';
import { freeUdpPort } from '../support/media/free-port.js';
import { login, waitFor } from '../support/service-process.js';
import { backupFields, backupOffsetDatagrams, type FailoverSettings, redundancyOf, waitPairHealthy } from './backup-inputs.js';
import type { SwitchCycle, SwitchRun } from './backup-results.js';
import { BENCH_ADMIN, startBenchService, type BenchService } from './bench-service.js';
import type { BenchContext } from './context.js';
import { LOOP_RESOLUTION_MS, sleep } from './measure.js';
import { PacedSender } from './paced-sender.js';
import { TreeMeter } from './proc.js';
import { distribution } from './results.js';
import { settleAfterBoot } from './run-service.js';
import { SwitchProbe } from './switch-probe.js';

export const SWITCH_FAILOVER: FailoverSettings = { mode: 'failover', prefer: 'main', loss_ms: 500, restore_ms: 1000 };
/** How long each cycle runs on the main before it is silenced again. */
const ON_MAIN_MS = 1000;
const MAIN = 0;

/** Upper bound of one cycle, s (for the benchmark's watchdog). */
export function switchCycleBudgetSeconds(f: FailoverSettings = SWITCH_FAILOVER): number {
  return (f.loss_ms + 5000 + 4000 + f.restore_ms + 10_000 + ON_MAIN_MS) / 1000;
}

export async function runSwitchLoop(ctx: BenchContext, log: (line: string) => void): Promise<SwitchRun> {
  const o = ctx.options;
  const f = SWITCH_FAILOVER;
  const problems: string[] = [];
  let service: BenchService | undefined;
  let sender: PacedSender | undefined;
  let probe: SwitchProbe | undefined;
  try {
    log('switch loop: starting a service of its own; idle baseline once its start-up garbage is collected');
    service = await startBenchService();
    const mld = new Distributor(service.url, await login(service.url, BENCH_ADMIN.username, BENCH_ADMIN.password));
    await settleAfterBoot(service.pid, log);
    // The service's own process only (no /proc scan on this event loop while arrivals are timed).
    const roots = [{ pid: service.pid, group: 'svc', tree: false }];
    const idleMeter = new TreeMeter(roots);
    idleMeter.start();
    await sleep(4000);
    const idle = idleMeter.stop().processes[0];

    probe = await SwitchProbe.open(ctx.scte35Pid);
    const mainPort = await freeUdpPort();
    const backupPort = await freeUdpPort();
    const ch = await mld.createChannel({ name: 'bench switch', rtp_ip: '127.0.0.1', rtp_port: mainPort, ...backupFields(backupPort, f) });
    const out = await mld.addOutput(ch.id, { protocol: 'udp', url: `udp://127.0.0.1:${probe.port}`, name: 'switch-udp' });
    const started = await mld.post(`/api/channels/${ch.id}/start`);
    if (started.status !== 200) throw new Error(`start channel: HTTP ${started.status} ${JSON.stringify(started.body)}`);
    await mld.waitOutput(ch.id, out.id, 'running', (r) => r.state === 'running');
    sender = new PacedSender({
      stream: ctx.stream,
      channels: [
        { mode: 'rtp', targets: [{ host: '127.0.0.1', port: mainPort }] },
        { mode: 'rtp', targets: [{ host: '127.0.0.1', port: backupPort }], offsetDatagrams: backupOffsetDatagrams(ctx.stream) },
      ],
      sampleEvery: ctx.sampleEvery,
      maxDurationMs: (o.switches * switchCycleBudgetSeconds(f) + 60) * 1000,
    });
    await sender.start();
    await waitPairHealthy(mld, ch.id);
    await sleep(2000);
    if (probe.received === 0) throw new Error('the UDP output delivered nothing to the probe');

    log(`switch loop: ${o.switches} emergency switches (main silenced; loss_ms ${f.loss_ms}, restore_ms ${f.restore_ms}, prefer main)`);
    const meter = new TreeMeter(roots);
    meter.start();
    // Arrivals are timed on this event loop: its delays are part of every switch time measured.
    const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loopDelay.enable();
    const cycles: SwitchCycle[] = [];
    for (let k = 0; k < o.switches; k++) {
      const c = await oneCycle(k, mld, ch.id, sender, probe, f, problems);
      cycles.push(c);
      log(`switch ${k + 1}/${o.switches}: output back after ${fmt(c.switchMs)} ms (video ${fmt(c.videoMs)} ms), API gap ${fmt(c.failover?.gapMs)} ms${c.failover?.atRandomAccess ? ' at a random-access point' : ''}; restored after ${fmt(c.restoreMs)} ms`);
    }
    const loopWindow = meter.stop();
    loopDelay.disable();
    const beyond = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
    const loop = loopWindow.processes[0];
    await sender.stop();
    const final = await redundancyOf(mld, ch.id);
    const outRt = await mld.outputRuntime(ch.id, out.id);
    const num = (xs: Array<number | null | undefined>) => xs.filter((x): x is number => typeof x === 'number');
    return {
      lossMs: f.loss_ms,
      restoreMs: f.restore_ms,
      cycles,
      switchTime: distribution(num(cycles.map((c) => c.switchMs))),
      silence: distribution(num(cycles.map((c) => c.silenceMs))),
      videoResume: distribution(num(cycles.map((c) => c.videoMs))),
      apiGap: distribution(num(cycles.map((c) => c.failover?.gapMs))),
      beyondApiGap: distribution(num(cycles.map((c) => (c.switchMs === null || !c.failover ? null : c.switchMs - c.failover.gapMs)))),
      harnessLoopDelay: { p99: beyond(loopDelay.percentile(99)), max: beyond(loopDelay.max) },
      restoreTime: distribution(num(cycles.map((c) => c.restoreMs))),
      failoversAtRandomAccess: cycles.filter((c) => c.failover?.atRandomAccess).length,
      restoresAtRandomAccess: cycles.filter((c) => c.restored?.atRandomAccess).length,
      apiSwitches: final?.switches ?? -1,
      output: { ...probe.result(), restarts: outRt?.restarts ?? -1, droppedBytes: outRt?.dropped_bytes ?? -1 },
      service: { idleCpu: idle?.cpu ?? 0, idleRss: idle?.rss ?? 0, cpu: loop?.cpu ?? 0, rss: loop?.rss ?? 0, rssMax: loop?.rssMax ?? 0, seconds: loopWindow.seconds },
      problems,
    };
  } finally {
    await sender?.stop();
    await probe?.close();
    await service?.stop();
  }
}

async function oneCycle(k: number, mld: Distributor, channelId: string, sender: PacedSender, probe: SwitchProbe, f: FailoverSettings, problems: string[]): Promise<SwitchCycle> {
  const before = (await redundancyOf(mld, channelId))?.switches ?? 0;
  // No API request while the switch is under way: the service's event loop runs the policy.
  sender.pause(MAIN);
  const lastSend = sender.lastSentAt(MAIN);
  probe.arm(lastSend, f.loss_ms / 2);
  const back = await waitFor('the output back after the main went silent', () => probe.resumption(), f.loss_ms + 5000, 5).catch(() => undefined);
  if (!back) problems.push(`switch ${k + 1}: the output did not come back within ${f.loss_ms + 5000} ms of the main's last datagram`);
  const failover = await newestSwitch(mld, channelId, before + 1, 'failover', 5000);
  if (!failover) problems.push(`switch ${k + 1}: no 'failover' in runtime.redundancy.recent_switches`);
  // The backup's video resumes at its next key frame (the feed has one every 2 s).
  if (back) await waitFor('video back', () => probe.resumption()?.videoAt ?? undefined, 4000, 10).catch(() => undefined);
  const video = probe.resumption()?.videoAt ?? null;
  probe.checkpoint();

  sender.resume(MAIN);
  const resumedAt = Date.now();
  const restored = await newestSwitch(mld, channelId, before + 2, 'restored', f.restore_ms + 10_000);
  if (!restored) problems.push(`switch ${k + 1}: the channel did not return to the main within ${f.restore_ms + 10_000} ms`);
  await sleep(ON_MAIN_MS);
  probe.checkpoint();
  return {
    index: k + 1,
    switchMs: back ? back.firstAt - lastSend : null,
    silenceMs: back ? back.firstAt - back.silentFrom : null,
    videoMs: video === null ? null : video - lastSend,
    failover: failover ? { gapMs: failover.gap_ms, atRandomAccess: failover.at_random_access, reason: failover.reason } : null,
    restoreMs: restored ? Date.parse(restored.at) - resumedAt : null,
    restored: restored ? { gapMs: restored.gap_ms, atRandomAccess: restored.at_random_access } : null,
  };
}

/** Polls runtime.redundancy until the switch counter reached `count` with a switch of this cause on top. */
async function newestSwitch(mld: Distributor, channelId: string, count: number, cause: InputSwitchRecord['cause'], timeoutMs: number): Promise<InputSwitchRecord | undefined> {
  return waitFor(
    `a '${cause}' switch`,
    async () => {
      const r = await redundancyOf(mld, channelId);
      const top = r?.recent_switches[0];
      return r && r.switches >= count && top?.cause === cause ? top : undefined;
    },
    timeoutMs,
    100,
  ).catch(() => undefined);
}

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(0));
