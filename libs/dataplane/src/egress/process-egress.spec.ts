import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeSpawner } from '@mld/supervisor/testing';
import { FanOut, type TsSink } from '../fanout/fan-out.js';
import type { OutputConfig } from '../types.js';
import { ProcessEgress } from './process-egress.js';
import { srtLiveTransmitParser } from './tool-parsers.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const config: OutputConfig = { id: 'slow', name: 'slow', protocol: 'srt', url: 'srt://h:1', host: 'h', port: 1, path: '', options: {} };

describe('ProcessEgress', () => {
  it('a child that stops reading drops only its own data; the other outputs get everything', async () => {
    const spawner = new FakeSpawner(4096); // the fake child never reads unless told to
    const egress = new ProcessEgress({ config, command: 'srt-live-transmit', args: [], parser: srtLiveTransmitParser, maxQueueBytes: 1316 * 10, coalesceMs: 1, spawner, stallTimeoutMs: 60_000 });
    let fastBytes = 0;
    const fast: TsSink = { id: 'fast', accept: (ts) => void (fastBytes += ts.length) };
    const fan = new FanOut();
    fan.add(egress);
    fan.add(fast);
    egress.start();
    const chunk = Buffer.alloc(1316, 0x47);
    for (let i = 0; i < 100; i++) {
      fan.push(chunk);
      if (i % 10 === 0) await wait(2);
    }
    await wait(10);
    const snap = egress.snapshot();
    assert.equal(fastBytes, 100 * 1316, 'the healthy output lost data');
    assert.ok(snap.droppedBytes > 0, 'the stuck output did not count its drops');
    assert.ok(snap.queueBytes <= 1316 * 10, 'queue exceeded its bound');
    assert.equal(snap.bytesOut + snap.queueBytes + snap.droppedBytes, 100 * 1316);

    spawner.last.acceptStdin(); // the child reads again: the queue drains
    await wait(20);
    spawner.last.acceptStdin();
    await wait(20);
    assert.equal(egress.snapshot().queueBytes, 0);
    const stopping = egress.stop();
    await spawner.last.exit(null, 'SIGTERM');
    await stopping;
  });

  it('reports the peer connection from the tool output', async () => {
    const spawner = new FakeSpawner();
    const egress = new ProcessEgress({ config, command: 'x', args: [], parser: srtLiveTransmitParser, connectedPattern: /SRT target connected/, spawner });
    egress.start();
    assert.equal(egress.snapshot().connected, false);
    spawner.last.printStderr('SRT target connected\n');
    await wait(5);
    assert.equal(egress.snapshot().connected, true);
    const stopping = egress.stop();
    await spawner.last.exit(0);
    await stopping;
  });
});
