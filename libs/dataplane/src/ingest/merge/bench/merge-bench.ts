// What the seamless merge costs, against one single-path RTP input.
// 1. Hot path alone (no sockets): ns per datagram of TsDepacketizer.push (what DatagramTsSource does
//    per datagram) vs SeamlessRtpMerge.push with two paths (B 50 ms behind, a different 5 % lost on
//    each), and the GCs each loop caused.
// 2. Real sockets at 8 Mbit/s: DatagramTsSource on one port vs MergedRtpSource on two ports, fed by a
//    sender in a worker thread; CPU of the receiving (main) thread by process.threadCpuUsage(), and of
//    the whole process minus the sender thread (V8/libuv helper threads included). 100 % = one core.
//
//   bash scripts/nx.sh run dataplane:build
//   node libs/dataplane/dist/ingest/merge/bench/merge-bench.js [--seconds 10] [--laps 30]
import { createSocket } from 'node:dgram';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { buildRtpPacket } from '@mld/mpegts';
import { buildSyntheticTs } from '@mld/mpegts/fixtures';
import type { DatagramInputConfig } from '../../../types.js';
import { udpDatagramSourceFactory } from '../../datagram-source.js';
import { DatagramTsSource } from '../../datagram-ts-source.js';
import type { Source, SourceSink } from '../../source.js';
import { TsDepacketizer } from '../../ts-depacketizer.js';
import { MergedRtpSource } from '../merged-rtp-source.js';
import { SeamlessRtpMerge } from '../seamless-rtp-merge.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, laps: { type: 'string' } } });
const SECONDS = Number(values.seconds ?? 10);
const LAPS = Number(values.laps ?? 30);
const RING = 65_536; // one full turn of the sequence number: the ring replays as a continuing stream
const DATAGRAMS_PER_S = 8_000_000 / (1316 * 8); // 760
const INTERVAL_MS = 1000 / DATAGRAMS_PER_S;
const B_BEHIND = Math.round(50 / INTERVAL_MS);
const loseA = (i: number) => i % 20 === 7;
const loseB = (i: number) => i % 20 === 13;

function ring(): Buffer[] {
  const ts = buildSyntheticTs({ seconds: 20, frameBytes: 40_000, seed: 5 }).ts;
  const usable = Math.floor(ts.length / 1316) * 1316;
  const out: Buffer[] = [];
  for (let i = 0; i < RING; i++) {
    const off = (i * 1316) % usable;
    out.push(buildRtpPacket({ payloadType: 33, sequence: i, timestamp: i * 118, ssrc: 0x2022_0007 }, ts.subarray(off, off + 1316)));
  }
  return out;
}

/** GC entries are delivered asynchronously: wait a little before counting. */
async function countGcs<T>(run: () => T): Promise<{ result: T; gcs: number; gcMs: number }> {
  let gcs = 0;
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcs++;
      gcMs += e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const result = run();
  await new Promise((resolve) => setTimeout(resolve, 100));
  obs.disconnect();
  return { result, gcs, gcMs };
}

async function hotPath(datagrams: Buffer[]): Promise<void> {
  const total = RING * LAPS;
  let bytes = 0;
  const single = await countGcs(() => {
    const d = new TsDepacketizer('rtp', (ts) => (bytes += ts.length));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < total; i++) d.push(datagrams[i & (RING - 1)]!, i * INTERVAL_MS);
    return Number(process.hrtime.bigint() - t0) / total;
  });
  let pushed = 0;
  const merged = await countGcs(() => {
    const m = new SeamlessRtpMerge({ paths: 2, emit: (ts) => (bytes += ts.length) });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < total + B_BEHIND; i++) {
      const now = i * INTERVAL_MS;
      if (i < total && !loseA(i)) {
        m.push(0, datagrams[i & (RING - 1)]!, now);
        pushed++;
      }
      const j = i - B_BEHIND;
      if (j >= 0 && !loseB(j)) {
        m.push(1, datagrams[j & (RING - 1)]!, now);
        pushed++;
      }
      if ((i & 7) === 0) m.tick(now);
    }
    const ns = Number(process.hrtime.bigint() - t0);
    if (m.stats.lost !== 0 || m.stats.emitted !== total) throw new Error(`merge lost ${m.stats.lost}, emitted ${m.stats.emitted} of ${total}`);
    return { perDatagram: ns / pushed, perPacket: ns / total };
  });
  console.log(`hot path, ${total} datagrams (${LAPS} sequence laps):`);
  console.log(`  single path TsDepacketizer.push:   ${single.result.toFixed(0)} ns/datagram; ${single.gcs} GCs (${single.gcMs.toFixed(1)} ms)`);
  console.log(
    `  SeamlessRtpMerge.push, 2 paths:    ${merged.result.perDatagram.toFixed(0)} ns/datagram, ${merged.result.perPacket.toFixed(0)} ns per output datagram; ${merged.gcs} GCs (${merged.gcMs.toFixed(1)} ms); 0 lost`,
  );
}

const SENDER = `
const { workerData, parentPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const { datagrams, targets, intervalMs, seconds } = workerData;
const sock = dgram.createSocket('udp4');
const t0 = performance.now();
const next = targets.map(() => 0);
const total = Math.floor((seconds * 1000) / intervalMs);
const timer = setInterval(() => {
  const elapsed = performance.now() - t0;
  let done = true;
  targets.forEach((t, k) => {
    const due = Math.min(total, Math.floor((elapsed - t.delayMs) / intervalMs));
    for (; next[k] < due; next[k]++) {
      const i = next[k];
      if (i % 20 !== t.lose) sock.send(datagrams[i % datagrams.length], t.port, '127.0.0.1');
    }
    if (next[k] < total) done = false;
  });
  if (done) {
    clearInterval(timer);
    setTimeout(() => { sock.close(); parentPort.postMessage(process.threadCpuUsage()); }, 300);
  }
}, 4);
`;

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function onSockets(name: string, datagrams: Buffer[], make: (inputs: DatagramInputConfig[], sink: SourceSink) => Source, paths: number): Promise<void> {
  const inputs: DatagramInputConfig[] = [];
  for (let p = 0; p < paths; p++) inputs.push({ type: 'rtp', bindIp: '127.0.0.1', port: await freePort(), sourceIp: null, interfaceIp: null });
  let bytes = 0;
  const source = make(inputs, { ts: (b) => (bytes += b.length), rejected: () => undefined, stateChanged: () => undefined });
  await source.start();
  const targets = inputs.map((input, p) => ({ port: input.port, delayMs: p === 0 ? 0 : 50, lose: paths === 1 ? -1 : p === 0 ? 7 : 13 }));
  const cpu0 = process.cpuUsage();
  const thread0 = process.threadCpuUsage();
  const t0 = process.hrtime.bigint();
  const worker = new Worker(SENDER, { eval: true, workerData: { datagrams: datagrams.slice(0, Math.ceil(SECONDS * DATAGRAMS_PER_S) + 1), targets, intervalMs: INTERVAL_MS, seconds: SECONDS } });
  const senderCpu = await new Promise<NodeJS.CpuUsage>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const thread = process.threadCpuUsage(thread0);
  const cpu = process.cpuUsage(cpu0);
  await source.stop();
  const pct = (us: number) => ((us / 1e6 / wall) * 100).toFixed(2);
  const snap = source.snapshot();
  console.log(
    `  ${name}: receiving thread ${pct(thread.user + thread.system)} %, process minus sender ${pct(cpu.user + cpu.system - senderCpu.user - senderCpu.system)} %; ` +
      `${snap.datagrams} datagrams in, ${((bytes * 8) / wall / 1e6).toFixed(2)} Mbit/s out, lost ${source.lostPackets()}`,
  );
}

async function main(): Promise<void> {
  const datagrams = ring();
  await hotPath(datagrams);
  console.log(`real sockets on 127.0.0.1, 8 Mbit/s (${DATAGRAMS_PER_S.toFixed(0)} datagrams/s per path), ${SECONDS} s each:`);
  await onSockets('DatagramTsSource, 1 path ', datagrams, (inputs, sink) => new DatagramTsSource({ input: inputs[0]!, sink, datagrams: udpDatagramSourceFactory }), 1);
  await onSockets('MergedRtpSource, 2 paths', datagrams, (inputs, sink) => new MergedRtpSource({ inputs: [inputs[0]!, inputs[1]!], sink, datagrams: udpDatagramSourceFactory }), 2);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
