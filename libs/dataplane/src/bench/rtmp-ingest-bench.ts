// What one RTMP push input costs: an FFmpeg encoder publishes a generated H.264/AAC FLV in real
// time (-re -c copy) to (a) the service's RtmpIngestServer + RtmpSource (Node + its FFmpeg remux
// child) and (b) a bare `ffmpeg -f flv -listen 1 -i rtmp://… -c copy -f mpegts udp://…`, in turns.
// CPU is utime+stime from /proc/<pid>/stat (100 % = one core) over the same window of each run:
// from 1 s after the first TS came out until the encoder finished. The encoder's own CPU is not counted.
//
//   bash scripts/nx.sh run dataplane:build
//   node libs/dataplane/dist/bench/rtmp-ingest-bench.js [--seconds 20] [--bitrate 6000000] [--runs 2] [--sink count|udp]
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RtmpIngestServer } from '../ingest/rtmp/rtmp-ingest-server.js';
import { RtmpSource } from '../ingest/rtmp/rtmp-source.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const seconds = Number(arg('seconds', '20'));
const bitrate = Number(arg('bitrate', '6000000'));
const runs = Number(arg('runs', '2'));
const sinkKind = arg('sink', 'count');
const KEY = 'bench-key';
const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds; undefined once it is gone. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** Direct children of this process whose command line contains `needle`. */
function childrenMatching(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function run(command: string, args: string[]): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 60) * 1000);
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve(code))));
  return { child, done };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function udpReceiver(): Promise<{ port: number; bytes: () => number; close: () => void }> {
  const socket = createSocket('udp4');
  let bytes = 0;
  socket.on('message', (m) => (bytes += m.length));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { port: socket.address().port, bytes: () => bytes, close: () => socket.close() };
}

interface Result {
  what: string;
  nodePct: number;
  ffmpegPct: number;
  mbps: number;
}

async function ours(fixture: string): Promise<Result> {
  const server = new RtmpIngestServer({ host: '127.0.0.1', port: 0 });
  await server.listen();
  const rx = sinkKind === 'udp' ? await udpReceiver() : undefined;
  const tx = createSocket('udp4');
  let tsBytes = 0;
  const source = new RtmpSource({
    input: { type: 'rtmp', streamKey: KEY },
    server,
    sink: {
      ts: (chunk) => {
        tsBytes += chunk.length;
        if (rx) for (let off = 0; off < chunk.length; off += 1316) tx.send(chunk.subarray(off, off + 1316), rx.port, '127.0.0.1');
      },
      rejected: () => undefined,
      stateChanged: () => undefined,
    },
  });
  await source.start();
  const publisher = run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-i', fixture, '-t', String(seconds), '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${server.port}/live/${KEY}`]);
  while (tsBytes === 0) await wait(20);
  await wait(1000);
  const [remuxPid] = childrenMatching('pipe:0');
  const t0 = Date.now();
  const node0 = process.cpuUsage();
  const ff0 = cpuSeconds(remuxPid!)!;
  const bytes0 = tsBytes;
  await publisher.done;
  const elapsed = (Date.now() - t0) / 1000;
  const node = process.cpuUsage(node0);
  const ff = cpuSeconds(remuxPid!)! - ff0;
  const mbps = ((tsBytes - bytes0) * 8) / elapsed / 1e6;
  await source.stop();
  await server.close();
  tx.close();
  rx?.close();
  return { what: `service (sink: ${sinkKind})`, nodePct: ((node.user + node.system) / 1e6 / elapsed) * 100, ffmpegPct: (ff / elapsed) * 100, mbps };
}

async function bare(fixture: string): Promise<Result> {
  const rx = await udpReceiver();
  const port = 19_350 + Math.floor(Math.random() * 500);
  const listener = run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'flv', '-listen', '1', '-i', `rtmp://127.0.0.1:${port}/live/${KEY}`, '-c', 'copy', '-f', 'mpegts', `udp://127.0.0.1:${rx.port}?pkt_size=1316`]);
  await wait(1000);
  const publisher = run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-i', fixture, '-t', String(seconds), '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${port}/live/${KEY}`]);
  while (rx.bytes() === 0) await wait(20);
  await wait(1000);
  const pid = listener.child.pid!;
  const t0 = Date.now();
  const ff0 = cpuSeconds(pid)!;
  const bytes0 = rx.bytes();
  let last = ff0;
  const poll = setInterval(() => (last = cpuSeconds(pid) ?? last), 100);
  await publisher.done;
  const elapsed = (Date.now() - t0) / 1000;
  last = cpuSeconds(pid) ?? last;
  clearInterval(poll);
  const mbps = ((rx.bytes() - bytes0) * 8) / elapsed / 1e6;
  await listener.done;
  rx.close();
  return { what: 'bare ffmpeg -listen 1 → udp', nodePct: 0, ffmpegPct: ((last - ff0) / elapsed) * 100, mbps };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mld-rtmp-bench-'));
  try {
    const fixture = join(dir, 'feed.flv');
    const video = Math.round(bitrate - 128_000);
    const gen = run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000', '-t', String(seconds + 5), '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-b:v', String(video), '-minrate', String(video), '-maxrate', String(video), '-bufsize', String(video), '-x264-params', 'nal-hrd=cbr', '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', fixture]);
    if ((await gen.done) !== 0) throw new Error('fixture generation failed');
    console.log(`feed: ${seconds} s of 1280x720 H.264 + AAC at ${(bitrate / 1e6).toFixed(1)} Mbit/s, published with ffmpeg -re -c copy`);
    for (let i = 0; i < runs; i++) {
      for (const result of [await ours(fixture), await bare(fixture)]) {
        console.log(`${result.what.padEnd(30)} node ${result.nodePct.toFixed(2).padStart(5)} %  ffmpeg ${result.ffmpegPct.toFixed(2).padStart(5)} %  total ${(result.nodePct + result.ffmpegPct).toFixed(2).padStart(5)} %  TS out ${result.mbps.toFixed(2)} Mbit/s`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
