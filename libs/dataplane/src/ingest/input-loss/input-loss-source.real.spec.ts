// Real FFmpeg both sides: an encoder (640x360 at 25 fps, H.264 main 3.0, AAC 48 kHz stereo) is the
// programme; it stops for 3 s and a new one starts (new timestamps, as an encoder restart). The
// outputs must get the programme, then a slate encoded to the same parameters, then the
// programme again, on one timeline whose video decode times only rise.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findH264Sps, parseAdtsHeader, parseH264Sps, readPesTimestamps, TS_PACKET_SIZE } from '@mld/mpegts';
import { NodeSpawner, systemClock } from '@mld/supervisor';
import { TsStreamChunker } from '../ts-stream-chunker.js';
import type { IngestSnapshot, IngestState } from '../../types.js';
import type { Source, SourceEvent, SourceSink, TsOrigin } from '../source.js';
import { InputLossSource } from './input-loss-source.js';
import { DEFAULT_CARD_FONT, slateProcessFactory } from './slate-process.js';

const ENCODER = [
  '-hide_banner', '-nostats', '-loglevel', 'error', '-re',
  '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25', '-f', 'lavfi', '-i', 'sine=f=440:r=48000',
  '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-level:v', '3.0', '-g', '25', '-bf', '0',
  '-c:a', 'aac', '-ac', '2', '-t', '30', '-f', 'mpegts', 'pipe:1',
];

/** The programme: an FFmpeg encoder an operator can stop and start again. */
class EncoderSource implements Source {
  private child: ChildProcess | null = null;
  private readonly chunker: TsStreamChunker;
  constructor(private readonly sink: SourceSink) {
    this.chunker = new TsStreamChunker((ts) => this.sink.ts(Buffer.from(ts)));
  }
  async start(): Promise<void> {
    this.chunker.reset();
    const child = spawn('ffmpeg', ENCODER, { stdio: ['ignore', 'pipe', 'inherit'], timeout: 60_000 });
    child.stdout!.on('data', (d: Buffer) => this.chunker.push(d));
    this.child = child;
  }
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
  snapshot(): IngestSnapshot {
    return { state: 'receiving', since: 0, error: null, datagrams: 0, bytes: 0, tsBytes: 0, malformed: 0, malformedReasons: {}, rtp: { lost: 0, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrcChanges: 0, ssrc: null }, lastPacketAt: null, bitrateBps: 0 };
  }
  lostPackets(): number {
    return 0;
  }
}

interface Received {
  origin: TsOrigin;
  chunk: Buffer;
  at: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Video (PID of the first H.264 PES seen) decode times and the SPS/ADTS of each origin. */
function inspect(received: Received[]): { dts: { t: number; origin: TsOrigin }[]; sps: Map<TsOrigin, ReturnType<typeof parseH264Sps>>; adts: Map<TsOrigin, ReturnType<typeof parseAdtsHeader>> } {
  const dts: { t: number; origin: TsOrigin }[] = [];
  const sps = new Map<TsOrigin, ReturnType<typeof parseH264Sps>>();
  const adts = new Map<TsOrigin, ReturnType<typeof parseAdtsHeader>>();
  for (const { origin, chunk } of received) {
    for (let off = 0; off + TS_PACKET_SIZE <= chunk.length; off += TS_PACKET_SIZE) {
      const pid = ((chunk[off + 1]! & 0x1f) << 8) | chunk[off + 2]!;
      if ((chunk[off + 1]! & 0x40) === 0 || (chunk[off + 3]! & 0x10) === 0) continue;
      const p = (chunk[off + 3]! & 0x20) === 0 ? off + 4 : off + 5 + chunk[off + 4]!;
      if (p + 9 > off + TS_PACKET_SIZE || chunk[p] !== 0 || chunk[p + 1] !== 0 || chunk[p + 2] !== 1) continue;
      const streamId = chunk[p + 3]!;
      const payload = chunk.subarray(p + 9 + chunk[p + 8]!, off + TS_PACKET_SIZE);
      if (streamId >= 0xe0 && streamId <= 0xef) {
        const t = readPesTimestamps(chunk, p, off + TS_PACKET_SIZE);
        dts.push({ t: t.dts >= 0 ? t.dts : t.pts, origin });
        const nal = findH264Sps(payload);
        if (nal && !sps.has(origin)) sps.set(origin, parseH264Sps(nal));
      } else if (streamId >= 0xc0 && streamId <= 0xdf && !adts.has(origin)) {
        const a = parseAdtsHeader(payload);
        if (a) adts.set(origin, a);
      }
      void pid;
    }
  }
  return { dts, sps, adts };
}

describe('InputLossSource with real FFmpeg', { timeout: 90_000 }, () => {
  it('puts a matching slate on air after after_ms of silence and returns to the programme at its key frame, on one rising timeline', async () => {
    const received: Received[] = [];
    const events: SourceEvent[] = [];
    const states: IngestState[] = [];
    let programme: EncoderSource | null = null;
    const source = new InputLossSource({
      owner: 'channel:test',
      settings: { action: 'slate', afterMs: 1000, imagePath: null, tsOutputs: false },
      channelName: 'Spec channel',
      createProgramme: (sink) => (programme = new EncoderSource(sink)),
      createSlate: slateProcessFactory({ ffmpegPath: 'ffmpeg', spawner: new NodeSpawner(), clock: systemClock, fontFile: DEFAULT_CARD_FONT, fontExists: existsSync }),
      sink: {
        ts: (chunk, origin = 'programme') => received.push({ origin, chunk: Buffer.from(chunk), at: Date.now() }),
        rejected: () => {},
        stateChanged: (_f, to) => states.push(to),
        event: (e) => events.push(e),
      },
    });
    try {
      await source.start();
      await sleep(4000);
      await programme!.stop();
      const stoppedAt = Date.now();
      await sleep(3000);
      assert.equal(source.snapshot().slate?.onAir, true, 'the slate is on air during the loss');
      await programme!.start();
      await sleep(4000);
      const on = events.find((e) => e.kind === 'slate_on');
      const off = events.find((e) => e.kind === 'slate_off');
      assert.ok(on && off, `slate_on and slate_off were reported: ${events.map((e) => e.kind).join(', ')}`);
      const firstSlate = received.find((r) => r.origin === 'slate');
      assert.ok(firstSlate, 'slate chunks reached the sink');
      const lateBy = firstSlate.at - stoppedAt;
      assert.ok(lateBy >= 900 && lateBy < 2500, `the slate went on air ${lateBy} ms after the encoder stopped (after_ms 1000)`);
      // programme → slate → programme, in that order and only once each.
      const runs: TsOrigin[] = [];
      for (const r of received) if (runs[runs.length - 1] !== r.origin) runs.push(r.origin);
      assert.deepEqual(runs, ['programme', 'slate', 'programme']);
      const { dts, sps, adts } = inspect(received);
      const p = sps.get('programme');
      const s = sps.get('slate');
      assert.ok(p && s, 'both the programme and the slate carry an SPS');
      assert.deepEqual([s.width, s.height, s.profileIdc, s.levelIdc], [p.width, p.height, p.profileIdc, p.levelIdc], 'the slate matches the programme\'s size, profile and level');
      assert.deepEqual([adts.get('slate')?.sampleRate, adts.get('slate')?.channels], [48000, 2], 'the slate\'s audio matches the programme\'s AAC');
      for (let i = 1; i < dts.length; i++) {
        const step = dts[i]!.t - dts[i - 1]!.t;
        assert.ok(step > 0 && step < 90_000 * 3, `video decode time rises across ${dts[i - 1]!.origin} → ${dts[i]!.origin} (step ${step} at ${i})`);
      }
      const snap = source.snapshot().slate!;
      assert.equal(snap.onAir, false);
      assert.equal(snap.shown, 1);
      assert.equal(snap.encoder, 'idle', 'the slate encoder stops once the programme is back');
      assert.deepEqual(snap.matches && [snap.matches.width, snap.matches.height, snap.matches.fps, snap.matches.profile, snap.matches.level], [640, 360, '25', 'main', '3']);
    } finally {
      await source.stop();
    }
  });
});
