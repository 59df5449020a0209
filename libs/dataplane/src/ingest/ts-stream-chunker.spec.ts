// TsStreamChunker: whole packets, byte for byte, in runs, however a pipe cuts the stream.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TsStreamChunker } from './ts-stream-chunker.js';

/** `n` TS packets with stray 0x47 bytes in their payload. */
function packets(n: number, seed = 0): Buffer {
  const b = Buffer.alloc(n * 188);
  for (let i = 0; i < n; i++) {
    b[i * 188] = 0x47;
    for (let j = 1; j < 188; j++) b[i * 188 + j] = (seed + i * 7 + j) % 251 === 3 ? 0x47 : (seed + i + j) & 0xff;
  }
  return b;
}

function collect() {
  const out: Buffer[] = [];
  return { out, chunker: new TsStreamChunker((ts) => out.push(Buffer.from(ts))) };
}

describe('TsStreamChunker', () => {
  it('gives back the stream exactly, in whole packets, wherever it is cut', () => {
    const stream = packets(60, 5);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 30 }), (cuts) => {
        const { out, chunker } = collect();
        let from = 0;
        for (const at of [...cuts.sort((a, b) => a - b), stream.length]) {
          chunker.push(stream.subarray(from, at));
          from = at;
        }
        assert.ok(Buffer.concat(out).equals(stream));
        assert.ok(out.every((b) => b.length % 188 === 0 && b[0] === 0x47));
      }),
    );
  });

  it('one call per read of aligned data, one more for a packet split across reads', () => {
    const { out, chunker } = collect();
    const stream = packets(100);
    chunker.push(stream.subarray(0, 188 * 40));
    assert.equal(out.length, 1);
    chunker.push(stream.subarray(188 * 40, 188 * 70 + 100));
    chunker.push(stream.subarray(188 * 70 + 100));
    assert.deepEqual(out.map((b) => b.length / 188), [40, 30, 1, 29]);
  });

  it('drops what is not TS and counts the sync loss; reset forgets a partial packet', () => {
    const { out, chunker } = collect();
    chunker.push(Buffer.concat([packets(3), Buffer.from('a stats line that went to the wrong place\n'), packets(4, 9)]));
    assert.ok(Buffer.concat(out).equals(Buffer.concat([packets(3), packets(4, 9)])));
    assert.equal(chunker.stats.syncLosses, 1);
    chunker.push(packets(1).subarray(0, 100));
    chunker.reset();
    chunker.push(packets(2, 1));
    assert.ok(Buffer.concat(out).subarray(7 * 188).equals(packets(2, 1)));
  });
});
