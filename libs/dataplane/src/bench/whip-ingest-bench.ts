// What one WHIP (WebRTC) publisher costs: a 720p30 H.264 (~3 Mbit/s, Constrained Baseline) + Opus
// stream, sent as RTP in real time by FFmpeg (-re -c copy from a file encoded once), is published
// (a) over WebRTC by a werift peer in its own process (whip-bench-publisher, not counted) to a
// WhipSource in this process (werift + restamp, and its FFmpeg remux child: H.264 copied, Opus →
// AAC, TS), and (b) straight to a bare `ffmpeg -i <sdp file>` doing the same depacketize + audio
// transcode to TS; in turns. CPU is utime+stime (100 % = one core) over the same window of each
// run, from 2 s after the first TS until the sender finished.
//
//   bash scripts/nx.sh run dataplane:build
//   node libs/dataplane/dist/bench/whip-ingest-bench.js [--seconds 20] [--runs 2] [--bitrate 3000000]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WhipSource } from '../ingest/whip/whip-source.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const seconds = Number(arg('seconds', '20'));
const runs = Number(arg('runs', '2'));
const bitrate = Number(arg('bitrate', '3000000'));
const TICKS = 100;

function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

function rssMb(pid: number | 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function childMatching(needle: string): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

function start(command: string, args: string[], stdout: 'ignore' | 'pipe' = 'ignore'): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(command, args, { stdio: ['ignore', stdout, 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 60) * 1000);
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve(code))));
  return { child, done };
}

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port & ~1;
  s.close();
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The RTP sender: the pre-encoded file in real time, video and audio to two ports. */
function sender(file: string, videoPort: number, audioPort: number) {
  return start('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-t', String(seconds + 4), '-i', file, '-map', '0:v', '-c', 'copy', '-payload_type', '96', '-f', 'rtp', `rtp://127.0.0.1:${videoPort}?pkt_size=1200`, '-map', '0:a', '-c', 'copy', '-payload_type', '111', '-f', 'rtp', `rtp://127.0.0.1:${audioPort}`]);
}

interface Sample {
  nodeCpu: number;
  ffmpegCpu: number;
  nodeRss: number;
  ffmpegRss: number;
  tsMbps: number;
}

async function measure(ffmpegPid: () => number | undefined, tsBytes: () => number, includeNode: boolean, done: Promise<unknown>): Promise<Sample> {
  const t0 = Date.now();
  while (tsBytes() === 0 && Date.now() - t0 < 20_000) await sleep(50);
  await sleep(2000);
  const pid = ffmpegPid();
  if (pid === undefined) throw new Error('no FFmpeg to measure');
  const node0 = process.cpuUsage();
  const ff0 = cpuSeconds(pid)!;
  const bytes0 = tsBytes();
  const w0 = Date.now();
  let nodeRss = 0;
  let ffmpegRss = 0;
  let ended = false;
  void done.then(() => (ended = true));
  // The window ends 1 s before the sender stops (its -t), while everything still flows.
  while (!ended && Date.now() - w0 < (seconds - 1) * 1000) {
    await sleep(500);
    nodeRss = Math.max(nodeRss, rssMb('self'));
    try {
      ffmpegRss = Math.max(ffmpegRss, rssMb(pid));
    } catch {
      // gone
    }
  }
  const wall = (Date.now() - w0) / 1000;
  const node = process.cpuUsage(node0);
  const ff = (cpuSeconds(pid) ?? ff0) - ff0;
  return { nodeCpu: includeNode ? ((node.user + node.system) / 1e6 / wall) * 100 : 0, ffmpegCpu: (ff / wall) * 100, nodeRss: includeNode ? nodeRss : 0, ffmpegRss, tsMbps: ((tsBytes() - bytes0) * 8) / wall / 1e6 };
}

async function serviceRun(file: string): Promise<Sample> {
  let ts = 0;
  const source = new WhipSource({ input: { type: 'whip', endpointId: 'bench' }, network: { hostAddresses: ['127.0.0.1'] }, sink: { ts: (c) => (ts += c.length), rejected: () => undefined, stateChanged: () => undefined } });
  await source.start();
  const http = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () =>
      source.offer(body, '127.0.0.1').then(
        (a) => res.writeHead(201, { 'content-type': 'application/sdp', location: a.sessionId }).end(a.sdp),
        (e: Error) => res.writeHead(400).end(e.message),
      ),
    );
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const vp = await freePort();
  const ap = vp + 2;
  const publisher = start(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'whip-bench-publisher.js'), `http://127.0.0.1:${(http.address() as { port: number }).port}/whip`, String(vp), String(ap)], 'pipe');
  await new Promise<void>((resolve, reject) => {
    publisher.child.stdout!.once('data', () => resolve());
    void publisher.done.then(() => reject(new Error('the publisher exited')));
  });
  await sleep(1000);
  const send = sender(file, vp, ap);
  try {
    return await measure(() => childMatching('data:application/sdp'), () => ts, true, send.done);
  } finally {
    await send.done;
    publisher.child.kill('SIGTERM');
    await publisher.done;
    await source.stop();
    http.close();
  }
}

async function bareRun(file: string, dir: string): Promise<Sample> {
  const vp = await freePort();
  const ap = vp + 2;
  const sdp = join(dir, 'bare.sdp');
  writeFileSync(sdp, ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=bare', 'c=IN IP4 127.0.0.1', 't=0 0', `m=video ${vp} RTP/AVP 96`, 'a=rtpmap:96 H264/90000', 'a=fmtp:96 packetization-mode=1', `m=audio ${ap} RTP/AVP 111`, 'a=rtpmap:111 opus/48000/2', ''].join('\r\n'));
  const bare = start('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts', '-i', sdp, '-map', '0:v', '-map', '0:a', '-c:v', 'copy', '-c:a', 'aac', '-b:a', '128k', '-f', 'mpegts', 'pipe:1'], 'pipe');
  let ts = 0;
  bare.child.stdout!.on('data', (d: Buffer) => (ts += d.length));
  await sleep(500);
  const send = sender(file, vp, ap);
  try {
    return await measure(() => bare.child.pid, () => ts, false, send.done);
  } finally {
    await send.done;
    bare.child.kill('SIGTERM');
    await bare.done;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'mld-whip-bench-'));
try {
  const file = join(dir, 'feed.ts');
  // Encoded once: the sender only paces it. repeat-headers: SPS/PPS before every IDR, as WebRTC encoders send them.
  const enc = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '10', '-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'veryfast', '-x264-params', 'repeat-headers=1', '-b:v', String(bitrate), '-maxrate', String(bitrate), '-bufsize', String(bitrate), '-g', '60', '-c:a', 'libopus', '-b:a', '64k', '-f', 'mpegts', '-y', file], { timeout: 300_000 });
  if (enc.status !== 0) throw new Error(`encoding the feed failed: ${enc.stderr.toString()}`);
  const rows: string[] = [];
  for (let i = 0; i < runs; i++) {
    const s = await serviceRun(file);
    rows.push(`service  run ${i + 1}: Node ${s.nodeCpu.toFixed(1)} % + FFmpeg ${s.ffmpegCpu.toFixed(1)} % = ${(s.nodeCpu + s.ffmpegCpu).toFixed(1)} % of a core; RSS Node ${s.nodeRss.toFixed(0)} MB, FFmpeg ${s.ffmpegRss.toFixed(0)} MB; TS ${s.tsMbps.toFixed(2)} Mbit/s`);
    const b = await bareRun(file, dir);
    rows.push(`bare     run ${i + 1}: FFmpeg ${b.ffmpegCpu.toFixed(1)} % of a core; RSS ${b.ffmpegRss.toFixed(0)} MB; TS ${b.tsMbps.toFixed(2)} Mbit/s`);
  }
  process.stdout.write(`WHIP ingest, 1280x720p30 H.264 ${(bitrate / 1e6).toFixed(1)} Mbit/s + Opus, ${seconds} s windows\n${rows.join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
