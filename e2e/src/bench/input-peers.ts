// The programs around an input that is not RTP, shared by the service run and the bare-tool
// reference: the encoders that feed it (an SRT caller relaying the paced sender's datagrams, an
// FFmpeg RTMP publisher) and the bare tools an input is compared with (an srt-live-transmit
// listener relay, an FFmpeg FLV → TS remux, an FFmpeg file player). Every one is a tracked child
// (argument arrays, hard lifetime, pdeathsig, stopped by PID).
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTracked, type TrackedChild } from '../support/media/child-process.js';
import { freeUdpPort, udpPortBound } from '../support/media/free-port.js';
import { parseSrtConnectionLine, srtUrl, SRT_LIVE_TRANSMIT } from '../support/media/srt-live-transmit.js';
import { waitFor } from '../support/service-process.js';
import type { LoopedStream } from './looped-stream.js';

const FFMPEG = 'ffmpeg';
const QUIET = ['-hide_banner', '-nostdin', '-loglevel', 'error'];

export interface SrtCaller {
  child: TrackedChild;
  /** Where the paced sender sends raw 1316-byte datagrams for this caller to relay. */
  inPort: number;
  connected(): boolean;
}

/**
 * The encoder of an SRT input: `srt-live-transmit -chunk:1316 udp://… srt://…?mode=caller`,
 * the same relay the output reference uses, so the bytes sent are the paced sender's stream.
 * Resolves once it is connected and reads its UDP port.
 */
export async function startSrtCaller(name: string, listenerPort: number, latencyMs: number, maxLifetimeMs: number): Promise<SrtCaller> {
  const inPort = await freeUdpPort();
  let connected = false;
  const child = spawnTracked(SRT_LIVE_TRANSMIT, ['-chunk:1316', `udp://127.0.0.1:${inPort}`, srtUrl({ mode: 'caller', host: '127.0.0.1', port: listenerPort, latencyMs })], {
    name: `SRT caller ${name} → :${listenerPort}`,
    maxLifetimeMs,
    onStderrLine: (line) => {
      const e = parseSrtConnectionLine(line);
      if (e) connected = e === 'connected';
    },
  });
  await waitFor(
    `${child.name} connected and reading :${inPort}`,
    () => {
      if (!child.running) throw new Error(`${child.name} exited:\n${child.stderr()}`);
      return connected && udpPortBound(inPort);
    },
    15_000,
    50,
  );
  return { child, inPort, connected: () => connected };
}

/** The encoder of an RTMP input: FFmpeg publishing the bench feed in real time, looped, video and audio only (FLV carries no SCTE-35). */
export function startRtmpPublisher(name: string, feedPath: string, url: string, maxLifetimeMs: number): TrackedChild {
  return spawnTracked(FFMPEG, [...QUIET, '-re', '-stream_loop', '-1', '-i', feedPath, '-map', '0:v', '-map', '0:a', '-c', 'copy', '-f', 'flv', url], {
    name: `RTMP publisher ${name}`,
    maxLifetimeMs,
  });
}

/** Bare tool for an SRT input: a listener relaying what it receives to a UDP port. */
export function startBareSrtListener(name: string, port: number, latencyMs: number, udpPort: number, maxLifetimeMs: number): TrackedChild {
  return spawnTracked(SRT_LIVE_TRANSMIT, [srtUrl({ mode: 'listener', host: '127.0.0.1', port, latencyMs }), `udp://127.0.0.1:${udpPort}`], {
    name: `bare srt-live-transmit listener ${name} :${port}`,
    maxLifetimeMs,
  });
}

/** Bare tool for an RTMP input: FFmpeg listening for one publisher and remuxing FLV to TS over UDP. */
export function startBareRtmpRemux(name: string, port: number, key: string, udpPort: number, maxLifetimeMs: number): TrackedChild {
  return spawnTracked(
    FFMPEG,
    [...QUIET, '-f', 'flv', '-listen', '1', '-i', `rtmp://127.0.0.1:${port}/live/${key}`, '-c', 'copy', '-f', 'mpegts', `udp://127.0.0.1:${udpPort}?pkt_size=1316`],
    { name: `bare ffmpeg RTMP remux ${name} :${port}`, maxLifetimeMs },
  );
}

/** Bare tool for a file input: FFmpeg playing the file in real time to UDP (it drops null packets and SCTE-35). */
export function startBareFilePlayer(name: string, path: string, udpPort: number, maxLifetimeMs: number): TrackedChild {
  return spawnTracked(FFMPEG, [...QUIET, '-re', '-i', path, '-c', 'copy', '-f', 'mpegts', `udp://127.0.0.1:${udpPort}?pkt_size=1316`], {
    name: `bare ffmpeg file player ${name}`,
    maxLifetimeMs,
  });
}

/** Whether something listens on this TCP port (from /proc/net/tcp{,6}; connecting would take ffmpeg -listen's only client). */
export function tcpListening(port: number): boolean {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      // Column 2 local_address HEXIP:HEXPORT, column 4 state (0A = LISTEN).
      const found = readFileSync(table, 'utf8')
        .split('\n')
        .some((line) => {
          const f = line.trim().split(/\s+/);
          return f[1]?.endsWith(suffix) === true && f[3] === '0A';
        });
      if (found) return true;
    } catch {
      /* no IPv6 table */
    }
  }
  return false;
}

/**
 * The file a file input plays: the first `passes` passes of the endless stream, so what the
 * service plays is, byte for byte, what an RTP sender would have sent from position 0 and the
 * receivers can compare it the same way (the service's own loop seam comes after the run).
 */
export function writeLoopedFile(dir: string, stream: LoopedStream, passes: number): string {
  const path = join(dir, `looped-${passes}-passes.ts`);
  if (existsSync(path)) return path;
  const fd = openSync(`${path}.part`, 'w');
  try {
    for (let k = 0; k < passes; k++) writeSync(fd, stream.pass(k));
  } finally {
    closeSync(fd);
  }
  // Complete or absent: a later configuration never plays half a file.
  renameSync(`${path}.part`, path);
  return path;
}

/**
 * Whether a process of the service's tree is its input's child rather than an output's: the SRT
 * input's srt-live-transmit writes the TS to stdout (last argument `file://con`; an SRT output
 * reads stdin and ends with its `srt://` destination), the RTMP input's FFmpeg reads FLV
 * (`-f flv -i`; an RTMP output writes FLV at the end).
 */
export function isInputChild(comm: string, argv: readonly string[]): boolean {
  if (comm.startsWith('srt-live-trans')) return argv[argv.length - 1] === 'file://con';
  if (comm === 'ffmpeg') return argv.some((a, i) => a === '-f' && argv[i + 1] === 'flv' && argv[i + 2] === '-i');
  return false;
}

/** argv of a live process (empty when it is gone). */
export function readArgv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return [];
  }
}
