import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { combineParsers, genericLineParser, looksLikeError, type LineParser } from './line-parser.js';

describe('genericLineParser', () => {
  it('picks the lines a human needs to see', () => {
    const errors = [
      '[tcp @ 0x55d] Connection to tcp://10.0.0.1:1935 failed: Connection refused',
      'rtmp://a.rtmp.youtube.com/live2/[redacted]: I/O error',
      'in.ts: No such file or directory',
      'Invalid data found when processing input',
      '09:12:01.123/SRT:RcvQ:w1 E:SRT.cn: Connection timed out',
      'setpriv: failed to execute ffmpeg: Permission denied',
      'Could not find codec parameters for stream 0',
      'ERROR: socket: connection setup failure',
    ];
    for (const line of errors) assert.deepEqual(genericLineParser.parse(line), { error: line.trim() }, line);
  });

  it('ignores banners, progress and zero-error counters', () => {
    const fine = [
      'ffmpeg version 5.1.9 Copyright (c) 2000-2024 the FFmpeg developers',
      '  configuration: --prefix=/usr --enable-gnutls --disable-libmfx-error-concealment',
      'frame=  250 fps= 25 q=-1.0 size=    2048kB time=00:00:10.00 bitrate=1677.7kbits/s speed=   1x',
      'SRT target connected',
      'stats: errors=0 dropped=0',
      '',
      '   ',
    ];
    for (const line of fine) assert.equal(genericLineParser.parse(line), undefined, line);
  });

  it('does not treat words that merely contain an error word as errors', () => {
    assert.equal(looksLikeError('terrorist'), false);
    assert.equal(looksLikeError('error_count reporting enabled'), false);
  });
});

describe('combineParsers', () => {
  it('keeps the first error and merges progress fields', () => {
    const progress: LineParser = { parse: (line) => (line.startsWith('frame=') ? { progress: { frame: Number(line.slice(6, 9)) } } : undefined) };
    const other: LineParser = { parse: () => ({ progress: { seen: 1 } }) };
    const parser = combineParsers(genericLineParser, progress, other);
    assert.deepEqual(parser.parse('frame=123 error concealment'), { error: 'frame=123 error concealment', progress: { frame: 123, seen: 1 } });
    assert.deepEqual(parser.parse('banner'), { progress: { seen: 1 } });
    assert.equal(combineParsers(genericLineParser).parse('banner'), undefined);
  });
});
