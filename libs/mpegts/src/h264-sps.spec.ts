import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { h264LevelName, parseH264Sps, type H264Sps } from './h264-sps.js';

const summary = (s: H264Sps | null) => s && { profileIdc: s.profileIdc, constraintFlags: s.constraintFlags, levelIdc: s.levelIdc, profile: s.profile, level: s.level, width: s.width, height: s.height };

// SPS NAL units written by libx264 (FFmpeg 5.1) for the sizes named.
const BASELINE_640x360 = '6742c01ed900a02ff970110000030001000003003c0f162e48';
const HIGH_1920x1080 = '67640028acd940780227e5c044000003000400000300f03c60c658';
const MAIN_1280x720 = '674d401feca02802dd8088000003000800000301e078c18cb0';

describe('parseH264Sps', () => {
  it('reads profile, level and size of a constrained baseline SPS', () => {
    assert.deepEqual(summary(parseH264Sps(Buffer.from(BASELINE_640x360, 'hex'))), {
      profileIdc: 66,
      constraintFlags: 0xc0,
      levelIdc: 30,
      profile: 'Constrained Baseline',
      level: '3',
      width: 640,
      height: 360,
    });
  });

  it('applies the cropping window (1080 lines from 68 macroblock rows) of a High SPS', () => {
    const sps = parseH264Sps(Buffer.from(HIGH_1920x1080, 'hex'));
    assert.equal(sps?.profile, 'High');
    assert.equal(sps?.level, '4');
    assert.deepEqual([sps?.width, sps?.height], [1920, 1080]);
  });

  it('reads a Main SPS at level 3.1', () => {
    const sps = parseH264Sps(Buffer.from(MAIN_1280x720, 'hex'));
    assert.deepEqual([sps?.profile, sps?.level, sps?.width, sps?.height], ['Main', '3.1', 1280, 720]);
  });

  it('returns null, never throws, for a truncated SPS or another NAL type', () => {
    const full = Buffer.from(HIGH_1920x1080, 'hex');
    for (let n = 0; n < 8; n++) assert.equal(parseH264Sps(full.subarray(0, n)), null);
    assert.equal(parseH264Sps(Buffer.from('68ce3c80', 'hex')), null);
  });

  it('names level 1b', () => {
    assert.equal(h264LevelName(11, 0x10), '1b');
    assert.equal(h264LevelName(11, 0), '1.1');
  });
});
