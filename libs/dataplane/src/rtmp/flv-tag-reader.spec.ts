import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FLV_AUDIO, FLV_SCRIPT, FLV_VIDEO, FlvFormatError, FlvTagReader, writeFlv, type FlvTag } from './flv-tag-reader.js';

const tags: FlvTag[] = [
  { type: FLV_SCRIPT, timestamp: 0, data: Buffer.from('meta') },
  { type: FLV_VIDEO, timestamp: 0, data: Buffer.from([0x17, 0, 0, 0, 0, 1, 2, 3]) },
  { type: FLV_AUDIO, timestamp: 23, data: Buffer.from([0xaf, 0, 0x12, 0x10]) },
  { type: FLV_VIDEO, timestamp: 40, data: Buffer.alloc(5000, 7) },
  // Past 2^24 ms (4.6 h): the upper byte lives in TimestampExtended.
  { type: FLV_VIDEO, timestamp: 0x01234567, data: Buffer.from([0x27, 1]) },
];

describe('FlvTagReader', () => {
  it('reads every tag whatever the read sizes (split at every byte)', () => {
    const flv = writeFlv(tags);
    for (const step of [1, 2, 3, 7, 11, 13, 15, 100, flv.length]) {
      const reader = new FlvTagReader();
      const out: FlvTag[] = [];
      for (let i = 0; i < flv.length; i += step) out.push(...reader.push(flv.subarray(i, i + step)));
      assert.deepEqual(out.map((t) => ({ ...t, data: Buffer.from(t.data) })), tags, `step ${step}`);
      assert.equal(reader.bufferedBytes, 0);
    }
  });

  it('reads the header FFmpeg writes (flags, 9-byte header, PreviousTagSize0)', () => {
    const reader = new FlvTagReader();
    assert.deepEqual(reader.push(Buffer.from([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0])), []);
    assert.equal(reader.bufferedBytes, 0);
  });

  it('keeps a partial tag until its end arrives', () => {
    const flv = writeFlv(tags.slice(0, 2));
    const reader = new FlvTagReader();
    assert.equal(reader.push(flv.subarray(0, flv.length - 1)).length, 1);
    assert.equal(reader.bufferedBytes, 11 + 8 + 4 - 1);
    assert.equal(reader.push(flv.subarray(flv.length - 1)).length, 1);
  });

  it('refuses a stream that is not FLV or lost sync, with FlvFormatError', () => {
    assert.throws(() => new FlvTagReader().push(Buffer.from('GET / HTTP/1.1\r\n')), FlvFormatError);
    const bad = Buffer.concat([writeFlv([]), Buffer.from([9, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0])]);
    assert.throws(() => new FlvTagReader().push(bad), /out of sync/);
  });
});
