import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Amf0Error, decodeAmf0, encodeAmf0, encodeAmf0EcmaArray } from './amf0.js';

describe('AMF0', () => {
  it('encodes a connect command byte for byte as the spec lays it out', () => {
    const bytes = encodeAmf0('connect', 1, { app: 'live' });
    const expected = Buffer.concat([
      Buffer.from([0x02, 0x00, 0x07]), Buffer.from('connect'),
      Buffer.from([0x00, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]), // 1.0 as a big-endian double
      Buffer.from([0x03, 0x00, 0x03]), Buffer.from('app'), Buffer.from([0x02, 0x00, 0x04]), Buffer.from('live'),
      Buffer.from([0x00, 0x00, 0x09]),
    ]);
    assert.deepEqual(bytes, expected);
  });

  it('round-trips every type a publisher meets', () => {
    const values = ['onStatus', 0, null, { level: 'error', code: 'NetStream.Publish.BadName', description: 'Stream already publishing', n: -1.5, ok: true, list: [1, 'a', false] }, undefined, new Date(1_700_000_000_000)];
    const decoded = decodeAmf0(encodeAmf0(...values));
    assert.equal(decoded.length, values.length);
    assert.deepEqual(JSON.parse(JSON.stringify(decoded)), JSON.parse(JSON.stringify(values)));
    assert.equal((decoded[5] as Date).getTime(), 1_700_000_000_000);
  });

  it('reads ECMA arrays (onMetaData) and long strings', () => {
    const [meta] = decodeAmf0(encodeAmf0EcmaArray({ width: 1280, height: 720, encoder: 'Lavf59' }));
    assert.deepEqual({ ...(meta as object) }, { width: 1280, height: 720, encoder: 'Lavf59' });
    const long = 'x'.repeat(70_000);
    assert.equal(decodeAmf0(encodeAmf0(long))[0], long);
  });

  it('refuses truncated, unknown and absurdly nested input with Amf0Error, never anything else', () => {
    assert.throws(() => decodeAmf0(Buffer.from([0x02, 0x00, 0x05, 0x61])), Amf0Error);
    assert.throws(() => decodeAmf0(Buffer.from([0x11])), Amf0Error);
    assert.throws(() => decodeAmf0(Buffer.alloc(200, 0x0a).fill(0, 1)), Amf0Error); // strict arrays nested, counts 0 then garbage
    assert.throws(() => decodeAmf0(Buffer.alloc(500).fill(Buffer.from([0x0a, 0, 0, 0, 1]))), /nested deeper than 64/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeAmf0(Buffer.from(bytes));
        } catch (err) {
          assert.ok(err instanceof Amf0Error, String(err));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
