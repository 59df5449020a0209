// One configuration against the real service: N channels × M outputs to real receivers, a paced
// sender per channel, CPU/RSS of the service's process tree over a steady-state window, then
// (optionally) outputs removed step by step to split the service's own CPU into ingest,
// SRT feeding and UDP/RTP sending.
import { existsSync, statSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { Distributor } from '../support/distributor.js';
import { freeUdpPort } from '../support/media/free-port.js';
import { startRtmpServer, type RtmpServer } from '../support/media/rtmp-server.js';
import { login, waitFor } from '../support/service-process.js';
import { BENCH_ADMIN, startBenchService, type BenchService } from './bench-service.js';
import { DATAGRAM_BYTES, monotonicMs } from './looped-stream.js';
import { type BenchConfig, outputKind } from './options.js';
import { PacedSender } from './paced-sender.js';
import { classify, type ProcessUsage, readRssBytes, TreeMeter, type WindowUsage } from './proc.js';
import { ReceiverProcess } from './receiver-client.js';
import type { ReceiverResult } from './receiver-protocol.js';
import { distribution, type OutputRecord, type PhaseUsage, type Role, type ServiceRun, summarize, summarizeReceiver } from './results.js';
import type { BenchContext } from './context.js';

export const SKIP_SECONDS = 2;
/** Resolution of the event-loop delay histograms (also in receiver-process.ts). */
export const LOOP_RESOLUTION_MS = 5;
const SETTLE_MS = 2000;

interface PlannedOutput {
  name: string;
  channel: number;
  protocol: 'srt' | 'udp' | 'rtp' | 'rtmp';
  id: string;
  channelId: string;
}

export async function runService(ctx: BenchContext, cfg: BenchConfig, log: (line: string) => void): Promise<ServiceRun> {
  const o = ctx.options;
  const problems: string[] = [];
  let service: BenchService | undefined;
  let rx: ReceiverProcess | undefined;
  let rtmp: RtmpServer | undefined;
  let sender: PacedSender | undefined;
  try {
    log('starting the service (fresh data dir, embedded PostgreSQL, LOG_LEVEL=warn); idle baseline once its start-up garbage is collected');
    service = await startBenchService();
    const mld = new Distributor(service.url, await login(service.url, BENCH_ADMIN.username, BENCH_ADMIN.password));
    await settleAfterBoot(service.pid, log);
    const idleMeter = new TreeMeter([{ pid: service.pid, group: 'svc' }]);
    idleMeter.start();
    await sleep(4000);
    const idleWindow = idleMeter.stop();
    const idleService = idleWindow.processes.find((p) => p.pid === service!.pid);
    const idle = { cpu: idleService?.cpu ?? 0, rss: idleService?.rss ?? 0, seconds: idleWindow.seconds };

    rx = await ReceiverProcess.start(ctx.receiverInit(o.seconds + 8 * o.phaseSeconds + 300));
    if (o.rtmp) {
      rtmp = await startRtmpServer({ record: 'overwrite', maxLifetimeMs: ctx.maxLifetimeMs });
      liveRtmpServers.add(rtmp);
    }

    log(`creating ${cfg.channels} channel(s) × ${cfg.outputs} output(s)${o.rtmp ? ' + RTMP' : ''}`);
    const planned: PlannedOutput[] = [];
    const channels: ChannelWithOutputsResponse[] = [];
    const inPorts: number[] = [];
    for (let c = 0; c < cfg.channels; c++) {
      const inPort = await freeUdpPort();
      inPorts.push(inPort);
      const ch = await mld.createChannel({ name: `bench ${c + 1}`, rtp_ip: '127.0.0.1', rtp_port: inPort });
      channels.push(ch);
      for (let j = 0; j < cfg.outputs; j++) {
        const kind = outputKind(j);
        const name = `c${c + 1}-o${j + 1}-${kind === 'srt' ? 'srt' : o.rtp ? 'rtp' : 'udp'}`;
        if (kind === 'srt') {
          const port = await freeUdpPort();
          await rx.addSrt(name, port, o.latencyMs);
          const out = await mld.addOutput(ch.id, { protocol: 'srt', url: `srt://127.0.0.1:${port}?latency=${o.latencyMs}`, name });
          planned.push({ name, channel: c, protocol: 'srt', id: out.id, channelId: ch.id });
        } else {
          const mode = o.rtp ? 'rtp' : 'udp';
          const { port } = await rx.addUdp(name, mode);
          const out = await mld.addOutput(ch.id, { protocol: mode, url: `${mode}://127.0.0.1:${port}`, name });
          planned.push({ name, channel: c, protocol: mode, id: out.id, channelId: ch.id });
        }
      }
      if (rtmp) {
        const name = `c${c + 1}-rtmp`;
        const out = await mld.addOutput(ch.id, { protocol: 'rtmp', url: rtmp.url('live', `bench-${c + 1}`), name });
        planned.push({ name, channel: c, protocol: 'rtmp', id: out.id, channelId: ch.id });
      }
    }
    for (const ch of channels) {
      const r = await mld.post(`/api/channels/${ch.id}/start`);
      if (r.status !== 200) throw new Error(`start channel ${ch.name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    }
    const waitMs = 20_000 + 1000 * planned.length;
    log(`waiting for ${planned.filter((p) => p.protocol === 'srt').length} SRT output(s) to connect`);
    await waitFor(
      'every SRT output connected and every UDP/RTP output running',
      async () => {
        for (const ch of channels) {
          const now = await mld.channel(ch.id);
          for (const p of planned.filter((q) => q.channelId === ch.id && q.protocol !== 'rtmp')) {
            const rt = now.outputs.find((x) => x.id === p.id)?.runtime;
            if (!rt || rt.state !== 'running' || (p.protocol === 'srt' && rt.connected !== true)) return false;
          }
        }
        return true;
      },
      waitMs,
      250,
    );
    await sleep(1000);

    const roots = [
      { pid: service.pid, group: 'svc' },
      { pid: process.pid, group: 'sender', tree: false },
      { pid: rx.pid, group: 'rx' },
      ...(rtmp ? [{ pid: rtmp.pid, group: 'rtmp-server', tree: false }] : []),
    ];
    const servicePid = service.pid;
    const roleOf = (p: ProcessUsage): Role => {
      if (p.group === 'svc') return classify(p, servicePid);
      if (p.group === 'rx') return p.comm.startsWith('srt-live-trans') ? 'receiver-srt' : 'receiver-node';
      return p.group as Role;
    };

    sender = new PacedSender({
      stream: ctx.stream,
      channels: inPorts.map((port) => ({ mode: 'rtp', targets: [{ host: '127.0.0.1', port }] })),
      sampleEvery: ctx.sampleEvery,
      maxDurationMs: (o.seconds + 4 * (o.phaseSeconds + 5) + 60) * 1000,
    });
    log(`sending ${cfg.channels} × ${(ctx.stream.bitrate / 1e6).toFixed(2)} Mbit/s for ${o.seconds} s (first ${SKIP_SECONDS} s not measured)`);
    await sender.start();
    await sleep(SKIP_SECONDS * 1000);
    sender.resetLateness();
    const ingestBytes = async () => {
      let n = 0;
      for (const ch of channels) n += (await mld.channel(ch.id)).runtime?.ts_bytes ?? 0;
      return n;
    };
    const mainStart = monotonicMs();
    const { usage: main, window: mainWindow } = await measureWindow({ label: 'all outputs', seconds: o.seconds - SKIP_SECONDS, roots, roleOf, rx, ingestBytes });
    const mainEnd = monotonicMs();
    const mainEndPosition = sender.datagrams * DATAGRAM_BYTES;
    // Pacing during the measured window (later phases call the API from this same event loop).
    const senderStats = sender.stats();

    // Live state right after the window, before any output is removed.
    const outputs: OutputRecord[] = [];
    const channelStates: ServiceRun['channels'] = [];
    for (const ch of channels) {
      const now = await mld.channel(ch.id);
      const rt = now.runtime;
      channelStates.push({
        name: now.name,
        rtpLost: rt?.rtp.lost ?? -1,
        malformed: rt?.malformed ?? -1,
        tsBytes: rt?.ts_bytes ?? 0,
        bitrateBps: rt?.bitrate_bps ?? 0,
        state: rt?.state ?? 'none',
      });
      for (const p of planned.filter((q) => q.channelId === ch.id)) {
        const ort = now.outputs.find((x) => x.id === p.id)?.runtime ?? null;
        const member = ort?.pid ? mainWindow.processes.find((m) => m.pid === ort.pid) : undefined;
        outputs.push({
          name: p.name,
          channel: p.channel,
          protocol: p.protocol,
          id: p.id,
          pid: ort?.pid ?? null,
          cpu: member?.cpu ?? null,
          rss: member?.rss ?? null,
          restarts: ort?.restarts ?? 0,
          droppedBytes: ort?.dropped_bytes ?? 0,
          state: ort ? `${ort.state}${ort.connected === true ? ' connected' : ''}` : 'none',
        });
      }
    }

    const phases: PhaseUsage[] = [];
    if (o.phaseSeconds > 0 && planned.length > 0) {
      const steps: Array<{ label: string; protocols: PlannedOutput['protocol'][] }> = [];
      if (planned.some((p) => p.protocol === 'udp' || p.protocol === 'rtp')) steps.push({ label: 'without UDP/RTP', protocols: ['udp', 'rtp'] });
      if (planned.some((p) => p.protocol === 'rtmp')) steps.push({ label: 'without UDP/RTP and RTMP', protocols: ['rtmp'] });
      steps.push({ label: 'ingest only', protocols: ['srt'] });
      for (const step of steps) {
        const gone = planned.filter((p) => step.protocols.includes(p.protocol));
        if (gone.length === 0 && step.label !== 'ingest only') continue;
        log(`phase "${step.label}": removing ${gone.length} output(s), ${o.phaseSeconds} s`);
        for (const p of gone) await mld.removeOutput(p.channelId, p.id);
        await sleep(SETTLE_MS);
        phases.push((await measureWindow({ label: step.label, seconds: o.phaseSeconds, roots, roleOf, rx, ingestBytes })).usage);
      }
    }

    await sender.stop();
    await waitQuiet(rx);
    const results = await rx.results();
    const { receivers, latency } = judgeReceivers(results, planned, sender, mainStart, mainEnd, mainEndPosition, ctx.stream.bitrate);

    let rtmpSummary: ServiceRun['rtmp'];
    if (rtmp) {
      const keys = new Set(rtmp.published());
      const recordings = rtmp.recordings();
      rtmpSummary = {
        published: cfgKeys(cfg.channels).filter((k) => keys.has(k)).length,
        expected: cfg.channels,
        recordingBytes: recordings.reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0),
      };
    }
    if (senderStats.sendErrors > 0) problems.push(`the sender saw ${senderStats.sendErrors} send errors`);
    if (senderStats.lateOver10ms > 0) problems.push(`the sender ran late by more than 10 ms for ${senderStats.lateOver10ms} datagrams (max ${senderStats.maxLatenessMs.toFixed(1)} ms): the sender could not keep its pace; its event loop or the machine was busy`);

    return {
      idle,
      main,
      phases,
      outputs,
      channels: channelStates,
      receivers,
      latency,
      sender: { datagrams: senderStats.datagrams, sendErrors: senderStats.sendErrors, maxLatenessMs: senderStats.maxLatenessMs, lateOver10ms: senderStats.lateOver10ms },
      ...(rtmpSummary ? { rtmp: rtmpSummary } : {}),
      problems,
    };
  } finally {
    await sender?.stop();
    await rx?.stop();
    await service?.stop();
    await rtmp?.stop();
    if (rtmp) liveRtmpServers.delete(rtmp);
  }
}

const liveRtmpServers = new Set<RtmpServer>();

/** Last-resort cleanup (SIGINT): stops nginx-rtmp servers and removes their temp dirs. */
export async function stopRtmpServers(): Promise<void> {
  await Promise.all([...liveRtmpServers].map((r) => r.stop().catch(() => undefined)));
  liveRtmpServers.clear();
}

/**
 * A freshly booted service holds ~40 MB of start-up garbage until V8's memory reducer runs,
 * about 15 s after the last activity; an idle baseline taken before that would make every
 * later RSS look smaller than idle. Waits for that drop (at most 30 s).
 */
async function settleAfterBoot(pid: number, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  let max = 0;
  while (Date.now() - started < 30_000) {
    const rss = readRssBytes(pid) ?? 0;
    max = Math.max(max, rss);
    if (rss > 0 && rss < max * 0.9) {
      await sleep(2000);
      return;
    }
    await sleep(500);
  }
  log('the service\'s memory did not settle after boot within 30 s; idle baseline taken anyway');
}

function cfgKeys(channels: number): string[] {
  return Array.from({ length: channels }, (_, c) => `bench-${c + 1}`);
}

/** Pairs each receiver's sampled arrivals with the sender's send times and judges the stream. */
export function judgeReceivers(
  results: Record<string, ReceiverResult>,
  planned: ReadonlyArray<{ name: string; channel: number }>,
  sender: PacedSender,
  mainStart: number,
  mainEnd: number,
  mainEndPosition: number,
  bitrate: number,
): { receivers: ServiceRun['receivers']; latency: ServiceRun['latency'] } {
  const srtAll: number[] = [];
  const udpAll: number[] = [];
  const receivers: ServiceRun['receivers'] = [];
  for (const p of planned) {
    const r = results[p.name];
    if (!r) continue;
    const lat: number[] = [];
    for (let i = 0; i < r.samples.index.length; i++) {
      const sent = sender.sendTime(p.channel, r.samples.index[i]!);
      if (sent === undefined || sent < mainStart || sent > mainEnd) continue;
      lat.push(r.samples.at[i]! - sent);
    }
    (r.kind === 'srt' ? srtAll : udpAll).push(...lat);
    receivers.push(summarizeReceiver(r, p.channel, mainEndPosition, Math.ceil((bitrate / 8) * 0.25), lat));
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

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * One measurement window: CPU/RSS of the trees under `roots`, the event-loop delay of the
 * sender and the receiver process (a busy harness delays timestamps), and how much TS the
 * service took in meanwhile (proof that its channels were really receiving).
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
  await w.rx.loopDelay(true);
  const h = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  h.enable();
  const meter = new TreeMeter(w.roots);
  meter.start();
  await sleep(w.seconds * 1000);
  const window = meter.stop();
  h.disable();
  const receivers = await w.rx.loopDelay(false).catch(() => null);
  const usage = summarize(w.label, window, w.roleOf);
  if (before) {
    const after = await readIngest();
    usage.ingestBps = ((after.bytes - before.bytes) * 8) / ((after.at - before.at) / 1000);
  }
  // The histogram times a 5 ms timer: what is beyond those 5 ms is the delay.
  const beyond = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  usage.loopDelay = {
    sender: { p50: beyond(h.percentile(50)), p99: beyond(h.percentile(99)), max: beyond(h.max) },
    receivers: receivers && { p50: Math.max(0, receivers.p50 - LOOP_RESOLUTION_MS), p99: Math.max(0, receivers.p99 - LOOP_RESOLUTION_MS), max: Math.max(0, receivers.max - LOOP_RESOLUTION_MS) },
  };
  return { usage, window };
}
