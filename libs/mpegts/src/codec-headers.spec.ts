import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAc3Header, parseAdtsHeader, parseMpegAudioHeader } from './audio-headers.js';
import { findH264Sps, parseH264Sps } from './h264-sps.js';

// SPS of x264 at 1280x720 High 3.1 (80x45 macroblocks, no cropping)
// and of 1920x1080 Main 4.0 (68 MB rows = 1088, cropped by 8): bytes from FFmpeg's own output.
const SPS_720P_HIGH = Buffer.from('6764001facd9405005bb0110000003001000000303c0f1831960', 'hex');
const SPS_1080P_MAIN = Buffer.from('674d4028eca03c0113f2e022000003000200000300781e30632c', 'hex');

describe('H.264 SPS', () => {
  it('reads profile, level and the cropped picture size', () => {
    const a = parseH264Sps(SPS_720P_HIGH);
    assert.deepEqual(a && [a.profileIdc, a.levelIdc, a.width, a.height, a.chromaFormatIdc, a.bitDepthLuma], [100, 31, 1280, 720, 1, 8]);
    const b = parseH264Sps(SPS_1080P_MAIN);
    assert.deepEqual(b && [b.profileIdc, b.levelIdc, b.width, b.height], [77, 40, 1920, 1080]);
  });

  it('finds the SPS after an access unit delimiter in Annex B bytes', () => {
    const au = Buffer.concat([Buffer.from('0000000109f0', 'hex'), Buffer.from('00000001', 'hex'), SPS_720P_HIGH, Buffer.from('0000000168ebe3cb22c0', 'hex')]);
    assert.deepEqual(findH264Sps(au), SPS_720P_HIGH);
  });

  it('refuses what is not an SPS or ends early', () => {
    assert.equal(parseH264Sps(Buffer.from('68ebe3cb22c0', 'hex')), null);
    assert.equal(parseH264Sps(SPS_720P_HIGH.subarray(0, 6)), null);
    assert.equal(findH264Sps(Buffer.from('000001090000016801', 'hex')), null);
  });
});

describe('audio frame headers', () => {
  it('ADTS: AAC LC 48 kHz stereo', () => {
    assert.deepEqual(parseAdtsHeader(Buffer.from('fff14c8017bffc', 'hex')), { codec: 'aac', sampleRate: 48000, channels: 2, objectType: 2 });
  });
  it('MPEG-1 layer II 48 kHz, stereo and mono', () => {
    assert.deepEqual(parseMpegAudioHeader(Buffer.from('fffd8400', 'hex')), { codec: 'mp2', sampleRate: 48000, channels: 2 });
    assert.deepEqual(parseMpegAudioHeader(Buffer.from('fffd84c0', 'hex')), { codec: 'mp2', sampleRate: 48000, channels: 1 });
  });
  it('AC-3 48 kHz 3/2 with LFE is 6 channels; 2/0 is 2', () => {
    // fscod 0, frmsizecod 0x1c; bsid 8 bsmod 0; acmod 7 (3/2): cmixlev, surmixlev, then lfeon=1.
    assert.deepEqual(parseAc3Header(Buffer.from('0b7700001c40e100', 'hex')), { codec: 'ac3', sampleRate: 48000, channels: 6 });
    // acmod 2 (2/0): dsurmod(2) then lfeon=0.
    assert.deepEqual(parseAc3Header(Buffer.from('0b7700001c404000', 'hex')), { codec: 'ac3', sampleRate: 48000, channels: 2 });
  });
  it('no header: null', () => {
    assert.equal(parseAdtsHeader(Buffer.alloc(16)), null);
    assert.equal(parseMpegAudioHeader(Buffer.alloc(16)), null);
    assert.equal(parseAc3Header(Buffer.alloc(16)), null);
  });
});
