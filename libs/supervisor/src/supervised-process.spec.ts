import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canTransition } from './state.js';
import { SupervisedProcess } from './supervised-process.js';
import type { SupervisedProcessEvents, SupervisedProcessOptions } from './supervised-process.types.js';
import { FakeClock } from './testing/fake-clock.js';
import { FakeSpawner } from './testing/fake-spawner.js';
import type { LineParser } from './line-parser.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

const frameParser: LineParser = {
  parse: (line) => (line.startsWith('frame=') ? { progress: { frame: Number(line.slice(6)) } } : /refused/.test(line) ? { error: line } : undefined),
};

function setup(options: Partial<SupervisedProcessOptions> = {}, stdinHighWaterMark?: number) {
  const clock = new FakeClock();
  const spawner = new FakeSpawner(stdinHighWaterMark);
  const proc = new SupervisedProcess({
    owner: 'output:1',
    command: 'srt-live-transmit',
    args: ['file://con', 'srt://10.0.0.1:9000'],
    startupMs: 1000,
    backoff: { baseMs: 1000, capMs: 30_000, factor: 2, jitter: 'full', minMs: 0 },
    random: () => 0.5,
    spawner,
    clock,
    ...options,
  });
  const transitions: string[] = [];
  proc.onStateChange((from, to) => {
    assert.ok(canTransition(from, to), `illegal ${from} -> ${to}`);
    transitions.push(`${from}->${to}`);
  });
  const events: { name: keyof SupervisedProcessEvents; payload: unknown }[] = [];
  for (const name of ['spawn', 'stderr', 'progress', 'exit', 'error', 'drain'] as const) {
    proc.on(name, (payload) => events.push({ name, payload }));
  }
  return { clock, spawner, proc, transitions, events };
}

describe('SupervisedProcess (fake spawner, fake time)', () => {
  it("with readyOnProgress 'parser', only the tool's own progress line makes it running", async () => {
    const { clock, spawner, proc } = setup({ readyOnProgress: 'parser', startupMs: 60_000, parser: frameParser });
    proc.start();
    proc.reportProgress(1316);
    clock.advance(5000);
    assert.equal(proc.state, 'starting', 'bytes we pushed are not proof of a connection');
    spawner.last.printStderr('frame=1\n');
    await tick();
    assert.equal(proc.state, 'running');
  });

  it('fails for good, without a retry timer, when the tool printed a fatal line', async () => {
    const fatalParser: LineParser = { parse: (line) => (/not currently supported/.test(line) ? { error: line, fatal: true } : undefined) };
    const { clock, spawner, proc, transitions } = setup({ parser: fatalParser });
    proc.start();
    spawner.last.printStderr('Video codec hevc not currently supported in container\n');
    await spawner.last.exit(1);
    assert.equal(proc.state, 'failed');
    assert.equal(proc.snapshot().nextRetryAt, undefined);
    assert.match(proc.snapshot().lastError ?? '', /hevc not currently supported/);
    assert.equal(clock.pendingTimers, 0);
    assert.deepEqual(transitions, ['stopped->starting', 'starting->failed']);
    proc.retryNow();
    assert.equal(proc.state, 'starting', 'an operator can still retry by hand');
    await spawner.last.exit(1);
    assert.equal(proc.state, 'backoff', 'a later plain failure backs off as usual');
  });

  it('is running once the child stayed alive for startupMs', () => {
    const { clock, spawner, proc, transitions } = setup();
    const t0 = clock.now();
    proc.start();
    assert.equal(proc.state, 'starting');
    assert.equal(proc.pid, spawner.last.pid);
    assert.deepEqual(spawner.last.request.args, ['file://con', 'srt://10.0.0.1:9000']);
    clock.advance(999);
    assert.equal(proc.state, 'starting');
    clock.advance(1);
    assert.equal(proc.state, 'running');
    clock.advance(500);
    const snap = proc.snapshot();
    assert.equal(snap.order, 'start');
    assert.equal(snap.startedAt, t0);
    assert.equal(snap.since, t0 + 1000);
    assert.equal(snap.uptimeMs, 1500);
    assert.equal(snap.owner, 'output:1');
    assert.deepEqual(transitions, ['stopped->starting', 'starting->running']);
  });

  it('is running at once when the parser sees progress', async () => {
    const { clock, spawner, proc, events } = setup({ parser: frameParser });
    proc.start();
    spawner.last.printStderr('banner\nframe=1\r');
    await tick();
    assert.equal(proc.state, 'running');
    assert.equal(proc.snapshot().lastProgressAt, clock.now());
    assert.deepEqual(proc.snapshot().stderrTail, ['banner', 'frame=1']);
    assert.ok(events.some((e) => e.name === 'progress'));
  });

  it('parses stdout when asked, without mixing it into the stderr tail', async () => {
    const { spawner, proc } = setup({ parser: frameParser, stdout: 'parse' });
    proc.start();
    assert.equal(spawner.last.request.stdout, 'pipe');
    spawner.last.stdout!.write('frame=7\n');
    await tick();
    assert.equal(proc.state, 'running');
    assert.deepEqual(proc.snapshot().stderrTail, []);
  });

  it('backs off exponentially, shows nextRetryAt and retries when the timer fires', async () => {
    const { clock, spawner, proc, events } = setup({ parser: frameParser });
    proc.start();
    spawner.last.printStderr('Connection refused\n');
    await spawner.last.exit(1);
    assert.equal(proc.state, 'backoff');
    const snap = proc.snapshot();
    assert.equal(snap.lastError, 'exited with code 1: Connection refused');
    assert.equal(snap.nextRetryAt, clock.now() + 500);
    assert.equal(snap.lastExitCode, 1);
    assert.equal(clock.pendingTimers, 1, 'only the retry timer is pending: nothing spins');
    clock.advance(499);
    assert.equal(spawner.children.length, 1);
    clock.advance(1);
    assert.equal(proc.state, 'starting');
    assert.equal(spawner.children.length, 2);
    assert.equal(proc.snapshot().restarts, 1);
    assert.equal(proc.snapshot().nextRetryAt, undefined);

    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      await spawner.last.exit(1);
      delays.push(proc.snapshot().nextRetryAt! - clock.now());
      clock.runNext();
    }
    // random() = 0.5 with full jitter: half of 2000, 4000, ... capped at 30000.
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 15_000, 15_000]);
    const exit = events.find((e) => e.name === 'exit')?.payload as SupervisedProcessEvents['exit'];
    assert.equal(exit.expected, false);
    assert.equal(exit.owner, 'output:1');
  });

  it('gives up after maxRestarts, leaves no timer, and retryNow tries again', async () => {
    const { clock, spawner, proc, transitions } = setup({ maxRestarts: 2 });
    proc.start();
    for (let i = 0; i < 3; i += 1) {
      await spawner.last.exit(1);
      clock.runNext();
    }
    assert.equal(proc.state, 'failed');
    assert.equal(spawner.children.length, 3);
    assert.equal(clock.pendingTimers, 0);
    const snap = proc.snapshot();
    assert.equal(snap.nextRetryAt, undefined);
    assert.equal(snap.restarts, 2);
    assert.equal(snap.consecutiveFailures, 3);
    assert.equal(transitions.at(-1), 'starting->failed');
    clock.advance(3_600_000);
    assert.equal(spawner.children.length, 3);

    assert.equal(proc.retryNow(), true);
    assert.equal(proc.state, 'starting');
    assert.equal(proc.snapshot().consecutiveFailures, 0);
    assert.equal(spawner.children.length, 4);
  });

  it('forgets earlier failures after a healthy period, not before', async () => {
    const { clock, spawner, proc } = setup({ backoff: { jitter: 'none', baseMs: 1000, capMs: 30_000 }, healthyAfterMs: 30_000 });
    proc.start();
    await spawner.last.exit(1);
    clock.runNext();
    await spawner.last.exit(1);
    assert.equal(proc.snapshot().nextRetryAt! - clock.now(), 2000);
    clock.runNext();
    clock.advance(1000 + 29_000);
    assert.equal(proc.state, 'running');
    await spawner.last.exit(1);
    assert.equal(proc.snapshot().nextRetryAt! - clock.now(), 4000, 'a 29 s run is not healthy yet');
    clock.runNext();
    clock.advance(1000 + 30_000);
    assert.equal(proc.snapshot().consecutiveFailures, 0);
    await spawner.last.exit(1);
    assert.equal(proc.snapshot().nextRetryAt! - clock.now(), 1000);
  });

  it('retryNow cancels the pending retry and launches at once', async () => {
    const { clock, spawner, proc } = setup();
    assert.equal(proc.retryNow(), false);
    proc.start();
    await spawner.last.exit(1);
    assert.equal(proc.state, 'backoff');
    assert.equal(proc.retryNow(), true);
    assert.equal(proc.state, 'starting');
    assert.equal(spawner.children.length, 2);
    assert.equal(proc.snapshot().nextRetryAt, undefined);
    clock.advance(1000);
    assert.equal(spawner.children.length, 2, 'the cancelled timer did not launch a second child');
    assert.equal(proc.retryNow(), false);
  });

  it('kills a child that stops making progress and restarts it', async () => {
    const { clock, spawner, proc } = setup({ stallTimeoutMs: 5000 });
    proc.start();
    clock.advance(3000);
    proc.reportProgress(1316);
    clock.advance(4999);
    assert.deepEqual(spawner.last.signals, []);
    clock.advance(1);
    assert.deepEqual(spawner.last.signals, ['SIGKILL']);
    assert.equal(proc.snapshot().lastError, 'stalled: no progress for 5 s');
    assert.equal(proc.snapshot().progressBytes, 1316);
    await spawner.last.exit(null, 'SIGKILL');
    assert.equal(proc.state, 'backoff');
    assert.equal(proc.snapshot().lastError, 'stalled: no progress for 5 s');
    clock.runNext();
    for (let i = 0; i < 20; i += 1) {
      clock.advance(1000);
      proc.reportProgress(1316);
    }
    assert.deepEqual(spawner.last.signals, [], 'a fed watchdog never fires');
  });

  it('stops with SIGTERM and counts exit 255 as a clean stop', async () => {
    const { clock, spawner, proc, events, transitions } = setup();
    proc.start();
    clock.advance(1000);
    const stopped = proc.stop();
    assert.equal(proc.state, 'stopping');
    assert.equal(proc.order, 'stop');
    assert.deepEqual(spawner.last.signals, ['SIGTERM']);
    await spawner.last.exit(255);
    await stopped;
    assert.equal(proc.state, 'stopped');
    assert.equal(clock.pendingTimers, 0);
    const snap = proc.snapshot();
    assert.equal(snap.lastExitCode, 255);
    assert.equal(snap.consecutiveFailures, 0);
    assert.equal(snap.lastError, undefined);
    assert.equal(snap.pid, undefined);
    assert.deepEqual(transitions, ['stopped->starting', 'starting->running', 'running->stopping', 'stopping->stopped']);
    const exit = events.find((e) => e.name === 'exit')?.payload as SupervisedProcessEvents['exit'];
    assert.equal(exit.expected, true);
  });

  it('sends SIGKILL when the child ignores SIGTERM for the grace period', async () => {
    const { clock, spawner, proc, events } = setup({ stopGraceMs: 2000 });
    proc.start();
    const stopped = proc.stop();
    clock.advance(1999);
    assert.deepEqual(spawner.last.signals, ['SIGTERM']);
    clock.advance(1);
    assert.deepEqual(spawner.last.signals, ['SIGTERM', 'SIGKILL']);
    await spawner.last.exit(null, 'SIGKILL');
    await stopped;
    assert.equal(proc.state, 'stopped');
    const exit = events.find((e) => e.name === 'exit')?.payload as SupervisedProcessEvents['exit'];
    assert.match(exit.reason ?? '', /SIGKILL/);
  });

  it('stop during backoff cancels the retry; start during stopping relaunches after the exit', async () => {
    const { clock, spawner, proc } = setup();
    proc.start();
    await spawner.last.exit(1);
    await proc.stop();
    assert.equal(proc.state, 'stopped');
    assert.equal(clock.pendingTimers, 0);
    clock.advance(60_000);
    assert.equal(spawner.children.length, 1);

    proc.start();
    const stopped = proc.stop();
    proc.start();
    assert.equal(proc.state, 'stopping');
    await spawner.last.exit(255);
    await stopped;
    assert.equal(proc.state, 'starting');
    assert.equal(spawner.children.length, 3);
  });

  it('delivers state events in order when a listener stops the process re-entrantly', () => {
    const { proc } = setup();
    const seen: string[] = [];
    proc.onStateChange((_from, to) => {
      if (to === 'starting') void proc.stop();
    });
    proc.onStateChange((from, to) => seen.push(`${from}->${to}`));
    proc.start();
    assert.deepEqual(seen, ['stopped->starting', 'starting->stopping']);
  });

  it('redacts argv, stderr, parsed errors and spawn errors', async () => {
    const redact = (text: string) => text.replaceAll('sk-live-123', '[redacted]');
    const { spawner, proc, events } = setup({ redact, args: ['-f', 'flv', 'rtmp://a.example/live/sk-live-123'] });
    proc.start();
    assert.deepEqual(proc.snapshot().argv, ['srt-live-transmit', '-f', 'flv', 'rtmp://a.example/live/[redacted]']);
    spawner.last.printStderr('rtmp://a.example/live/sk-live-123: Connection refused\n');
    await spawner.last.exit(1);
    spawner.throwOnSpawn = new Error('spawn failed for rtmp://a.example/live/sk-live-123');
    proc.retryNow();
    assert.equal(proc.state, 'backoff');
    const everything = JSON.stringify({ events, snapshot: proc.snapshot() });
    assert.equal(everything.includes('sk-live-123'), false);
    assert.match(proc.snapshot().lastError ?? '', /^spawn failed: .*\[redacted\]/);
    assert.match(proc.snapshot().stderrTail[0] ?? '', /\[redacted\]: Connection refused/);
  });

  it('write() takes one pipe buffer, then refuses until drain; never throws without a child', async () => {
    const { spawner, proc, events } = setup({ stdin: 'pipe' }, 4);
    assert.equal(proc.write('x'), false);
    proc.start();
    assert.equal(proc.write(Buffer.from('abcdef')), true);
    assert.equal(proc.canWrite, false);
    assert.equal(proc.write('g'), false);
    spawner.last.acceptStdin();
    await tick();
    assert.ok(events.some((e) => e.name === 'drain'));
    assert.equal(proc.canWrite, true);
    assert.equal(proc.write('g'), true);
    assert.deepEqual(proc.snapshot().stdin, { bytes: 7, rejected: 2, errors: 0 });
    assert.equal(Buffer.concat(spawner.last.received).toString(), 'abcdefg');
  });

  it('rejects bad options up front', () => {
    assert.throws(() => new SupervisedProcess({ owner: '', command: 'x', spawner: new FakeSpawner() }), TypeError);
    assert.throws(() => new SupervisedProcess({ owner: 'o', command: 'x', stopGraceMs: -1, spawner: new FakeSpawner() }), RangeError);
  });
});
