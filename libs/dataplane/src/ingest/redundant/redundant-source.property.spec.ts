// Whatever the outages (one input at a time, each long enough to be an outage rather than
// jitter), settings and skew between the feeds, the output stays one valid stream (fast-check,
// fixed seed; FC_SEED / FC_RUNS to explore further).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PAT_PID, PTS_MODULO } from '@mld/mpegts';
import { checkOutput, downBetween, MAIN_LAYOUT, RedundantHarness } from './testing/redundant-harness.js';

const seed = Number(process.env['FC_SEED'] ?? 20261213);
const numRuns = Number(process.env['FC_RUNS'] ?? 12);
const RUN_MS = 24_000;
const MAIN_PIDS = new Set([PAT_PID, MAIN_LAYOUT.pmtPid, MAIN_LAYOUT.videoPid, MAIN_LAYOUT.audioPid, MAIN_LAYOUT.scte35Pid]);

/** Outages of one input or the other, never both at once, a second and a half apart at least. */
const outages = fc.array(fc.record({ who: fc.constantFrom(0, 1), gap: fc.integer({ min: 1500, max: 6000 }), length: fc.integer({ min: 1000, max: 5000 }) }), { maxLength: 4 });

describe('RedundantSource (properties)', () => {
  it('one PID layout, no CC error, rising clocks, every cue exactly once, whatever the outages', async () => {
    await fc.assert(
      fc.asyncProperty(
        outages,
        fc.record({
          lossMs: fc.integer({ min: 200, max: 800 }),
          restoreMs: fc.integer({ min: 0, max: 5000 }),
          prefer: fc.constantFrom('main' as const, 'none' as const),
        }),
        fc.integer({ min: -300, max: 300 }),
        // The backup's clock wraps (2^33) somewhere in the run, or not.
        fc.option(fc.integer({ min: PTS_MODULO - 20 * 90_000, max: PTS_MODULO - 1 }), { nil: undefined }),
        async (list, settings, backupDelayMs, backupFirstPts) => {
          const downs: [[number, number][], [number, number][]] = [[], []];
          let t = 1000;
          for (const o of list) {
            t += o.gap;
            downs[o.who]!.push([t, t + o.length]);
            t += o.length;
          }
          const h = new RedundantHarness({ seconds: RUN_MS / 1000 + 1, settings, backupDelayMs, backupFirstPts, main: downBetween(...downs[0]), backup: downBetween(...downs[1]) });
          await h.source.start();
          h.run(RUN_MS);
          const c = checkOutput(h.output());
          const context = `downs ${JSON.stringify(downs)} settings ${JSON.stringify(settings)} delay ${backupDelayMs} backup PTS ${backupFirstPts}: ${h.switches().map((e) => e.message).join(' | ')}`;
          assert.deepEqual(c.pids.filter((p) => !MAIN_PIDS.has(p)), [], context);
          assert.equal(c.ccErrors, 0, context);
          assert.deepEqual(c.pcrProblems, [], context);
          assert.deepEqual(c.decodeProblems, [], context);
          const ids = c.cueEventIds;
          assert.deepEqual(ids, ids.map((_, i) => 1000 + i), `every cue once, in order: ${ids.join(',')} ${context}`);
          assert.ok(ids.length >= 11, `a cue lost: ${ids.join(',')} ${context}`);
          const flagged = c.flaggedPcrs;
          assert.equal(flagged, h.switches().length, `one flagged PCR per switch: ${context}`);
        },
      ),
      { seed, numRuns },
    );
  });
});
