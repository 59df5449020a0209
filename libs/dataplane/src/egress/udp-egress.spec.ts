// UdpEgress takes the supervisor's edges only, reports each with its origin, and runs on the
// clock it is given (a FakeClock here: no real timer is left behind).
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@mld/supervisor/testing';
import type { OutputConfig } from '../types.js';
import type { EgressStateChange } from './egress.js';
import { UdpEgress } from './udp-egress.js';

function config(port: number): OutputConfig {
  return { id: 'u', name: 'udp out', protocol: 'udp', url: `udp://127.0.0.1:${port}`, host: '127.0.0.1', port, path: '', options: {} };
}

describe('UdpEgress states', () => {
  it('stopped → starting → running → stopping → stopped, each reported with its origin; sends 1316-byte datagrams', async () => {
    const receiver = createSocket('udp4');
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    const got: Buffer[] = [];
    receiver.on('message', (m) => got.push(m));
    const clock = new FakeClock(1_000);
    const changes: EgressStateChange[] = [];
    const egress = new UdpEgress({ config: config(receiver.address().port), clock, onStateChange: (c) => changes.push(c) });
    egress.start();
    await new Promise<void>((resolve) => {
      const wait = (): void => void (egress.snapshot().state === 'running' ? resolve() : setImmediate(wait));
      wait();
    });
    egress.accept(Buffer.alloc(188 * 10, 0x47));
    await new Promise((r) => setTimeout(r, 50));
    await egress.stop();
    await new Promise((r) => setTimeout(r, 50));
    receiver.close();
    assert.deepEqual(
      changes.map((c) => `${c.from}->${c.to}`),
      ['stopped->starting', 'starting->running', 'running->stopping', 'stopping->stopped'],
    );
    assert.equal(changes[0]!.snapshot.since, 1_000, 'times come from the injected clock');
    // 10 packets: one full datagram of 7 sent at once, the last 3 flushed by stop().
    assert.deepEqual(got.map((d) => d.length), [7 * 188, 3 * 188]);
  });

  it('a remainder of fewer than 7 packets goes out on its own once the input has paused 200 ms, not with the next data', async () => {
    const receiver = createSocket('udp4');
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    const got: Buffer[] = [];
    receiver.on('message', (m) => got.push(m));
    const clock = new FakeClock(1_000);
    const egress = new UdpEgress({ config: config(receiver.address().port), clock });
    egress.start();
    await new Promise<void>((resolve) => {
      const wait = (): void => void (egress.snapshot().state === 'running' ? resolve() : setImmediate(wait));
      wait();
    });
    egress.accept(Buffer.alloc(188 * 3, 0x47));
    clock.advance(150);
    egress.accept(Buffer.alloc(188 * 5, 0x47)); // 8 packets: one full datagram, 1 left over
    clock.advance(199);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(got.map((d) => d.length), [7 * 188], 'the remainder waits while data may still come (a late input keeps 7-packet datagrams)');
    clock.advance(1);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(got.map((d) => d.length), [7 * 188, 188], 'then goes out alone');
    await egress.stop();
    receiver.close();
    assert.equal(got.length, 2, 'nothing sent twice');
  });

  it('stop() of an output never started reports nothing', async () => {
    const changes: EgressStateChange[] = [];
    const egress = new UdpEgress({ config: config(9), clock: new FakeClock(), onStateChange: (c) => changes.push(c) });
    await egress.stop();
    assert.deepEqual(changes, []);
  });
});
