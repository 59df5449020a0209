// `npm run bench`: what the service costs per channel and per output, measured against bare
// srt-live-transmit relays on the same machine in the same invocation, with the delivered
// streams checked byte for byte. See docs/benchmark.md. Exits 0 whatever the figures are;
// non-zero only when the harness itself failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { NULL_PID, TS_PACKET_SIZE, tsPid } from '@mld/mpegts';
import { makeTestFeed } from '../support/media/test-feed.js';
import { pcrTiming } from '../support/media/ts-timing.js';
import { stopAllTracked } from '../support/media/child-process.js';
import { repoRoot } from '../support/service-process.js';
import { killBenchServices } from './bench-service.js';
import type { BenchContext } from './context.js';
import { LoopedStream } from './looped-stream.js';
import { type BenchConfig, type BenchOptions, configLabel, FIND_MAX_STEPS, outputKind, parseArgs, USAGE } from './options.js';
import { killReceiverProcesses } from './receiver-client.js';
import { derive, formatConfig, formatSummary, judgeTargets } from './report.js';
import { judgeRun } from './judge-run.js';
import { deriveInput, judgeInputTargets } from './report-input.js';
import { deriveStandby, formatSwitchLoop, judgeStandbyTargets, judgeSwitchTargets } from './report-backup.js';
import type { SwitchRun } from './backup-results.js';
import { runSwitchLoop, switchCycleBudgetSeconds } from './run-switch.js';
import type { InputReferenceRun } from './input-results.js';
import type { ConfigResult, ReferenceRun } from './results.js';
import { runInputReference } from './run-input-reference.js';
import { runReference } from './run-reference.js';
import { sleep } from './measure.js';
import { runService, stopRtmpServers } from './run-service.js';

const SAMPLE_EVERY = 10;

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function machine(): Record<string, string | number> {
  const tool = (cmd: string, args: string[], pattern: RegExp) => {
    // srt-live-transmit -version prints to stderr and may exit non-zero.
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
    return `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').find((l) => pattern.test(l))?.trim() ?? 'unknown';
  };
  let os = 'unknown';
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    /* not Linux? */
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os,
    kernel: release(),
    node: process.version,
    srtLiveTransmit: `srt-live-transmit ${tool('srt-live-transmit', ['-version'], /SRT Library version/).replace(/^.*version:?\s*/i, '')}`,
    ffmpeg: tool('ffmpeg', ['-version'], /^ffmpeg version/).replace(/ Copyright.*$/, ''),
  };
}

async function runConfig(ctx: BenchContext, cfg: BenchConfig, o: BenchOptions): Promise<ConfigResult> {
  const started = Date.now();
  const label = configLabel(cfg);
  const kinds = Array.from({ length: cfg.outputs }, (_, j) => outputKind(j));
  const counts = {
    channels: cfg.channels,
    srt: cfg.channels * kinds.filter((k) => k === 'srt').length,
    udp: cfg.channels * kinds.filter((k) => k === 'udp').length,
    rtmp: o.rtmp ? cfg.channels : 0,
  };
  const [l1, l5] = loadavg();
  log(`=== ${label}: load average ${l1!.toFixed(2)} (1 min), ${l5!.toFixed(2)} (5 min)`);
  const service = await runService(ctx, cfg, (line) => log(`${label} service: ${line}`));
  let reference: ReferenceRun | undefined;
  let inputReference: InputReferenceRun | undefined;
  if (o.reference) {
    await sleep(2000);
    reference = await runReference(ctx, cfg, (line) => log(`${label} ${line}`));
    if (o.input !== 'rtp') {
      await sleep(2000);
      inputReference = await runInputReference(ctx, cfg, (line) => log(`${label} ${line}`));
    }
  }
  const derived = derive(service, reference, counts, ctx.stream.bitrate, o.latencyMs);
  const derivedInput = deriveInput(service, inputReference, cfg.channels, o.latencyMs);
  const standby = deriveStandby(service, cfg.channels);
  const { heldReasons, keptUpReasons, harnessSaturated } = judgeRun(ctx, cfg, service, derived);
  return {
    label,
    input: o.input,
    channels: cfg.channels,
    outputsPerChannel: cfg.outputs,
    srtOutputs: counts.srt,
    udpOutputs: counts.udp,
    rtmpOutputs: counts.rtmp,
    udpMode: o.rtp ? 'rtp' : 'udp',
    bitrate: ctx.stream.bitrate,
    seconds: o.seconds,
    latencyMs: o.latencyMs,
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    service,
    ...(reference ? { reference } : {}),
    ...(inputReference ? { inputReference } : {}),
    derived,
    ...(derivedInput ? { derivedInput } : {}),
    ...(standby ? { standby } : {}),
    targets: [...judgeTargets(derived), ...(derivedInput ? judgeInputTargets(derivedInput) : []), ...(standby ? judgeStandbyTargets(standby) : [])],
    held: heldReasons.length === 0,
    heldReasons,
    keptUp: keptUpReasons.length === 0,
    keptUpReasons,
    harnessSaturated,
  };
}

async function main(): Promise<number> {
  let o: BenchOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!existsSync(join(repoRoot, 'dist/apps/api/main.js'))) {
    process.stderr.write('dist/apps/api/main.js is missing: run through `npm run bench` (it builds first)\n');
    return 2;
  }
  if (o.findMax) {
    o.reference = false;
    o.phaseSeconds = 0;
  }
  const configs = o.findMax ? FIND_MAX_STEPS : o.configs;
  // Watchdog: the whole invocation is bounded even if some wait inside hangs.
  const inputExtra = o.input === 'rtp' ? 0 : o.phaseSeconds + 20 + (o.reference ? o.seconds + 45 : 0);
  const backupExtra = o.backup ? 2 * (o.phaseSeconds + 25) : 0;
  const perConfig = 120 + 5 + o.seconds + 3 * (o.phaseSeconds + 4) + (o.reference ? o.seconds + 30 : 0) + inputExtra + backupExtra;
  const switchLoop = o.backup ? 150 + o.switches * switchCycleBudgetSeconds() : 0;
  const budgetSeconds = o.findMax ? o.maxMinutes * 60 + 300 : configs.length * perConfig * 2 + switchLoop + 120;
  const watchdog = setTimeout(() => {
    log(`watchdog: the benchmark ran longer than ${budgetSeconds} s; cleaning up`);
    void cleanup().then(() => process.exit(3));
  }, budgetSeconds * 1000);
  watchdog.unref();

  const workDir = mkdtempSync(join(tmpdir(), 'mld-bench-feed-'));
  let cleaned = false;
  let stream: LoopedStream | undefined;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    killReceiverProcesses();
    killBenchServices();
    await stopRtmpServers();
    await stopAllTracked(2000);
    await stream?.close();
    rmSync(workDir, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping everything`);
      void cleanup().then(() => process.exit(130));
    });
  }

  const results: ConfigResult[] = [];
  const info = machine();
  let failure: Error | undefined;
  let switches: { run: SwitchRun; targets: ReturnType<typeof judgeSwitchTargets> } | undefined;
  let findMax: { largestHeld: string | null; largestKeptUp: string | null; stoppedBecause: string; tried: string[]; harnessSaturated: string[] } | undefined;
  try {
    log(`building the ${o.feedSeconds} s test feed at ${(o.bitrate / 1e6).toFixed(2)} Mbit/s (FFmpeg + SCTE-35 every 2 s)`);
    const feed = await makeTestFeed({ seconds: o.feedSeconds, bitrate: o.bitrate, cueIntervalSeconds: 2, dir: workDir });
    const bitrate = pcrTiming(feed.ts)?.bitrate ?? o.bitrate;
    stream = new LoopedStream(feed.ts, bitrate);
    const nonNullShare = feed.ts.length === 0 ? 1 : 1 - countNullPackets(feed.ts) / (feed.ts.length / TS_PACKET_SIZE);
    stream.startPrefetch();
    const maxLifetimeMs = budgetSeconds * 1000;
    const ctx: BenchContext = {
      options: o,
      stream,
      feedPath: feed.path,
      workDir,
      nonNullShare,
      scte35Pid: feed.scte35Pid,
      cueOffsets: feed.cues.map((c) => c.byteOffset),
      sampleEvery: SAMPLE_EVERY,
      maxLifetimeMs,
      receiverInit: (runSeconds) => ({
        feedPath: feed.path,
        bitrate,
        scte35Pid: feed.scte35Pid,
        cueOffsets: feed.cues.map((c) => c.byteOffset),
        sampleEvery: SAMPLE_EVERY,
        searchLimit: Math.ceil((bitrate / 8) * (runSeconds + 60)),
        maxLifetimeMs,
      }),
    };
    process.stdout.write(
      `MediaLive Distributor benchmark, ${new Date().toISOString()}\n` +
        `machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB, ${info.os}, kernel ${info.kernel}, Node ${info.node}\n` +
        `peers: ${info.srtLiveTransmit}; ${info.ffmpeg}\n` +
        `feed: ${o.feedSeconds} s looped, ${(bitrate / 1e6).toFixed(3)} Mbit/s by PCR, ${feed.cues.length} SCTE-35 cues per pass on PID 0x${feed.scte35Pid.toString(16)}\n\n`,
    );

    if (o.findMax) {
      const deadline = Date.now() + o.maxMinutes * 60_000;
      let largest: string | null = null;
      let largestHeld: string | null = null;
      let stoppedBecause = 'every step held';
      const tried: string[] = [];
      let lastDuration = 0;
      for (const cfg of FIND_MAX_STEPS) {
        const estimate = Math.max(lastDuration * 1.3, o.seconds + 30) * 1000;
        if (Date.now() + estimate > deadline) {
          stoppedBecause = `time budget of ${o.maxMinutes} min reached before ${configLabel(cfg)}`;
          break;
        }
        tried.push(configLabel(cfg));
        let r: ConfigResult;
        try {
          r = await runConfig(ctx, cfg, o);
        } catch (e) {
          stoppedBecause = `${configLabel(cfg)} could not run: ${(e as Error).message.split('\n')[0]}`;
          log(stoppedBecause);
          await cleanupBetween();
          break;
        }
        results.push(r);
        lastDuration = r.durationSeconds;
        process.stdout.write(`${formatConfig(r)}\n\n`);
        if (!r.held || !r.keptUp) {
          stoppedBecause = `${r.label} ${!r.held ? `did not hold: ${r.heldReasons.join('; ')}` : `held but did not keep up: ${r.keptUpReasons.join('; ')}`}`;
          if (r.held) largestHeld = r.label;
          break;
        }
        largest = r.label;
        largestHeld = r.label;
        await sleep(3000);
      }
      const saturated = results.filter((r) => r.harnessSaturated).map((r) => r.label);
      findMax = { largestHeld, largestKeptUp: largest, stoppedBecause, tried, harnessSaturated: saturated };
      process.stdout.write(
        `${formatSummary(results)}\n\n` +
          `find-max: largest configuration that held with 0 CC errors and 0 loss: ${largestHeld ?? 'none'}\n` +
          `          largest that also kept up (full ingest rate, SRT added p99 ≤ ${o.latencyMs} ms): ${largest ?? 'none'}\n` +
          `          stopped: ${stoppedBecause}\n` +
          (saturated.length > 0 ? `          the harness (sender + receivers, same machine) fell behind its pace in: ${saturated.join(', ')}\n` : ''),
      );
    } else {
      for (const cfg of o.configs) {
        const r = await runConfig(ctx, cfg, o);
        results.push(r);
        process.stdout.write(`${formatConfig(r)}\n\n`);
        await sleep(3000);
      }
      if (results.length > 1) process.stdout.write(`${formatSummary(results)}\n`);
      if (o.backup) {
        const run = await runSwitchLoop(ctx, (line) => log(line));
        switches = { run, targets: judgeSwitchTargets(run) };
        process.stdout.write(`${results.length > 1 ? '\n' : ''}${formatSwitchLoop(run, switches.targets)}\n`);
      }
    }
  } catch (e) {
    failure = e as Error;
    log(`harness failure: ${failure.stack ?? failure.message}`);
  } finally {
    await cleanup();
    clearTimeout(watchdog);
  }
  if (o.json) {
    writeFileSync(
      o.json,
      JSON.stringify({ date: new Date().toISOString(), machine: info, options: o, results, ...(switches ? { switchLoop: switches } : {}), ...(findMax ? { findMax } : {}), ...(failure ? { failure: failure.message } : {}) }, null, 2),
    );
    log(`wrote ${o.json}`);
  }
  return failure ? 1 : 0;
}

function countNullPackets(ts: Buffer): number {
  let n = 0;
  for (let off = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE) if (tsPid(ts, off) === NULL_PID) n++;
  return n;
}

/** After a configuration failed half-way, make sure nothing of it is left before going on. */
async function cleanupBetween(): Promise<void> {
  killReceiverProcesses();
  killBenchServices();
  await stopRtmpServers();
  await stopAllTracked(2000);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
