import { createSocket, type Socket } from 'node:dgram';
import { SupervisedProcess, type ChildHandle, type Clock, type ProcessState, type Spawner } from '@mld/supervisor';
import { ffmpegParser } from '../../egress/tool-parsers.js';
import { TsStreamChunker } from '../ts-stream-chunker.js';
import { buildFfmpegRtpRemuxArgs } from './ffmpeg-rtp-remux-command.js';

export interface RtpRemuxProcessOptions {
  owner: string;
  /** false: video only. */
  audio: boolean;
  audioChannels: number;
  ffmpegPath: string;
  spawner: Spawner;
  clock: Clock;
  /** Whole TS packets from the child's stdout (a fresh buffer or a view of one: never reused). */
  onTs: (chunk: Buffer) => void;
  /** A child after the first one was spawned: its TS starts over (timestamps, continuity counters). */
  onRespawn: (reason: string) => void;
  onStateChange?: (to: ProcessState, reason: string | undefined) => void;
}

/**
 * The FFmpeg child of one WHIP input: reads the restamped RTP the service forwards to two
 * loopback ports (SDP in its arguments) and writes MPEG-TS to stdout, video copied, Opus → AAC.
 * It outlives publisher sessions (the restamper makes them one RTP stream), is supervised like
 * every child (restart with backoff, killed when it stops producing while it is fed) and owns
 * its ports for its whole life, so a respawn finds them again.
 */
export class RtpRemuxProcess {
  readonly audio: boolean;
  private process: SupervisedProcess | undefined;
  private socket: Socket | undefined;
  private ports: { video: number; audio: number } | undefined;
  private spawns = 0;
  private sent = 0;
  private sendErrors = 0;

  constructor(private readonly options: RtpRemuxProcessOptions) {
    this.audio = options.audio;
  }

  get state(): ProcessState {
    return this.process?.state ?? 'stopped';
  }

  get lastError(): string | null {
    return this.process?.snapshot().lastError ?? null;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Datagrams handed to the child (and those the kernel refused: no child bound yet). */
  get counters(): { sent: number; sendErrors: number } {
    return { sent: this.sent, sendErrors: this.sendErrors };
  }

  async start(): Promise<void> {
    if (this.process) return;
    this.ports = await reserveLoopbackPorts(this.options.audio ? 4 : 2);
    const socket = createSocket('udp4');
    socket.on('error', () => {
      this.sendErrors += 1;
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.socket = socket;
    const args = buildFfmpegRtpRemuxArgs({ videoPort: this.ports.video, audioPort: this.options.audio ? this.ports.audio : null, audioChannels: this.options.audioChannels });
    this.process = new SupervisedProcess({
      owner: this.options.owner,
      command: this.options.ffmpegPath,
      args,
      parser: ffmpegParser,
      startupMs: 1000,
      readyOnProgress: false,
      stallTimeoutMs: 10_000,
      stopGraceMs: 3000,
      backoff: { baseMs: 500, factor: 2, capMs: 10_000, jitter: 'equal' },
      healthyAfterMs: 30_000,
      clock: this.options.clock,
      spawner: { spawn: (request) => this.spawned(this.options.spawner.spawn({ ...request, stdout: 'pipe' })) },
    });
    this.process.onStateChange((_from, to, event) => this.options.onStateChange?.(to, event.reason));
    this.process.start();
  }

  async stop(): Promise<void> {
    const process = this.process;
    const socket = this.socket;
    this.process = undefined;
    this.socket = undefined;
    socket?.close();
    await process?.stop();
  }

  sendVideo(packet: Buffer): void {
    this.send(packet, this.ports?.video);
  }

  sendAudio(packet: Buffer): void {
    if (this.options.audio) this.send(packet, this.ports?.audio);
  }

  /**
   * No input to give (no publisher, or between two): silence from the child is then innocent
   * (feeds the stall watchdog), and FFmpeg's RTP reader, which gives up after a few seconds
   * without a datagram ("Connection timed out"), gets an empty RTCP receiver report on each RTCP
   * port: it reads and ignores it, and waits on for the next publisher.
   */
  idle(): void {
    this.process?.reportProgress(0);
    if (!this.ports) return;
    this.send(KEEPALIVE_RTCP, this.ports.video + 1);
    if (this.options.audio) this.send(KEEPALIVE_RTCP, this.ports.audio + 1);
  }

  private send(packet: Buffer, port: number | undefined): void {
    if (!this.socket || port === undefined) return;
    this.sent += 1;
    this.socket.send(packet, port, '127.0.0.1', (err) => {
      if (err) this.sendErrors += 1;
    });
  }

  private spawned(child: ChildHandle): ChildHandle {
    this.spawns += 1;
    if (this.spawns > 1) this.options.onRespawn(this.process?.snapshot().lastError ?? 'the previous one exited');
    const chunker = new TsStreamChunker((ts) => this.options.onTs(ts.length === 188 ? Buffer.from(ts) : ts));
    child.stdout?.on('data', (data: Buffer) => {
      chunker.push(data);
      this.process?.reportProgress(data.length);
    });
    return { pid: child.pid, parentDeathSignal: child.parentDeathSignal, stdin: child.stdin, stdout: null, stderr: child.stderr, kill: (s) => child.kill(s), onError: (l) => child.onError(l), onExit: (l) => child.onExit(l) };
  }
}

/** RTCP RR (PT 201) with no report blocks, from an SSRC none of our streams uses. */
const KEEPALIVE_RTCP = Buffer.from([0x80, 0xc9, 0x00, 0x01, 0x4d, 0x4c, 0x44, 0xff]);

/**
 * `count` consecutive free UDP ports on loopback starting at an even one (RTP, RTCP per stream:
 * FFmpeg binds both), found by binding them and letting go just before the child binds them.
 */
export async function reserveLoopbackPorts(count: number): Promise<{ video: number; audio: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = await bindUdp(0);
    const base = probe.address().port & ~1;
    probe.close();
    const held: Socket[] = [];
    try {
      for (let i = 0; i < count; i++) held.push(await bindUdp(base + i));
      return { video: base, audio: base + 2 };
    } catch {
      // Taken: try another base.
    } finally {
      for (const s of held) s.close();
    }
  }
  throw new Error('no free consecutive UDP ports on 127.0.0.1 for the WHIP remux');
}

function bindUdp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}
