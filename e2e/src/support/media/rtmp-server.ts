// A real RTMP ingest to push to: Debian's nginx with libnginx-mod-rtmp, from a generated config
// in a temp dir, recording every published stream to <key>.flv for ffprobe.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTracked, spawnTracked, type TrackedChild } from './child-process.js';
import { freeTcpPort } from './free-port.js';
import { waitFor } from '../service-process.js';

export const NGINX_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export interface RtmpServerOptions {
  /**
   * What a second publish of the same key does to the recording: 'overwrite' (nginx-rtmp's
   * default, `<key>.flv`), 'append' (one `<key>.flv` across reconnects) or 'unique'
   * (`<key>-<unix time>.flv` per publish; use recordings()).
   */
  record?: 'overwrite' | 'append' | 'unique';
  nginxPath?: string;
  modulePath?: string;
  /** Keep the temp dir (config, error.log, recordings) after stop(), for debugging. */
  keepDir?: boolean;
  maxLifetimeMs?: number;
}

export interface FfprobeStream {
  index: number;
  codec_name?: string;
  codec_type?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
  [key: string]: unknown;
}

export interface FfprobeResult {
  streams: FfprobeStream[];
  format: { format_name?: string; duration?: string; size?: string; bit_rate?: string; [key: string]: unknown };
}

export interface RtmpServer {
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  readonly process: TrackedChild;
  /** `rtmp://127.0.0.1:<port>/<app>/<key>` */
  url(app: string, key: string): string;
  /** Full paths of the .flv recordings so far. */
  recordings(): string[];
  /** Path of the recording of `key` (whether or not it exists yet). */
  recordingPath(key: string): string;
  /** Every publish so far, by key (repeats included), from the error log ("publish: name='…'"). */
  published(): string[];
  waitForPublish(key: string, timeoutMs?: number): Promise<void>;
  probe(file: string, timeoutMs?: number): Promise<FfprobeResult>;
  errorLog(): string;
  stop(): Promise<void>;
}

export function nginxRtmpConfig(opts: { dir: string; port: number; modulePath: string; asRoot: boolean; record?: RtmpServerOptions['record'] }): string {
  return [
    `load_module ${opts.modulePath};`,
    // One process in the foreground: its PID is the server, and stopping it stops everything.
    'daemon off;',
    'master_process off;',
    // Without this a root nginx runs as nobody and cannot write the temp dir.
    ...(opts.asRoot ? ['user root;'] : []),
    'worker_processes 1;',
    `error_log ${join(opts.dir, 'error.log')} info;`,
    `pid ${join(opts.dir, 'nginx.pid')};`,
    'events { worker_connections 256; }',
    'rtmp {',
    '  server {',
    `    listen 127.0.0.1:${opts.port};`,
    '    chunk_size 4096;',
    '    application live {',
    '      live on;',
    '      record all;',
    `      record_path ${join(opts.dir, 'rec')};`,
    `      record_unique ${opts.record === 'unique' ? 'on' : 'off'};`,
    `      record_append ${opts.record === 'append' ? 'on' : 'off'};`,
    '    }',
    // nginx-rtmp answers a denied publish with Publish.Start, then hangs up (what our client must see through).
    '    application closed {',
    '      live on;',
    '      deny publish all;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

export async function startRtmpServer(opts: RtmpServerOptions = {}): Promise<RtmpServer> {
  const modulePath = opts.modulePath ?? NGINX_RTMP_MODULE;
  if (!existsSync(modulePath)) throw new Error(`${modulePath} is missing: install libnginx-mod-rtmp`);
  const dir = mkdtempSync(join(tmpdir(), 'mld-rtmp-'));
  const recDir = join(dir, 'rec');
  mkdirSync(recDir);
  const port = await freeTcpPort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxRtmpConfig({ dir, port, modulePath, asRoot: process.getuid?.() === 0, record: opts.record }));
  const errorLogPath = join(dir, 'error.log');
  const errorLog = () => {
    try {
      return readFileSync(errorLogPath, 'utf8');
    } catch {
      return '';
    }
  };

  // -e: the log nginx writes before it has read the config (otherwise a path compiled in).
  const child = spawnTracked(opts.nginxPath ?? 'nginx', ['-p', `${dir}/`, '-c', conf, '-e', errorLogPath], {
    name: `nginx-rtmp :${port}`,
    maxLifetimeMs: opts.maxLifetimeMs,
  });
  try {
    await waitFor(
      `nginx-rtmp to listen on :${port}`,
      async () => {
        if (!child.running) throw new Error(`nginx exited:\n${child.stderr()}\n${errorLog()}`);
        return tcpAccepts(port);
      },
      10_000,
      20,
    );
  } catch (err) {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const published = () => [...errorLog().matchAll(/publish: name='([^']*)'/g)].map((m) => m[1]!);
  return {
    port,
    pid: child.pid,
    dir,
    process: child,
    url: (app, key) => `rtmp://127.0.0.1:${port}/${app}/${key}`,
    recordings: () =>
      readdirSync(recDir)
        .filter((f) => f.endsWith('.flv'))
        .map((f) => join(recDir, f)),
    recordingPath: (key) => join(recDir, `${key}.flv`),
    published,
    waitForPublish: async (key, timeoutMs = 10_000) => {
      await waitFor(`a publish of '${key}' on nginx-rtmp`, () => published().includes(key), timeoutMs, 50);
    },
    probe: (file, timeoutMs) => ffprobe(file, timeoutMs),
    errorLog,
    stop: async () => {
      await child.stop(2000);
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `ffprobe -v error -show_streams -show_format -of json`, bounded; throws with ffprobe's message. */
export async function ffprobe(file: string, timeoutMs = 15_000): Promise<FfprobeResult> {
  const r = await runTracked('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], timeoutMs);
  if (r.timedOut) throw new Error(`ffprobe did not finish within ${timeoutMs} ms`);
  if (r.code !== 0) throw new Error(`ffprobe failed (code ${r.code}${r.error ? `, ${r.error}` : ''}): ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.toString('utf8')) as FfprobeResult;
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setTimeout(500);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
