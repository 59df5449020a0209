// The reference for the same fan-out without the service: one bare
// `srt-live-transmit -chunk:1316 udp://… srt://…` relay per SRT output (EVIDENCE §10), fed by
// the sender copying each datagram to every relay of its channel, into identical SRT listener
// receivers.
import { freeUdpPort, udpPortBound } from '../support/media/free-port.js';
import { spawnTracked, type TrackedChild } from '../support/media/child-process.js';
import { parseSrtConnectionLine, srtUrl, SRT_LIVE_TRANSMIT } from '../support/media/srt-live-transmit.js';
import { waitFor } from '../support/service-process.js';
import type { BenchContext } from './context.js';
import { DATAGRAM_BYTES, monotonicMs } from './looped-stream.js';
import { type BenchConfig, outputKind } from './options.js';
import { PacedSender } from './paced-sender.js';
import { ReceiverProcess } from './receiver-client.js';
import type { ReferenceRun, Role } from './results.js';
import { judgeReceivers, measureWindow, SKIP_SECONDS, sleep, waitQuiet } from './measure.js';

interface Relay {
  name: string;
  channel: number;
  inPort: number;
  child: TrackedChild;
  connected: () => boolean;
}

export async function runReference(ctx: BenchContext, cfg: BenchConfig, log: (line: string) => void): Promise<ReferenceRun | undefined> {
  const o = ctx.options;
  const srtPerChannel = Array.from({ length: cfg.outputs }, (_, j) => outputKind(j)).filter((k) => k === 'srt').length;
  if (srtPerChannel === 0) return undefined;
  const problems: string[] = [];
  let rx: ReceiverProcess | undefined;
  let sender: PacedSender | undefined;
  const relays: Relay[] = [];
  try {
    rx = await ReceiverProcess.start(ctx.receiverInit(o.seconds + 120));
    log(`reference: ${cfg.channels * srtPerChannel} bare srt-live-transmit relay(s) udp:// → srt://`);
    for (let c = 0; c < cfg.channels; c++) {
      for (let j = 0; j < srtPerChannel; j++) {
        const name = `c${c + 1}-relay${j + 1}`;
        const rxPort = await freeUdpPort();
        await rx.addSrt(name, rxPort, o.latencyMs);
        const inPort = await freeUdpPort();
        let connected = false;
        const child = spawnTracked(
          SRT_LIVE_TRANSMIT,
          ['-chunk:1316', `udp://127.0.0.1:${inPort}`, srtUrl({ mode: 'caller', host: '127.0.0.1', port: rxPort, latencyMs: o.latencyMs })],
          {
            name: `reference relay ${name}`,
            maxLifetimeMs: ctx.maxLifetimeMs,
            onStderrLine: (line) => {
              const e = parseSrtConnectionLine(line);
              if (e) connected = e === 'connected';
            },
          },
        );
        relays.push({ name, channel: c, inPort, child, connected: () => connected });
      }
    }
    await waitFor(
      'every reference relay connected and listening on its UDP port',
      () => {
        const dead = relays.find((r) => !r.child.running);
        if (dead) throw new Error(`${dead.child.name} exited:\n${dead.child.stderr()}`);
        return relays.every((r) => r.connected() && udpPortBound(r.inPort));
      },
      20_000 + 500 * relays.length,
      100,
    );
    await sleep(1000);

    sender = new PacedSender({
      stream: ctx.stream,
      channels: Array.from({ length: cfg.channels }, (_, c) => ({
        mode: 'udp' as const,
        targets: relays.filter((r) => r.channel === c).map((r) => ({ host: '127.0.0.1', port: r.inPort })),
      })),
      sampleEvery: ctx.sampleEvery,
      maxDurationMs: (o.seconds + 60) * 1000,
    });
    const roots = [
      ...relays.map((r) => ({ pid: r.child.pid, group: 'relay', tree: false })),
      { pid: process.pid, group: 'sender', tree: false },
      { pid: rx.pid, group: 'rx' },
    ];
    const roleOf = (p: { group: string; comm: string }): Role =>
      p.group === 'rx' ? (p.comm.startsWith('srt-live-trans') ? 'receiver-srt' : 'receiver-node') : (p.group as Role);
    log(`reference: sending for ${o.seconds} s`);
    await sender.start();
    await sleep(SKIP_SECONDS * 1000);
    sender.resetLateness();
    const mainStart = monotonicMs();
    const { usage: main, window } = await measureWindow({ label: 'reference relays', seconds: o.seconds - SKIP_SECONDS, roots, roleOf, rx });
    const mainEnd = monotonicMs();
    const mainEndPosition = sender.datagrams * DATAGRAM_BYTES;
    const senderStats = sender.stats();
    await sender.stop();
    await waitQuiet(rx);
    const results = await rx.results();
    const { receivers, latency } = judgeReceivers(results, relays, sender, { start: mainStart, end: mainEnd, endPosition: mainEndPosition }, ctx.stream.bitrate);
    if (senderStats.sendErrors > 0) problems.push(`the sender saw ${senderStats.sendErrors} send errors`);
    if (senderStats.lateOver10ms > 0) problems.push(`the sender ran late by more than 10 ms for ${senderStats.lateOver10ms} datagrams (max ${senderStats.maxLatenessMs.toFixed(1)} ms) in the reference run: its event loop or the machine was busy`);
    return {
      main,
      relays: relays.map((r) => {
        const m = window.processes.find((p) => p.pid === r.child.pid);
        return { name: r.name, pid: r.child.pid, cpu: m?.cpu ?? 0, rss: m?.rss ?? 0 };
      }),
      receivers,
      latency: latency.srt,
      sender: { datagrams: senderStats.datagrams, sendErrors: senderStats.sendErrors, maxLatenessMs: senderStats.maxLatenessMs, lateOver10ms: senderStats.lateOver10ms },
      problems,
    };
  } finally {
    await sender?.stop();
    await Promise.all(relays.map((r) => r.child.stop(2000)));
    await rx?.stop();
  }
}
