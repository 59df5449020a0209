// The bare tool an input is compared with, per channel, fed the same way the service's input is:
//   srt  — `srt-live-transmit srt://127.0.0.1:P?mode=listener udp://127.0.0.1:Q`, called by the
//          same SRT caller relaying the paced sender (so its UDP receiver can compare bytes and
//          time arrivals);
//   rtmp — `ffmpeg -f flv -listen 1 -i rtmp://… -c copy -f mpegts udp://…`, published to by the
//          same FFmpeg publisher;
//   file — `ffmpeg -re -i <the file the service plays> -c copy -f mpegts udp://…`.
// FFmpeg's TS is its own remux (no null packets, no SCTE-35, new PSI), so those receivers only
// count and inspect it.
import type { TrackedChild } from '../support/media/child-process.js';
import { freeTcpPort, freeUdpPort, udpPortBound } from '../support/media/free-port.js';
import { waitFor } from '../support/service-process.js';
import type { BenchContext } from './context.js';
import { startBareFilePlayer, startBareRtmpRemux, startBareSrtListener, startRtmpPublisher, startSrtCaller, tcpListening, writeLoopedFile } from './input-peers.js';
import { DATAGRAM_BYTES, monotonicMs } from './looped-stream.js';
import { judgeReceivers, measureWindow, SKIP_SECONDS, sleep, waitQuiet } from './measure.js';
import type { BenchConfig } from './options.js';
import { PacedSender } from './paced-sender.js';
import { ReceiverProcess } from './receiver-client.js';
import type { InputReferenceRun } from './input-results.js';
import type { Role } from './results.js';
import { filePasses } from './service-inputs.js';

export const BARE_TOOL: Record<InputReferenceRun['input'], string> = {
  srt: 'srt-live-transmit srt://…?mode=listener → udp://',
  rtmp: 'ffmpeg -f flv -listen 1 -i rtmp://… -c copy -f mpegts udp://',
  file: 'ffmpeg -re -i file.ts -c copy -f mpegts udp://',
};


export async function runInputReference(ctx: BenchContext, cfg: BenchConfig, log: (line: string) => void): Promise<InputReferenceRun | undefined> {
  const o = ctx.options;
  const kind = o.input;
  if (kind === 'rtp') return undefined;
  const problems: string[] = [];
  let rx: ReceiverProcess | undefined;
  let sender: PacedSender | undefined;
  const tools: Array<{ name: string; child: TrackedChild }> = [];
  const feeders: TrackedChild[] = [];
  const planned: Array<{ name: string; channel: number }> = [];
  try {
    rx = await ReceiverProcess.start(ctx.receiverInit(o.seconds + 120));
    log(`input reference: ${cfg.channels} × ${BARE_TOOL[kind]}`);
    const filePath = kind === 'file' ? writeLoopedFile(ctx.workDir, ctx.stream, filePasses(ctx)) : '';
    const targets: number[] = [];
    for (let c = 0; c < cfg.channels; c++) {
      const name = `c${c + 1}-bare-${kind}`;
      const { port: udpPort } = await rx.addUdp(name, 'udp', kind === 'srt');
      planned.push({ name, channel: c });
      if (kind === 'srt') {
        const port = await freeUdpPort();
        const child = startBareSrtListener(name, port, o.latencyMs, udpPort, ctx.maxLifetimeMs);
        tools.push({ name, child });
        await waitFor(`${child.name} listening`, () => ensureRunning(child) && udpPortBound(port), 10_000, 50);
        const caller = await startSrtCaller(name, port, o.latencyMs, ctx.maxLifetimeMs);
        feeders.push(caller.child);
        targets.push(caller.inPort);
      } else if (kind === 'rtmp') {
        const port = await freeTcpPort();
        const key = `bench-${c + 1}`;
        const child = startBareRtmpRemux(name, port, key, udpPort, ctx.maxLifetimeMs);
        tools.push({ name, child });
        await waitFor(`${child.name} listening`, () => ensureRunning(child) && tcpListening(port), 10_000, 50);
        feeders.push(startRtmpPublisher(name, ctx.feedPath, `rtmp://127.0.0.1:${port}/live/${key}`, ctx.maxLifetimeMs));
      } else {
        tools.push({ name, child: startBareFilePlayer(name, filePath, udpPort, ctx.maxLifetimeMs) });
      }
    }
    if (kind === 'srt') {
      sender = new PacedSender({
        stream: ctx.stream,
        channels: targets.map((port) => ({ mode: 'udp' as const, targets: [{ host: '127.0.0.1', port }] })),
        sampleEvery: ctx.sampleEvery,
        maxDurationMs: (o.seconds + 60) * 1000,
      });
      await sender.start();
    }
    await waitFor(
      'every bare tool delivering',
      async () => {
        for (const t of tools) ensureRunning(t.child);
        const bytes = await rx!.bytes();
        return planned.every((p) => (bytes[p.name] ?? 0) > 0);
      },
      20_000,
      100,
    );
    const roots = [
      ...tools.map((t) => ({ pid: t.child.pid, group: 'input-tool', tree: false })),
      ...feeders.map((f) => ({ pid: f.pid, group: 'feeder', tree: false })),
      { pid: process.pid, group: 'sender', tree: false },
      { pid: rx.pid, group: 'rx' },
    ];
    const roleOf = (p: { group: string; comm: string }): Role =>
      p.group === 'rx' ? (p.comm.startsWith('srt-live-trans') ? 'receiver-srt' : 'receiver-node') : (p.group as Role);
    log(`input reference: measuring for ${o.seconds} s`);
    await sleep(SKIP_SECONDS * 1000);
    sender?.resetLateness();
    const mainStart = monotonicMs();
    const { usage: main, window } = await measureWindow({ label: `bare ${kind} tool`, seconds: o.seconds - SKIP_SECONDS, roots, roleOf, rx });
    const mainEnd = monotonicMs();
    const endPosition = sender ? sender.datagrams * DATAGRAM_BYTES : 0;
    const senderStats = sender?.stats();
    await sender?.stop();
    await Promise.all(feeders.map((f) => f.stop(3000)));
    await waitQuiet(rx);
    const results = await rx.results();
    const { receivers, latency } = judgeReceivers(results, planned, sender, { start: mainStart, end: mainEnd, endPosition }, ctx.stream.bitrate);
    for (const r of receivers) r.windowBps = main.receiverBps?.[r.name];
    if (senderStats && senderStats.lateOver10ms > 0) problems.push(`the sender ran late by more than 10 ms for ${senderStats.lateOver10ms} datagrams (max ${senderStats.maxLatenessMs.toFixed(1)} ms) in the input reference run`);
    return {
      input: kind,
      tool: BARE_TOOL[kind],
      main,
      tools: tools.map((t) => {
        const m = window.processes.find((p) => p.pid === t.child.pid);
        return { name: t.name, pid: t.child.pid, cpu: m?.cpu ?? 0, rss: m?.rss ?? 0 };
      }),
      receivers,
      latency: latency.udp,
      ...(senderStats ? { sender: { datagrams: senderStats.datagrams, sendErrors: senderStats.sendErrors, maxLatenessMs: senderStats.maxLatenessMs, lateOver10ms: senderStats.lateOver10ms } } : {}),
      problems,
    };
  } finally {
    await sender?.stop();
    await Promise.all([...feeders.map((f) => f.stop(3000)), ...tools.map((t) => t.child.stop(3000))]);
    await rx?.stop();
  }
}

function ensureRunning(child: TrackedChild): true {
  if (!child.running) throw new Error(`${child.name} exited:\n${child.stderr().slice(-2000)}`);
  return true;
}
