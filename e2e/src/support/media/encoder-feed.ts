// The two feeds of a main/backup pair as MediaLive's two pipelines send them: the same programme
// encoded twice, separately, so not the same bytes — each with its own PIDs, its own clock (a
// PTS/PCR offset), its own picture colour (so a decoder tells which one a frame came from) and
// its own SCTE-35 insertion on its own PID, with the same cue schedule and event ids (both
// pipelines insert the operator's cues).
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectTs, NULL_PID, PAT_PID, STREAM_TYPE, TS_PACKET_SIZE, tsPid } from '@mld/mpegts';
import { insertScte35 } from '@mld/mpegts/fixtures';
import { runTracked } from './child-process.js';
import type { FeedCue } from './test-feed.js';
import { pesTimes } from './ts-joins.js';

export interface EncoderFeedOptions {
  dir: string;
  name: string;
  seconds: number;
  /** TS mux rate, bits/s (CBR, null-packet filled). */
  bitrate: number;
  /** Flat picture colour (FFmpeg colour name), with noise so the encoder has real work. */
  colour: string;
  toneHz?: number;
  width?: number;
  height?: number;
  /** Key frame every this many seconds (closed GOP, no scene cuts). Default 1. */
  gopSeconds?: number;
  /** FFmpeg -mpegts_pmt_start_pid / -mpegts_start_pid / -mpegts_service_id. Defaults are FFmpeg's: 0x1000, 0x100, 1. */
  pmtPid?: number;
  firstEsPid?: number;
  serviceId?: number;
  /** Seconds added to every PTS/DTS/PCR (-output_ts_offset): another encoder's clock. */
  clockOffsetSeconds?: number;
  scte35Pid: number;
  cueIntervalSeconds?: number;
  firstEventId?: number;
}

export interface EncoderFeed {
  path: string;
  ts: Buffer;
  bitrate: number;
  colour: string;
  gopSeconds: number;
  pids: { pmt: number; video: number; audio: number; pcr: number; scte35: number };
  /** Every PID the feed carries (null packets left out). */
  pidSet: number[];
  /** Duration of one audio PES, ms: FFmpeg packs several AAC frames into one (-pes_payload_size). */
  audioPesMs: number;
  cues: FeedCue[];
}

const FRAME_RATE = 25;

export async function makeEncoderFeed(opts: EncoderFeedOptions): Promise<EncoderFeed> {
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const gopSeconds = opts.gopSeconds ?? 1;
  const audio = 96_000;
  const video = Math.max(200_000, Math.floor(opts.bitrate * 0.8) - audio);
  const raw = join(opts.dir, `${opts.name}.raw.ts`);
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `color=c=${opts.colour}:size=${width}x${height}:rate=${FRAME_RATE},noise=alls=20:allf=t`,
    '-f', 'lavfi', '-i', `sine=frequency=${opts.toneHz ?? 1000}:sample_rate=48000`,
    '-t', String(opts.seconds), '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
    '-b:v', String(video), '-minrate', String(video), '-maxrate', String(video), '-bufsize', String(video), '-x264-params', 'nal-hrd=cbr',
    '-g', String(FRAME_RATE * gopSeconds), '-keyint_min', String(FRAME_RATE * gopSeconds), '-sc_threshold', '0', '-bf', '2',
    '-c:a', 'aac', '-b:a', String(audio), '-ac', '2',
    '-muxrate', String(opts.bitrate),
    ...(opts.pmtPid !== undefined ? ['-mpegts_pmt_start_pid', String(opts.pmtPid)] : []),
    ...(opts.firstEsPid !== undefined ? ['-mpegts_start_pid', String(opts.firstEsPid)] : []),
    ...(opts.serviceId !== undefined ? ['-mpegts_service_id', String(opts.serviceId)] : []),
    ...(opts.clockOffsetSeconds !== undefined ? ['-output_ts_offset', String(opts.clockOffsetSeconds)] : []),
    '-f', 'mpegts', raw,
  ];
  const r = await runTracked('ffmpeg', args, Math.max(60_000, opts.seconds * 10_000));
  if (r.code !== 0) throw new Error(`ffmpeg could not make ${raw} (${r.code ?? r.signal}): ${r.stderr}`);
  const inserted = insertScte35(readFileSync(raw), {
    scte35Pid: opts.scte35Pid,
    intervalSeconds: opts.cueIntervalSeconds ?? 1,
    firstEventId: opts.firstEventId ?? 1000,
  });
  await rm(raw, { force: true });
  const path = join(opts.dir, `${opts.name}.ts`);
  await writeFile(path, inserted.ts);

  const report = inspectTs(inserted.ts);
  const pmt = report.pmts[0];
  if (!pmt) throw new Error(`${opts.name}: no PMT in the feed`);
  const video264 = pmt.streams.find((s) => s.streamType === STREAM_TYPE.H264);
  const aac = pmt.streams.find((s) => s.streamType === STREAM_TYPE.AAC_ADTS);
  if (!video264 || !aac) throw new Error(`${opts.name}: expected H.264 and AAC, PMT has ${JSON.stringify(pmt.streams)}`);
  return {
    path,
    ts: inserted.ts,
    bitrate: opts.bitrate,
    colour: opts.colour,
    gopSeconds,
    pids: { pmt: inserted.pmtPid, video: video264.pid, audio: aac.pid, pcr: pmt.pcrPid, scte35: inserted.scte35Pid },
    pidSet: report.pids.map((p) => p.pid).filter((pid) => pid !== NULL_PID),
    audioPesMs: medianStepMs(pesTimes(inserted.ts).filter((p) => p.pid === aac.pid).map((p) => p.pts)),
    cues: inserted.cues.map((c) => ({ ...c, byteOffset: c.packetIndex * TS_PACKET_SIZE })),
  };
}

/**
 * Where an encoder that comes back resumes its live programme: the first PAT at or after the
 * byte offset the other pipeline has reached (a live encoder's content follows the wall clock,
 * and a restarted one opens with PAT/PMT).
 */
export function resumeOffset(ts: Buffer, byteOffset: number): number {
  for (let off = byteOffset - (byteOffset % TS_PACKET_SIZE); off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE) {
    if (tsPid(ts, off) === PAT_PID) return off;
  }
  throw new RangeError(`no PAT after byte ${byteOffset} of a ${ts.length}-byte feed: make the feed longer`);
}

function medianStepMs(times90k: readonly number[]): number {
  const steps = times90k.slice(1).map((t, i) => t - times90k[i]!).sort((a, b) => a - b);
  return (steps[Math.floor(steps.length / 2)] ?? 0) / 90;
}
