// A real H.264 feed from FFmpeg through the keeper, then one FFmpeg run on what it kept: a JPEG,
// 320 px wide, made from one access unit, not from the stream.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeFixture } from '@mld/mpegts/fixtures';
import { NodeSpawner, systemClock } from '@mld/supervisor';
import { KeyFrameKeeper } from './key-frame-keeper.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_PICTURE_CHECK, lumaStats, PictureCheck } from './picture-check.js';
import { ThumbnailMaker } from './thumbnail-maker.js';

const FFMPEG = '/usr/bin/ffmpeg';

/** Width and height from the JPEG's start-of-frame marker (SOF0..SOF2). */
function jpegSize(jpeg: Buffer): { width: number; height: number } | null {
  let p = 2;
  while (p + 9 < jpeg.length && jpeg[p] === 0xff) {
    const marker = jpeg[p + 1]!;
    const length = jpeg.readUInt16BE(p + 2);
    if (marker >= 0xc0 && marker <= 0xc2) return { height: jpeg.readUInt16BE(p + 5), width: jpeg.readUInt16BE(p + 7) };
    p += 2 + length;
  }
  return null;
}

describe('ThumbnailMaker with real FFmpeg', () => {
  let dir: string;
  let feed: Buffer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mld-thumb-'));
    const fixture = await makeFixture({ outDir: dir, seconds: 4, bitrate: 2_000_000, ffmpegPath: FFMPEG });
    feed = await readFile(fixture.tsPath);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('makes a 320 px JPEG from the one key frame the keeper kept', async () => {
    const keeper = new KeyFrameKeeper();
    keeper.want(0);
    keeper.push(feed, 1);
    const kept = keeper.keyFrame();
    assert.ok(kept, 'a key frame was kept');
    assert.ok(kept.ts.length < feed.length / 4, `one access unit (${kept.ts.length} of ${feed.length} bytes)`);
    const maker = new ThumbnailMaker(FFMPEG, new NodeSpawner(), systemClock);
    const result = await maker.make(kept.ts);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.jpeg[0], 0xff);
    assert.equal(result.jpeg[1], 0xd8);
    assert.deepEqual(jpegSize(result.jpeg), { width: 320, height: 180 });
    assert.equal(maker.runs, 1);
    assert.ok(result.luma, 'the 64x36 grayscale copy came from the same run');
    assert.equal(result.luma.length, 64 * 36);
    const check = new PictureCheck();
    check.push({ at: 0, luma: result.luma });
    assert.ok(check.snapshot.last!.stdDev > 10, `the test picture has content (std dev ${check.snapshot.last!.stdDev.toFixed(1)})`);
    console.log(`thumbnail: ${result.ms} ms, ${result.jpeg.length} B JPEG from ${kept.ts.length} B of TS`);
  });

  it('a black H.264 input gives a black grayscale copy, from the same single run', async () => {
    const blackTs = join(dir, 'black.ts');
    // Limited-range black (Y = 16) as a real encoder sends it.
    await promisify(execFile)(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=black:s=640x360:r=25', '-t', '3', '-c:v', 'libx264', '-g', '25', '-pix_fmt', 'yuv420p', '-f', 'mpegts', blackTs], { timeout: 30_000 });
    const keeper = new KeyFrameKeeper();
    keeper.want(0);
    keeper.push(await readFile(blackTs), 1);
    const maker = new ThumbnailMaker(FFMPEG, new NodeSpawner(), systemClock);
    const result = await maker.make(keeper.keyFrame()!.ts);
    assert.ok(result.ok && result.luma, result.ok ? 'no luma' : result.reason);
    const stats = lumaStats(result.luma);
    assert.ok(stats.mean <= DEFAULT_PICTURE_CHECK.blackMeanMax && stats.stdDev <= DEFAULT_PICTURE_CHECK.blackStdDevMax, `black: mean ${stats.mean}, std dev ${stats.stdDev}`);
    assert.equal(maker.runs, 1);
  });

  it('says why when the bytes hold no picture', async () => {
    const maker = new ThumbnailMaker(FFMPEG, new NodeSpawner(), systemClock);
    const result = await maker.make(Buffer.alloc(188 * 4, 0xff));
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /ffmpeg/);
  });
});
