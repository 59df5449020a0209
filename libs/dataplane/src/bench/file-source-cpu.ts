// What playing a file costs: FileTsSource on the system clock for N seconds (its sink a no-op,
// then sending 1316-byte UDP datagrams as an output would), against a bare
// `ffmpeg -re -i file.ts -c copy -f mpegts udp://…` over the same file, one after the other.
// CPU where 100 % = one core: the Node process's own cpuUsage(); ffmpeg's utime + stime from
// /proc/<pid>/stat, sampled until it exits.
//
//   bash scripts/nx.sh run dataplane:build
//   node libs/dataplane/dist/bench/file-source-cpu.js [--file x.ts | --bitrate 8000000] [--seconds 20] [--tick-ms 5]
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeFixture } from '@mld/mpegts/fixtures';
import { FileTsSource } from '../ingest/file/file-ts-source.js';
import type { SourceSink } from '../ingest/source.js';

const { values } = parseArgs({
  options: { file: { type: 'string' }, bitrate: { type: 'string' }, seconds: { type: 'string' }, ffmpeg: { type: 'string' }, 'tick-ms': { type: 'string' } },
});
const tickMs = values['tick-ms'] === undefined ? undefined : Number(values['tick-ms']);
const seconds = Number(values.seconds ?? 20);
const bitrate = Number(values.bitrate ?? 8_000_000);
const ffmpeg = values.ffmpeg ?? '/usr/bin/ffmpeg';
const UDP_PORT = 45_999; // nobody listens: both sides pay for the send only

async function fileToPlay(): Promise<string> {
  if (values.file) return values.file;
  const dir = await mkdtemp(join(tmpdir(), 'file-cpu-'));
  const t0 = Date.now();
  const fx = await makeFixture({ outDir: dir, seconds: seconds + 5, bitrate, cueIntervalSeconds: 2, ffmpegPath: ffmpeg, timeoutMs: 600_000 });
  console.log(`fixture: ${fx.tsPath}, ${(fx.manifest.bytes / 1e6).toFixed(1)} MB, ${bitrate / 1e6} Mbit/s, made in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return fx.tsPath;
}

async function playWithSource(path: string, udp: boolean): Promise<{ cpu: number; bytes: number }> {
  const socket = udp ? createSocket('udp4') : undefined;
  let bytes = 0;
  const sink: SourceSink = {
    ts: (chunk) => {
      bytes += chunk.length;
      if (!socket) return;
      for (let off = 0; off < chunk.length; off += 1316) socket.send(chunk.subarray(off, Math.min(chunk.length, off + 1316)), UDP_PORT, '127.0.0.1');
    },
    rejected: () => undefined,
    stateChanged: () => undefined,
  };
  const source = new FileTsSource({ input: { type: 'file', mediaId: 'bench', path, loop: true }, sink, tickMs });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await source.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await source.stop();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  socket?.close();
  return { cpu: ((cpu.user + cpu.system) / 1e6 / wall) * 100, bytes };
}

function procTicks(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return undefined;
  }
}

async function playWithFfmpeg(path: string): Promise<{ cpu: number }> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-i', path, '-t', String(seconds), '-map', '0', '-c', 'copy', '-f', 'mpegts', `udp://127.0.0.1:${UDP_PORT}?pkt_size=1316`];
  const t0 = process.hrtime.bigint();
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  let ticks = 0;
  const poll = setInterval(() => (ticks = procTicks(child.pid!) ?? ticks), 100);
  const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
  await new Promise((resolve) => child.on('close', resolve));
  clearInterval(poll);
  clearTimeout(killer);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { cpu: (ticks / 100 / wall) * 100 };
}

async function main(): Promise<void> {
  const path = await fileToPlay();
  const quiet = await playWithSource(path, false);
  console.log(`FileTsSource, no-op sink:   ${quiet.cpu.toFixed(2)} % CPU, ${((quiet.bytes * 8) / seconds / 1e6).toFixed(2)} Mbit/s`);
  const udp = await playWithSource(path, true);
  console.log(`FileTsSource, UDP sink:     ${udp.cpu.toFixed(2)} % CPU, ${((udp.bytes * 8) / seconds / 1e6).toFixed(2)} Mbit/s`);
  const ff = await playWithFfmpeg(path);
  console.log(`ffmpeg -re -c copy -> udp:  ${ff.cpu.toFixed(2)} % CPU`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
