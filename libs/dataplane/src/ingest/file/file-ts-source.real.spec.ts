// A real FFmpeg file (H.264/AAC with SCTE-35 inserted) looped three times through FileTsSource
// from disk: the outputs must see one valid stream, checked by our own analysis and by ffprobe.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeFixture, timelineProblems, timelineReport } from '@mld/mpegts/fixtures';
import { FakeClock } from '@mld/supervisor/testing';
import type { SourceEvent } from '../source.js';
import { FileTsSource } from './file-ts-source.js';

const FFMPEG = '/usr/bin/ffmpeg';
const FFPROBE = '/usr/bin/ffprobe';

/** Runs a program with a hard time limit; stdout and stderr as text. */
function run(command: string, args: readonly string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** ffprobe's packets as [stream index, dts] rows. */
async function ffprobePackets(path: string): Promise<{ stderr: string; code: number | null; packets: [number, number][] }> {
  const r = await run(FFPROBE, ['-v', 'error', '-show_entries', 'packet=stream_index,dts', '-of', 'csv=p=0', path], 60_000);
  const packets = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split(',').map(Number) as [number, number]);
  return { stderr: r.stderr, code: r.code, packets };
}

describe('FileTsSource with a real FFmpeg file', { skip: !existsSync(FFMPEG) || !existsSync(FFPROBE) ? 'ffmpeg/ffprobe not installed' : false }, () => {
  let dir = '';
  let tsPath = '';
  let cueCount = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-source-'));
    const fx = await makeFixture({ outDir: dir, seconds: 3, bitrate: 2_000_000, width: 640, height: 360, cueIntervalSeconds: 1, ffmpegPath: FFMPEG, timeoutMs: 60_000 });
    tsPath = fx.tsPath;
    cueCount = fx.manifest.cues.length;
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loops it three times into one stream: 0 CC errors, clocks rising, cues re-signed, ffprobe clean', { timeout: 120_000 }, async () => {
    const file = await readFile(tsPath);
    const clock = new FakeClock();
    const chunks: Buffer[] = [];
    const events: SourceEvent[] = [];
    const source = new FileTsSource({
      input: { type: 'file', mediaId: 'fx', path: tsPath, loop: true },
      clock,
      sink: { ts: (b) => chunks.push(Buffer.from(b)), rejected: () => undefined, stateChanged: () => undefined, event: (e) => events.push(e) },
    });
    await source.start();
    // Fake time as fast as the disk allows: each tick's reads get a turn of the event loop.
    for (let i = 0; i < 100_000 && source.snapshot().file!.loops < 3; i++) {
      clock.advance(5);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await source.stop();
    assert.equal(events.filter((e) => e.kind === 'looped').length, 3);

    const out = Buffer.concat(chunks).subarray(0, 3 * file.length);
    assert.equal(out.length, 3 * file.length);
    const r = timelineReport(out);
    assert.equal(r.ccErrors, 0);
    assert.deepEqual(timelineProblems(r, { passes: 3 }), []);
    assert.ok(r.pcrs.length > 3 * 100, `${r.pcrs.length} PCRs`);
    assert.ok(cueCount >= 2);
    assert.equal(r.cues.length, 3 * cueCount);
    const adjustments = [...new Set(r.cues.map((c) => c.ptsAdjustment))];
    assert.equal(adjustments.length, 3, `one pts_adjustment per pass: ${adjustments.join(', ')}`);
    assert.equal(adjustments[0], 0);

    const outPath = join(dir, 'looped.ts');
    await writeFile(outPath, out);
    const single = await ffprobePackets(tsPath);
    const looped = await ffprobePackets(outPath);
    assert.equal(looped.code, 0);
    assert.equal(looped.stderr, '', 'ffprobe reports no error');
    assert.equal(looped.packets.length, 3 * single.packets.length);
    const lastDts = new Map<number, number>();
    for (const [stream, dts] of looped.packets) {
      const prev = lastDts.get(stream);
      assert.ok(prev === undefined || dts > prev, `stream ${stream}: DTS ${dts} after ${prev}`);
      lastDts.set(stream, dts);
    }
  });
});
