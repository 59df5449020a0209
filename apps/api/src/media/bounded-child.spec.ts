import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, FakeSpawner } from '@mld/supervisor/testing';
import { describeRunFailure, runBounded } from './bounded-child.js';

const request = { command: 'ffprobe', args: ['-of', 'json', 'file:/x'], timeoutMs: 30_000, graceMs: 3_000, maxStdoutBytes: 16 };

describe('runBounded: a one-shot tool that can never hang a request', () => {
  it('collects stdout and the stderr tail of a tool that exits by itself, argv as given', async () => {
    const spawner = new FakeSpawner();
    const clock = new FakeClock();
    const done = runBounded(spawner, clock, request);
    const child = spawner.last;
    assert.deepEqual(child.request.args, request.args);
    assert.equal(child.request.stdin, 'ignore');
    child.stdout?.write('{"a":1}');
    child.printStderr('warning\n');
    await child.exit(0);
    const result = await done;
    assert.equal(result.stdout, '{"a":1}');
    assert.equal(result.stderrTail, 'warning\n');
    assert.equal(describeRunFailure('ffprobe', result, request.timeoutMs), undefined);
    assert.equal(clock.pendingTimers, 0, 'no timer left behind');
  });

  it('sends SIGTERM at the time limit and SIGKILL after the grace period', async () => {
    const spawner = new FakeSpawner();
    const clock = new FakeClock();
    const done = runBounded(spawner, clock, request);
    const child = spawner.last;
    clock.advance(29_999);
    assert.deepEqual(child.signals, []);
    clock.advance(1);
    assert.deepEqual(child.signals, ['SIGTERM']);
    clock.advance(2_999);
    assert.deepEqual(child.signals, ['SIGTERM']);
    clock.advance(1);
    assert.deepEqual(child.signals, ['SIGTERM', 'SIGKILL']);
    await child.exit(null, 'SIGKILL');
    const result = await done;
    assert.equal(result.timedOut, true);
    assert.equal(result.escalated, true);
    assert.equal(describeRunFailure('ffprobe', result, request.timeoutMs), 'ffprobe did not finish within 30 s and was stopped');
  });

  it('stops a tool that prints more than allowed and keeps only the allowed bytes', async () => {
    const spawner = new FakeSpawner();
    const clock = new FakeClock();
    const done = runBounded(spawner, clock, request);
    const child = spawner.last;
    child.stdout?.write('0123456789abcdefXYZ');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(child.signals, ['SIGTERM']);
    await child.exit(null, 'SIGTERM');
    const result = await done;
    assert.equal(result.stdout, '0123456789abcdef');
    assert.equal(result.stdoutOverflow, true);
  });

  it('reports a tool that fails with its last stderr line, and one that cannot start', async () => {
    const spawner = new FakeSpawner();
    const clock = new FakeClock();
    const failing = runBounded(spawner, clock, request);
    spawner.last.printStderr('file:/x: Invalid data found when processing input\n');
    await spawner.last.exit(1);
    assert.equal(describeRunFailure('ffprobe', await failing, request.timeoutMs), 'ffprobe exited with code 1: file:/x: Invalid data found when processing input');

    spawner.throwOnSpawn = new Error('spawn ffprobe ENOENT');
    const missing = await runBounded(spawner, clock, request);
    assert.equal(describeRunFailure('ffprobe', missing, request.timeoutMs), 'ffprobe could not be started: spawn ffprobe ENOENT');
  });
});
