// The picture verdict per channel: samples from the thumbnails become events and the runtime's
// `picture`; it lasts only while someone keeps looking.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LUMA_SAMPLE_HEIGHT, LUMA_SAMPLE_WIDTH } from '@mld/dataplane';
import { DomainEvents, type InputEventRecord } from '../events/domain-events.js';
import type { ChannelCatalog } from './channel-catalog.js';
import { PICTURE_WATCH_EXPIRY_MS, PictureWatchService } from './picture-watch.service.js';

const flat = (v: number) => new Uint8Array(LUMA_SAMPLE_WIDTH * LUMA_SAMPLE_HEIGHT).fill(v);
function moving(seed: number): Uint8Array {
  const a = new Uint8Array(LUMA_SAMPLE_WIDTH * LUMA_SAMPLE_HEIGHT);
  for (let i = 0; i < a.length; i++) a[i] = (i * 7 + seed * 31) % 256;
  return a;
}

function watch(): { w: PictureWatchService; seen: InputEventRecord[] } {
  const events = new DomainEvents();
  const seen: InputEventRecord[] = [];
  events.subscribe('runtime.input_event', (e) => seen.push(e));
  const catalog = { view: (id: string) => ({ id, name: 'Studio A' }) } as unknown as ChannelCatalog;
  return { w: new PictureWatchService(events, catalog), seen };
}

describe('PictureWatchService', () => {
  it('a black input raises input.video_black once, with its duration and statistics; a good picture clears it', () => {
    const { w, seen } = watch();
    const t0 = 1_000_000;
    assert.equal(w.picture('c1', t0), null, 'nobody looked: nothing known');
    w.observe('c1', t0, moving(1), t0);
    assert.equal(w.picture('c1', t0)!.state, 'unknown', 'one key frame: nothing compared yet');
    for (let k = 1; k <= 4; k++) w.observe('c1', t0 + k * 2000, flat(16), t0 + k * 2000);
    const black = w.picture('c1', t0 + 8000)!;
    assert.equal(black.state, 'black');
    assert.equal(black.since, new Date(t0 + 2000).toISOString());
    assert.deepEqual([black.mean_luma, black.luma_std_dev, black.change], [16, 0, 0]);
    assert.deepEqual(seen.map((e) => e.kind), ['video_black']);
    assert.equal(seen[0]!.level, 'warn');
    assert.match(seen[0]!.message, /^black picture for 2\.0 s \(mean luma 16/);
    assert.equal(seen[0]!.details!['duration_ms'], 2000);

    w.observe('c1', t0 + 10_000, moving(2), t0 + 10_000);
    assert.equal(w.picture('c1', t0 + 10_000)!.state, 'ok');
    assert.deepEqual(seen.map((e) => e.kind), ['video_black', 'video_ok']);
    assert.match(seen[1]!.message, /^picture good again after 8\.0 s of black picture/);
  });

  it('a frozen picture raises input.video_frozen; the verdict expires when nobody looks, without an event', () => {
    const { w, seen } = watch();
    const t0 = 5_000_000;
    const still = moving(3);
    for (let k = 0; k < 3; k++) w.observe('c2', t0 + k * 2000, still, t0 + k * 2000);
    assert.equal(w.picture('c2', t0 + 4000)!.state, 'frozen');
    assert.deepEqual(seen.map((e) => e.kind), ['video_frozen']);
    assert.equal(w.picture('c2', t0 + 4000 + PICTURE_WATCH_EXPIRY_MS + 1), null);
    w.observe('c2', t0 + 70_000, still, t0 + 70_000);
    assert.equal(w.picture('c2', t0 + 70_000)!.state, 'unknown', 'looking again starts from nothing');
    assert.equal(seen.length, 1);
    w.forget('c2');
    assert.equal(w.picture('c2', t0 + 70_000), null);
  });
});
