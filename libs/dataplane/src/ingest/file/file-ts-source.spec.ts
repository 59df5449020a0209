// The file input on a fake clock and in-memory files: pacing by PCR, loops on one timeline,
// the end of a file, and files that cannot be played.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TS_PACKET_SIZE, tsPcr, tsPid } from '@mld/mpegts';
import { buildSyntheticTs, insertScte35, timelineProblems, timelineReport } from '@mld/mpegts/fixtures';
import { FakeClock } from '@mld/supervisor/testing';
import { MemoryTsFiles } from '../../testing/fakes.js';
import type { FileInputConfig } from '../../types.js';
import type { SourceEvent } from '../source.js';
import { FILE_RETRY_MS, FileTsSource } from './file-ts-source.js';

const TICK_MS = 5;
const PATH = '/data/media/m1.ts';
const synthetic = buildSyntheticTs({ seconds: 2 });
const withCues = insertScte35(buildSyntheticTs({ seconds: 2, seed: 9 }).ts, { intervalSeconds: 0.5 }).ts;

function harness(file: Buffer | null, loop = false) {
  const clock = new FakeClock();
  const files = new MemoryTsFiles();
  if (file) files.files.set(PATH, file);
  const chunks: { at: number; buf: Buffer }[] = [];
  const states: string[] = [];
  const events: SourceEvent[] = [];
  const input: FileInputConfig = { type: 'file', mediaId: 'm1', path: PATH, loop };
  const source = new FileTsSource({
    input,
    clock,
    files: files.opener,
    tickMs: TICK_MS,
    readChunkBytes: 64 * TS_PACKET_SIZE,
    readAheadBytes: 256 * TS_PACKET_SIZE,
    sink: {
      ts: (b) => chunks.push({ at: clock.now(), buf: Buffer.from(b) }),
      rejected: () => undefined,
      stateChanged: (from, to, detail) => states.push(`${from}>${to}${detail ? ` (${detail})` : ''}`),
      event: (e) => events.push(e),
    },
  });
  const output = (): Buffer => Buffer.concat(chunks.map((c) => c.buf));
  /** Lets in-memory reads resolve, then moves fake time on, one tick at a time. */
  const play = async (ms: number): Promise<void> => {
    await settle();
    for (let t = 0; t < ms; t += TICK_MS) {
      clock.advance(TICK_MS);
      await settle();
    }
  };
  return { clock, files, source, chunks, states, events, output, play };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Time each PCR packet was handed over, with its PCR. */
function pcrTimes(chunks: { at: number; buf: Buffer }[], pcrPid: number): { at: number; pcr: number }[] {
  const out: { at: number; pcr: number }[] = [];
  for (const c of chunks) {
    for (let off = 0; off < c.buf.length; off += TS_PACKET_SIZE) {
      if (tsPid(c.buf, off) !== pcrPid) continue;
      const pcr = tsPcr(c.buf, off);
      if (pcr >= 0) out.push({ at: c.at, pcr });
    }
  }
  return out;
}

describe('FileTsSource', () => {
  it('paces the file by its PCR: N ms of PCR go out within N ms, give or take a tick', async () => {
    const h = harness(synthetic.ts);
    await h.source.start();
    await h.play(2500);
    assert.ok(h.output().equals(synthetic.ts), 'every byte, in order, unchanged');
    const times = pcrTimes(h.chunks, synthetic.videoPid);
    assert.equal(times.length, 50);
    const t0 = times[0]!.at;
    const pcr0 = times[0]!.pcr;
    for (const { at, pcr } of times) {
      const due = (pcr - pcr0) / 27_000;
      assert.ok(Math.abs(at - t0 - due) <= TICK_MS, `PCR due at ${due} ms went out at ${at - t0} ms`);
    }
    // Bursts of a tick's worth: never more than ~2 ticks of the stream at once.
    const rate = synthetic.ts.length / 1.96 / 1000; // bytes per ms
    assert.ok(Math.max(...h.chunks.map((c) => c.buf.length)) <= rate * 2 * TICK_MS + 2 * TS_PACKET_SIZE);
    assert.deepEqual(h.states, ['stopped>starting', 'starting>receiving', 'receiving>no_signal (end of file)']);
  });

  it('without loop: no_signal at the end, an event, and nothing more (no retry, no timer)', async () => {
    const h = harness(synthetic.ts);
    await h.source.start();
    await h.play(2500);
    await h.play(30_000);
    const s = h.source.snapshot();
    assert.equal(s.state, 'no_signal');
    assert.equal(s.tsBytes, synthetic.ts.length);
    assert.deepEqual(h.events.map((e) => e.kind), ['ended']);
    assert.equal(h.clock.pendingTimers, 0);
    assert.equal(h.files.opens, 1);
    assert.deepEqual(s.file, { mediaId: 'm1', durationMs: 1960, positionMs: 1960, loops: 0, loop: false });
  });

  it('loops on one timeline: counters, PCR, PTS and SCTE-35 keep rising; an event per loop', async () => {
    const h = harness(withCues, true);
    await h.source.start();
    while (h.source.snapshot().file!.loops < 3) await h.play(100);
    const three = h.output().subarray(0, 3 * withCues.length);
    const r = timelineReport(three);
    assert.equal(r.ccErrors, 0);
    assert.deepEqual(timelineProblems(r, { passes: 3 }), []);
    assert.equal(r.cues.length, 3 * timelineReport(withCues).cues.length);
    assert.deepEqual(h.events.map((e) => [e.kind, e.message]), [
      ['looped', 'media m1 looped (1 time)'],
      ['looped', 'media m1 looped (2 times)'],
      ['looped', 'media m1 looped (3 times)'],
    ]);
    // Loops are paced like the rest: three passes of ~2 s took ~6 s.
    const elapsed = h.chunks.at(-1)!.at - h.chunks[0]!.at;
    assert.ok(elapsed >= 5900 && elapsed <= 6200, `${elapsed} ms`);
    const s = h.source.snapshot();
    assert.equal(s.state, 'receiving');
    assert.ok(s.file!.positionMs < 200, `position ${s.file!.positionMs} ms just after the loop`);
    await h.source.stop();
    assert.equal(h.clock.pendingTimers, 0);
  });

  it('reads ahead a bounded amount, not the whole file', async () => {
    const big = buildSyntheticTs({ seconds: 20 }).ts;
    const h = harness(big);
    await h.source.start();
    await h.play(1000);
    const s = h.source.snapshot();
    // `bytes` counts playback reads (the probe of head and tail aside): they stay one read-ahead ahead of what was sent.
    assert.ok(s.tsBytes > 0 && s.bytes - s.tsBytes <= 256 * TS_PACKET_SIZE + 64 * TS_PACKET_SIZE, `read ${s.bytes}, sent ${s.tsBytes}`);
    assert.ok(s.bitrateBps > 0 && s.file!.positionMs > 900 && s.file!.positionMs < 1100, JSON.stringify(s.file));
  });

  it('missing file: error with a clear message, tried again every 10 s, plays once it is there', async () => {
    const h = harness(null);
    await h.source.start();
    const s = h.source.snapshot();
    assert.equal(s.state, 'error');
    assert.equal(s.error, `media file not found: ${PATH} (retrying every 10 s)`);
    await h.play(FILE_RETRY_MS - 100);
    assert.equal(h.files.opens, 1);
    h.files.files.set(PATH, synthetic.ts);
    await h.play(200);
    assert.equal(h.files.opens, 2);
    assert.equal(h.source.snapshot().state, 'receiving');
    assert.equal(h.source.snapshot().error, null);
  });

  it('a file that is not TS is an error, not a crash', async () => {
    const text = Buffer.from('#EXTM3U\n'.repeat(5000));
    const h = harness(text);
    await h.source.start();
    assert.equal(h.source.snapshot().state, 'error');
    assert.match(h.source.snapshot().error!, /^not an MPEG-TS file: only 0 % of the first 39 KB are 188-byte packets starting with 0x47: \/data\/media\/m1\.ts \(retrying every 10 s\)$/);
    const empty = harness(Buffer.alloc(0));
    await empty.source.start();
    assert.match(empty.source.snapshot().error!, /^not an MPEG-TS file: 0 bytes/);
  });

  it('a read error while playing: error, then tried again', async () => {
    const h = harness(buildSyntheticTs({ seconds: 10 }).ts);
    await h.source.start();
    await h.play(500);
    h.files.readError = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    await h.play(3000);
    assert.equal(h.source.snapshot().state, 'error');
    assert.equal(h.source.snapshot().error, `cannot read media file ${PATH}: EIO: i/o error, read (retrying every 10 s)`);
    h.files.readError = undefined;
    await h.play(FILE_RETRY_MS);
    assert.equal(h.source.snapshot().state, 'receiving');
  });

  it('skips garbage and unaligned bytes to the next sync, counting them, and forwards every whole packet', async () => {
    const ts = synthetic.ts;
    const junk = Buffer.alloc(1000, 0x11);
    const mid = 500 * TS_PACKET_SIZE;
    const file = Buffer.concat([junk.subarray(0, 77), ts.subarray(0, mid), junk, ts.subarray(mid), junk.subarray(0, 50)]);
    const h = harness(file);
    await h.source.start();
    await h.play(3000);
    const s = h.source.snapshot();
    assert.ok(h.output().equals(ts), 'the packets, without the garbage');
    // Sync is lost twice (in the middle, and at the trailing bytes); the leading ones are skipped before any sync.
    assert.equal(s.malformed, 2);
    assert.deepEqual(s.malformedReasons, { sync_lost: 2, bytes_skipped: 77 + 1000 + 50 });
    assert.equal(s.state, 'no_signal');
  });

  it('a file without PCR is paced by the rate its PES times give', async () => {
    const noPcr = Buffer.from(synthetic.ts);
    for (let off = 0; off < noPcr.length; off += TS_PACKET_SIZE) {
      if ((noPcr[off + 3]! & 0x20) !== 0 && noPcr[off + 4]! > 0) noPcr[off + 5] = noPcr[off + 5]! & ~0x10;
    }
    const h = harness(noPcr);
    await h.source.start();
    await h.play(2500);
    assert.ok(h.output().equals(noPcr));
    const elapsed = h.chunks.at(-1)!.at - h.chunks[0]!.at;
    // PTS span 1.96 s over nearly the whole file: the whole file plays in about 2 s.
    assert.ok(elapsed > 1800 && elapsed < 2200, `${elapsed} ms`);
  });
});
