// One configuration against the real service: N channels × M outputs to real receivers, each
// channel fed through its input (RTP by default; SRT, RTMP or a file with --input), CPU/RSS of
// the service's process tree over a steady-state window, then (optionally) outputs removed step
// by step to split the service's own CPU into ingest, SRT feeding and UDP/RTP sending, and for
// an input other than RTP one more window with the channels switched to RTP (today's ingest),
// and with --backup the hot-standby windows (backup-phases.ts).
import { existsSync, statSync } from 'node:fs';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { Distributor } from '../support/distributor.js';
import { freeUdpPort } from '../support/media/free-port.js';
import { startRtmpServer, type RtmpServer } from '../support/media/rtmp-server.js';
import { login, waitFor } from '../support/service-process.js';
import { BENCH_ADMIN, startBenchService, type BenchService } from './bench-service.js';
import type { BenchContext } from './context.js';
import { pairStates, standbyPhases } from './backup-phases.js';
import { isInputChild, readArgv } from './input-peers.js';
import { DATAGRAM_BYTES, monotonicMs } from './looped-stream.js';
import { judgeReceivers, measureWindow, SKIP_SECONDS, sleep, waitQuiet } from './measure.js';
import { type BenchConfig, outputKind } from './options.js';
import { classify, type ProcessUsage, readRssBytes, TreeMeter } from './proc.js';
import { ReceiverProcess } from './receiver-client.js';
import { type OutputRecord, type PhaseUsage, type Role, RTP_INGEST_PHASE, type ServiceRun } from './results.js';
import { serviceInputs, type ServiceInputs } from './service-inputs.js';

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
  let inputs: ServiceInputs | undefined;
  try {
    inputs = await serviceInputs(ctx, ctx.workDir);
    log(`starting the service (fresh data dir, embedded PostgreSQL, LOG_LEVEL=warn, ${o.input.toUpperCase()} inputs); idle baseline once its start-up garbage is collected`);
    service = await startBenchService(inputs.env);
    const mld = new Distributor(service.url, await login(service.url, BENCH_ADMIN.username, BENCH_ADMIN.password));
    await inputs.prepare(mld, log);
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
    for (let c = 0; c < cfg.channels; c++) {
      const ch = await mld.createChannel({ name: `bench ${c + 1}`, ...(await inputs.channelFields(c)) });
      channels.push(ch);
      for (let j = 0; j < cfg.outputs; j++) {
        const kind = outputKind(j);
        const name = `c${c + 1}-o${j + 1}-${kind === 'srt' ? 'srt' : o.rtp ? 'rtp' : 'udp'}`;
        if (kind === 'srt') {
          const port = await freeUdpPort();
          await rx.addSrt(name, port, o.latencyMs, inputs.comparable);
          const out = await mld.addOutput(ch.id, { protocol: 'srt', url: `srt://127.0.0.1:${port}?latency=${o.latencyMs}`, name });
          planned.push({ name, channel: c, protocol: 'srt', id: out.id, channelId: ch.id });
        } else {
          const mode = o.rtp ? 'rtp' : 'udp';
          const { port } = await rx.addUdp(name, mode, inputs.comparable);
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

    const tsBytes = async () => Promise.all(channels.map(async (ch) => (await mld.channel(ch.id)).runtime?.ts_bytes ?? 0));
    const bytesAtStart = await tsBytes();
    log(`feeding ${cfg.channels} × ${(ctx.stream.bitrate / 1e6).toFixed(2)} Mbit/s through ${o.input.toUpperCase()} inputs for ${o.seconds} s (first ${SKIP_SECONDS} s not measured)`);
    await inputs.start(mld, channels);
    const sender = inputs.sender;

    const servicePid = service.pid;
    const inputChild = new Map<number, boolean>();
    const roots = [
      { pid: service.pid, group: 'svc' },
      { pid: process.pid, group: 'sender', tree: false },
      { pid: rx.pid, group: 'rx' },
      ...inputs.feederPids().map((pid) => ({ pid, group: 'feeder', tree: false })),
      ...(rtmp ? [{ pid: rtmp.pid, group: 'rtmp-server', tree: false }] : []),
    ];
    const roleOf = (p: ProcessUsage): Role => {
      if (p.group === 'svc') {
        if (p.pid !== servicePid && !inputChild.has(p.pid)) inputChild.set(p.pid, isInputChild(p.comm, readArgv(p.pid)));
        return inputChild.get(p.pid) ? 'input-child' : classify(p, servicePid);
      }
      if (p.group === 'rx') return p.comm.startsWith('srt-live-trans') ? 'receiver-srt' : 'receiver-node';
      return p.group as Role;
    };

    await sleep(SKIP_SECONDS * 1000);
    sender?.resetLateness();
    const ingestBytes = async () => (await tsBytes()).reduce((a, b) => a + b, 0);
    const mainStart = monotonicMs();
    const { usage: main, window: mainWindow } = await measureWindow({ label: 'all outputs', seconds: o.seconds - SKIP_SECONDS, roots, roleOf, rx, ingestBytes });
    const mainEnd = monotonicMs();
    // Where every receiver should have got to: the sender's position, or (no sender) the least any channel took in.
    const mainEndPosition = sender ? sender.datagrams * DATAGRAM_BYTES : Math.min(...(await tsBytes()).map((n, i) => n - bytesAtStart[i]!));
    // Pacing during the measured window (later phases call the API from this same event loop).
    const senderStats = sender?.stats();
    const pairs = inputs.backup ? await pairStates(mld, channels) : undefined;

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
          srtDroppedPackets: ort?.srt?.packets_dropped ?? null,
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
        await noteSrtDrops(mld, gone, outputs);
        for (const p of gone) await mld.removeOutput(p.channelId, p.id);
        await sleep(SETTLE_MS);
        phases.push((await measureWindow({ label: step.label, seconds: o.phaseSeconds, roots, roleOf, rx, ingestBytes })).usage);
      }
    }
    // The input's own stream health over everything it fed (TR 101 290 continuity on the channel's input).
    for (const [i, ch] of channels.entries()) {
      const cc = (await mld.channel(ch.id)).runtime?.analysis?.tr101290.cc_error;
      channelStates[i]!.inputCcErrors = cc?.count ?? null;
      channelStates[i]!.inputCcLastAt = cc?.last_at ?? null;
    }
    // After the input's health was read: removing and adding a backup gives the channel a new source each time.
    if (o.phaseSeconds > 0 && inputs.backup && sender) {
      const receivers = rx;
      const measure = async (label: string) => (await measureWindow({ label, seconds: o.phaseSeconds, roots, roleOf, rx: receivers, ingestBytes })).usage;
      phases.push(...(await standbyPhases({ mld, channels, backup: inputs.backup, sender, settleMs: SETTLE_MS, log, measure })));
    }
    if (o.phaseSeconds > 0 && o.input !== 'rtp') {
      log(`phase "${RTP_INGEST_PHASE}": every channel switched to an RTP input fed by the paced sender, ${o.phaseSeconds} s`);
      await inputs.switchToRtp(mld, channels);
      await sleep(SETTLE_MS);
      phases.push((await measureWindow({ label: RTP_INGEST_PHASE, seconds: o.phaseSeconds, roots, roleOf, rx, ingestBytes })).usage);
    }

    await inputs.stop();
    await waitQuiet(rx);
    const results = await rx.results();
    const { receivers, latency } = judgeReceivers(results, planned, sender, { start: mainStart, end: mainEnd, endPosition: mainEndPosition }, ctx.stream.bitrate, inputs.latencyOffsetMs, inputs.backup?.opensAt ?? 0);
    for (const r of receivers) r.windowBps = main.receiverBps?.[r.name];

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
    if (senderStats && senderStats.sendErrors > 0) problems.push(`the sender saw ${senderStats.sendErrors} send errors`);
    if (senderStats && senderStats.lateOver10ms > 0) problems.push(`the sender ran late by more than 10 ms for ${senderStats.lateOver10ms} datagrams (max ${senderStats.maxLatenessMs.toFixed(1)} ms): the sender could not keep its pace; its event loop or the machine was busy`);

    return {
      input: o.input,
      idle,
      main,
      phases,
      outputs,
      channels: channelStates,
      receivers,
      latency,
      ...(senderStats ? { sender: { datagrams: senderStats.datagrams, sendErrors: senderStats.sendErrors, maxLatenessMs: senderStats.maxLatenessMs, lateOver10ms: senderStats.lateOver10ms } } : {}),
      ...(rtmpSummary ? { rtmp: rtmpSummary } : {}),
      ...(pairs ? { pairs, outputStart: inputs.backup?.opensAt ?? 0 } : {}),
      problems,
    };
  } finally {
    await inputs?.stop();
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
export async function settleAfterBoot(pid: number, log: (line: string) => void): Promise<void> {
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

/** SRT packets the outputs' srt-live-transmit gave up on (too late to send), read just before they are removed. */
async function noteSrtDrops(mld: Distributor, gone: PlannedOutput[], outputs: OutputRecord[]): Promise<void> {
  for (const p of gone.filter((q) => q.protocol === 'srt')) {
    const rt = await mld.outputRuntime(p.channelId, p.id);
    const record = outputs.find((r) => r.id === p.id);
    if (record && rt?.srt) record.srtDroppedPackets = rt.srt.packets_dropped;
  }
}

function cfgKeys(channels: number): string[] {
  return Array.from({ length: channels }, (_, c) => `bench-${c + 1}`);
}
