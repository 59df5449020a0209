// ChannelPipeline's promise: only outputs whose destination changed restart; the others never
// notice. Driven on a fake clock with scripted adapters, so each case runs in milliseconds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@mld/supervisor/testing';
import { ChannelPipeline } from './channel-pipeline.js';
import { RecordingEgress, ScriptedSource } from './testing/fakes.js';
import type { EgressStateChange, EgressStateListener } from './egress/egress.js';
import type { ChannelConfig, EgressState, InputConfig, OutputConfig } from './types.js';

const INPUT: InputConfig = { type: 'udp', bindIp: '127.0.0.1', port: 5000, sourceIp: null, interfaceIp: null };

function output(id: string, port: number, name = id): OutputConfig {
  return { id, name, protocol: 'srt', url: `srt://127.0.0.2:${port}`, host: '127.0.0.2', port, path: '', options: {} };
}

function channel(outputs: OutputConfig[], input: InputConfig = INPUT): ChannelConfig {
  return { id: 'ch', name: 'ch', input, outputs };
}

/** One TS packet whose payload bytes are `n`, so what arrived where can be compared. */
function ts(n: number): Buffer {
  const b = Buffer.alloc(188, n & 0xff);
  b[0] = 0x47;
  b[1] = 0x01;
  b[2] = 0x00;
  b[3] = 0x10 | (n & 0x0f);
  return b;
}

function harness() {
  const clock = new FakeClock();
  const sources: ScriptedSource[] = [];
  const egresses: RecordingEgress[] = [];
  const listeners = new Map<RecordingEgress, EgressStateListener>();
  const reported: EgressStateChange[] = [];
  const pipeline = new ChannelPipeline('ch', channel([]), {
    clock,
    onEgressState: (_channelId, change) => reported.push(change),
    createSource: (input, sink) => {
      const s = new ScriptedSource(input, sink);
      sources.push(s);
      return s;
    },
    createEgress: (config, onStateChange) => {
      const e = new RecordingEgress(config);
      egresses.push(e);
      listeners.set(e, onStateChange);
      return e;
    },
  });
  const live = (id: string) => egresses.filter((e) => e.config.id === id && e.starts > e.stops);
  const only = (id: string) => {
    const running = live(id);
    assert.equal(running.length, 1, `${id}: ${running.length} running instances`);
    return running[0]!;
  };
  /** Makes the egress report a transition, as its supervisor would. */
  const transition = (e: RecordingEgress, from: EgressState, to: EgressState) => listeners.get(e)!({ from, to, snapshot: e.snapshot(), reason: undefined });
  return { clock, pipeline, sources, egresses, live, only, reported, transition, source: () => sources.at(-1)! };
}

describe('ChannelPipeline.apply: which outputs restart', () => {
  it('starts every output once and hands each the stream in order', async () => {
    const h = harness();
    await h.pipeline.start(channel([output('a', 1), output('b', 2)]));
    for (let i = 0; i < 5; i++) h.source().emit(ts(i));
    for (const id of ['a', 'b']) assert.deepEqual(h.only(id).received, [0, 1, 2, 3, 4].map(ts));
    assert.equal(h.source().started, 1);
  });

  it('a rename, a reorder or re-applying the same config restarts nothing; the new name is reported', async () => {
    const h = harness();
    await h.pipeline.start(channel([output('a', 1), output('b', 2)]));
    const [a, b] = [h.only('a'), h.only('b')];
    await h.pipeline.apply(channel([output('b', 2), output('a', 1, 'renamed')]));
    await h.pipeline.apply(channel([output('b', 2), output('a', 1, 'renamed')]));
    assert.equal(h.egresses.length, 2, 'no egress was created again');
    assert.deepEqual([a.starts, a.stops, b.starts, b.stops], [1, 0, 1, 0]);
    assert.equal(h.pipeline.snapshot().outputs.find((o) => o.id === 'a')?.name, 'renamed');
  });

  it('after a rename without restart, the transitions an egress reports carry the new name and their own origin', async () => {
    const h = harness();
    await h.pipeline.start(channel([output('a', 1, 'old')]));
    const a = h.only('a');
    await h.pipeline.apply(channel([output('a', 1, 'new')]));
    h.transition(a, 'running', 'backoff');
    assert.deepEqual(
      h.reported.map((c) => [c.from, c.to, c.snapshot.name]),
      [['running', 'backoff', 'new']],
    );
  });

  it('a changed destination restarts that output only; the others keep receiving without a gap', async () => {
    const h = harness();
    await h.pipeline.start(channel([output('a', 1), output('b', 2), output('c', 3)]));
    const [a, c] = [h.only('a'), h.only('c')];
    const oldB = h.only('b');
    h.source().emit(ts(1));
    await h.pipeline.apply(channel([output('a', 1), output('b', 20), output('c', 3)]));
    h.source().emit(ts(2));
    assert.equal(oldB.stops, 1);
    const newB = h.only('b');
    assert.notEqual(newB, oldB);
    assert.equal(newB.config.port, 20);
    assert.deepEqual(newB.received, [ts(2)]);
    for (const steady of [a, c]) {
      assert.deepEqual([steady.starts, steady.stops], [1, 0]);
      assert.deepEqual(steady.received, [ts(1), ts(2)]);
    }
  });

  it('an option change counts as a new destination; a name change does not', async () => {
    const h = harness();
    await h.pipeline.start(channel([output('a', 1)]));
    const first = h.only('a');
    await h.pipeline.apply(channel([{ ...output('a', 1, 'x'), options: { latency: 200 } }]));
    assert.equal(first.stops, 1);
    assert.equal(h.only('a').config.options['latency'], 200);
  });

  it('adding starts only the new one; removing stops only that one, which then receives nothing', async () => {
    const h = harness();
    await h.pipeline.start(channel([output('a', 1)]));
    const a = h.only('a');
    await h.pipeline.apply(channel([output('a', 1), output('b', 2)]));
    const b = h.only('b');
    h.source().emit(ts(1));
    await h.pipeline.apply(channel([output('b', 2)]));
    h.source().emit(ts(2));
    assert.deepEqual([a.starts, a.stops], [1, 1]);
    assert.deepEqual(a.received, [ts(1)]);
    assert.deepEqual([b.starts, b.stops], [1, 0]);
    assert.deepEqual(b.received, [ts(1), ts(2)]);
    assert.deepEqual(h.pipeline.snapshot().outputs.map((o) => o.id), ['b']);
  });

  it('a new input replaces the source (old one stopped, new one started) and restarts no output', async () => {
    const h = harness();
    await h.pipeline.start(channel([output('a', 1)]));
    const a = h.only('a');
    const oldSource = h.source();
    await h.pipeline.apply(channel([output('a', 1)], { ...INPUT, port: 6000 }));
    assert.equal(oldSource.stopped, 1);
    assert.equal(h.sources.length, 2);
    assert.deepEqual(h.source().input, { ...INPUT, port: 6000 });
    assert.equal(h.source().started, 1);
    h.source().emit(ts(9));
    assert.deepEqual([a.starts, a.stops], [1, 0]);
    assert.deepEqual(a.received, [ts(9)]);
  });

  it('main/backup: a new pinned input is an order to the running source; a new backup replaces the source', async () => {
    const h = harness();
    const pair = (selection: 'auto' | 'main' | 'backup', backupPort = 5002): InputConfig => ({
      type: 'redundant',
      main: INPUT,
      backup: { ...INPUT, port: backupPort },
      failover: { mode: 'failover', prefer: 'main', lossMs: 500, restoreMs: 10_000 },
      selection,
    });
    await h.pipeline.start(channel([output('a', 1)]));
    await h.pipeline.apply(channel([output('a', 1)], pair('auto')));
    const first = h.source();
    const made = h.sources.length;
    await h.pipeline.apply(channel([output('a', 1)], pair('backup')));
    await h.pipeline.apply(channel([output('a', 1)], pair('backup')));
    await h.pipeline.apply(channel([output('a', 1)], pair('auto')));
    assert.equal(h.sources.length, made, 'the selection replaced the source');
    assert.deepEqual(first.forced, ['backup', 'auto'], 'each change of selection is one order; a repeat is none');
    await h.pipeline.apply(channel([output('a', 1)], pair('auto', 5004)));
    assert.equal(h.sources.length, made + 1);
    assert.equal(first.stopped, 1);
    assert.equal(h.only('a').starts, 1, 'no output restarted');
  });

  it('a preview gets the stream like an output but is not one; detaching stops it; one at a time', async () => {
    const h = harness();
    await h.pipeline.start(channel([output('a', 1)]));
    const preview = new RecordingEgress(output('preview', 9));
    h.pipeline.attachPreview(preview);
    h.pipeline.attachPreview(new RecordingEgress(output('preview-2', 10)));
    h.source().emit(ts(1));
    assert.deepEqual(preview.received, [ts(1)]);
    assert.deepEqual(h.pipeline.snapshot().outputs.map((o) => o.id), ['a']);
    await h.pipeline.detachPreview();
    h.source().emit(ts(2));
    assert.deepEqual([preview.starts, preview.stops], [1, 1]);
    assert.deepEqual(preview.received, [ts(1)]);
    assert.equal(h.pipeline.hasPreview, false);
  });

  it('stop() stops the source, every output and the preview, and leaves no timer behind', async () => {
    const h = harness();
    await h.pipeline.start(channel([output('a', 1), output('b', 2)]));
    h.pipeline.attachPreview(new RecordingEgress(output('preview', 9)));
    await h.pipeline.stop();
    assert.equal(h.source().stopped, 1);
    assert.ok(h.egresses.every((e) => e.starts === e.stops), 'an egress is still running');
    assert.equal(h.clock.pendingTimers, 0);
  });
});

describe('ChannelPipeline analysis', () => {
  it("reads loss from the source's own counters: new losses make the input degraded on the next tick", async () => {
    const h = harness();
    await h.pipeline.start(channel([]));
    for (let i = 0; i < 20; i++) h.source().emit(ts(i));
    h.clock.advance(100);
    assert.equal(h.pipeline.snapshot().analysis.transportLoss.count, 0);
    h.source().lost = 30;
    h.clock.advance(100);
    assert.equal(h.pipeline.snapshot().analysis.transportLoss.count, 30);
    h.source().lost = 31;
    h.clock.advance(100);
    assert.equal(h.pipeline.snapshot().analysis.transportLoss.count, 31, 'losses are reported once each');
  });
});
