// How the service run gives its channels their input and feeds it, per `--input` kind:
//   rtp  — the paced sender's RTP to each channel's port (today's benchmark);
//   srt  — an SRT listener input, called by an srt-live-transmit caller relaying the paced
//          sender's datagrams (the bytes the service gets are still the endless stream's);
//   rtmp — an RTMP push input, published by FFmpeg (-re -c copy -f flv) from the bench feed;
//   file — the endless stream's first passes uploaded to the media library and played as a
//          file input; the channel starts on an idle RTP input and switches to the file once
//          its outputs are up, so every receiver gets the file from its first byte.
// After the measured phases, `switchToRtp` gives every channel an RTP input fed by a new paced
// sender: the same run then measures today's RTP ingest, the figure an input is judged against.
// With --backup (RTP only) every channel also gets an RTP backup input, fed by a sender channel
// of its own playing the same endless stream half a pass ahead (backup-inputs.ts).
import { readFileSync } from 'node:fs';
import type { ChannelWithOutputsResponse, MediaResponse } from '@mld/contracts';
import type { Distributor } from '../support/distributor.js';
import type { TrackedChild } from '../support/media/child-process.js';
import { freeTcpPort, freeUdpPort, udpPortBound } from '../support/media/free-port.js';
import { api, waitFor } from '../support/service-process.js';
import type { BenchContext } from './context.js';
import { backupFields, backupOffsetDatagrams, outputOpensAt } from './backup-inputs.js';
import { startRtmpPublisher, startSrtCaller, writeLoopedFile } from './input-peers.js';
import type { InputKind } from './options.js';
import { PacedSender } from './paced-sender.js';

export interface ServiceInputs {
  readonly kind: InputKind;
  /** Added to the service's environment. */
  readonly env: Record<string, string>;
  /** The paced sender whose positions and send times receivers are judged by (rtp, srt; none for rtmp and file). */
  readonly sender: PacedSender | undefined;
  /** Receivers can compare bytes with the endless stream (not after FFmpeg's FLV → TS remux). */
  readonly comparable: boolean;
  /** Subtracted from every arrival − send time: the SRT input's own latency. */
  readonly latencyOffsetMs: number;
  /** Once the service answers: what the input needs first (the file upload). */
  prepare(mld: Distributor, log: (line: string) => void): Promise<void>;
  /** Fields of POST /api/channels that give channel c its input. */
  channelFields(c: number): Promise<Record<string, unknown>>;
  /** The channels run and every output is up: feed them until each one receives. */
  start(mld: Distributor, channels: ChannelWithOutputsResponse[]): Promise<void>;
  /** Harness processes feeding the inputs (SRT callers, FFmpeg publishers), measured as `feeder`. */
  feederPids(): number[];
  /** Stops the feeding, then gives every channel an RTP input fed by a new paced sender (returns once they receive). */
  switchToRtp(mld: Distributor, channels: ChannelWithOutputsResponse[]): Promise<void>;
  /**
   * --backup: channel c's backup port, its sender channel (paused while the channel has no
   * backup), and where in the main's stream the outputs start (outputOpensAt).
   */
  readonly backup: { port(c: number): number; senderChannel(c: number): number; opensAt: number } | undefined;
  stop(): Promise<void>;
}

export async function serviceInputs(ctx: BenchContext, workDir: string): Promise<ServiceInputs> {
  const o = ctx.options;
  const kind = o.input;
  const maxDurationMs = (o.seconds + 5 * (o.phaseSeconds + 5) + 90) * 1000;
  const rtmpPort = kind === 'rtmp' ? await freeTcpPort() : 0;
  const ports: number[] = [];
  const backupPorts: number[] = [];
  const callers: Array<{ child: TrackedChild }> = [];
  const publishers: TrackedChild[] = [];
  let sender: PacedSender | undefined;
  let rtpSender: PacedSender | undefined;
  let mediaId: string | undefined;

  const waitReceiving = (mld: Distributor, channels: ChannelWithOutputsResponse[], what: string) =>
    waitFor(
      `every channel receiving its ${what} input`,
      async () => {
        for (const ch of channels) if (((await mld.channel(ch.id)).runtime?.ts_bytes ?? 0) === 0) return false;
        return true;
      },
      30_000,
      200,
    );
  const stopFeeding = async () => {
    await sender?.stop();
    await Promise.all([...callers.map((c) => c.child.stop(2000)), ...publishers.map((p) => p.stop(3000))]);
  };

  return {
    kind,
    env: kind === 'rtmp' ? { RTMP_INGEST_PORT: String(rtmpPort), PUBLIC_HOST: '127.0.0.1' } : {},
    get sender() {
      return sender;
    },
    comparable: kind !== 'rtmp',
    latencyOffsetMs: kind === 'srt' ? o.latencyMs : 0,

    async prepare(mld, log) {
      if (kind !== 'file') return;
      const passes = filePasses(ctx);
      const path = writeLoopedFile(workDir, ctx.stream, passes);
      log(`uploading the file input: ${passes} passes of the looped feed (${((passes * ctx.stream.passBytes) / 1e6).toFixed(0)} MB)`);
      mediaId = (await uploadMedia(mld, path)).id;
    },

    async channelFields(c) {
      const port = await freeUdpPort();
      ports[c] = port;
      if (kind === 'srt') return { input: { type: 'srt', mode: 'listener', bind_ip: '127.0.0.1', port, latency: o.latencyMs } };
      if (kind === 'rtmp') return { input: { type: 'rtmp' } };
      // rtp, and the idle RTP input a file channel starts on (nobody sends to it).
      if (!o.backup) return { rtp_ip: '127.0.0.1', rtp_port: port };
      backupPorts[c] = await freeUdpPort();
      return { rtp_ip: '127.0.0.1', rtp_port: port, ...backupFields(backupPorts[c]) };
    },

    async start(mld, channels) {
      if (kind === 'rtp' || kind === 'srt') {
        const targets: number[] = [];
        for (const [c, ch] of channels.entries()) {
          if (kind === 'rtp') targets.push(ports[c]!);
          else {
            await waitFor(`the SRT input of ${ch.name} listening on :${ports[c]}`, () => udpPortBound(ports[c]!), 15_000, 50);
            const caller = await startSrtCaller(`c${c + 1}`, ports[c]!, o.latencyMs, ctx.maxLifetimeMs);
            callers.push(caller);
            targets.push(caller.inPort);
          }
        }
        // Main c is sender channel c (receivers are judged by its send times); backup c is N + c.
        const offsetDatagrams = backupOffsetDatagrams(ctx.stream);
        const backups = backupPorts.map((port) => ({ mode: 'rtp' as const, targets: [{ host: '127.0.0.1', port }], offsetDatagrams }));
        sender = new PacedSender({
          stream: ctx.stream,
          channels: [...targets.map((port) => ({ mode: kind === 'rtp' ? ('rtp' as const) : ('udp' as const), targets: [{ host: '127.0.0.1', port }] })), ...backups],
          sampleEvery: ctx.sampleEvery,
          maxDurationMs,
        });
        await sender.start();
        return;
      }
      if (kind === 'rtmp') {
        for (const [c, ch] of channels.entries()) {
          const url = ch.input.publish_url;
          if (!url || url.includes('****')) throw new Error(`channel ${ch.name} has no usable publish_url: ${url}`);
          publishers.push(startRtmpPublisher(`c${c + 1}`, ctx.feedPath, url, ctx.maxLifetimeMs));
        }
      } else {
        for (const ch of channels) {
          const r = await api(mld.url, 'PATCH', `/api/channels/${ch.id}`, mld.token, { input: { type: 'file', media_id: mediaId, loop: true } });
          if (r.status !== 200) throw new Error(`switch ${ch.name} to the file input: HTTP ${r.status} ${JSON.stringify(r.body)}`);
        }
      }
      await waitReceiving(mld, channels, kind);
    },

    feederPids: () => [...callers.map((c) => c.child.pid), ...publishers.map((p) => p.pid)],

    backup: o.backup ? { port: (c) => backupPorts[c]!, senderChannel: (c) => ports.length + c, opensAt: outputOpensAt(ctx.stream) } : undefined,

    async switchToRtp(mld, channels) {
      await stopFeeding();
      const rtpPorts: number[] = [];
      for (const ch of channels) {
        const port = await freeUdpPort();
        rtpPorts.push(port);
        const r = await api(mld.url, 'PATCH', `/api/channels/${ch.id}`, mld.token, { input: { type: 'rtp', bind_ip: '127.0.0.1', port } });
        if (r.status !== 200) throw new Error(`switch ${ch.name} to an RTP input: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      }
      const before = await Promise.all(channels.map(async (ch) => (await mld.channel(ch.id)).runtime?.ts_bytes ?? 0));
      rtpSender = new PacedSender({
        stream: ctx.stream,
        channels: rtpPorts.map((port) => ({ mode: 'rtp' as const, targets: [{ host: '127.0.0.1', port }] })),
        sampleEvery: ctx.sampleEvery,
        maxDurationMs,
      });
      await rtpSender.start();
      await waitFor(
        'every channel receiving its RTP input',
        async () => {
          for (const [i, ch] of channels.entries()) if (((await mld.channel(ch.id)).runtime?.ts_bytes ?? 0) <= before[i]!) return false;
          return true;
        },
        15_000,
        200,
      );
    },

    async stop() {
      await stopFeeding();
      await rtpSender?.stop();
    },
  };
}

/** Passes of the endless stream a file input gets: enough that no loop seam of the service falls inside what receivers compare. */
export function filePasses(ctx: BenchContext): number {
  const o = ctx.options;
  const playSeconds = o.seconds + 3 * (o.phaseSeconds + 4) + 20;
  return Math.max(2, Math.ceil(playSeconds / ctx.stream.passSeconds));
}

/** POST /api/media: multipart upload of a TS file (stored byte for byte). */
async function uploadMedia(mld: Distributor, path: string): Promise<MediaResponse> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(path)], { type: 'video/mp2t' }), 'bench-looped-feed.ts');
  form.append('name', 'bench looped feed');
  const response = await fetch(`${mld.url}/api/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${mld.token}` },
    body: form,
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`upload the file input: HTTP ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as MediaResponse;
}
