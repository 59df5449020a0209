// Real child programs (src/testing/fixtures/*.mjs) under the real NodeSpawner and clock.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LineParser } from './line-parser.js';
import { detectPdeathsigSupport } from './pdeathsig.js';
import { NodeSpawner } from './spawner.js';
import { SupervisedProcess } from './supervised-process.js';
import type { SupervisedProcessEvents, SupervisedProcessOptions } from './supervised-process.types.js';
import { Cleanup, fixture, isAlive, waitFor, waitForState } from './testing/spec-helpers.js';

const cleanup = new Cleanup();
after(() => cleanup.run());

const node = process.execPath;
const T = { timeout: 15_000 };

const ffmpegProgress: LineParser = {
  parse: (line) => (/^frame=\s*\d+/.test(line) ? { progress: { frame: Number(/\d+/.exec(line)?.[0]) } } : undefined),
};

function supervise(name: string, options: Partial<SupervisedProcessOptions> = {}): SupervisedProcess {
  return cleanup.track(
    new SupervisedProcess({ owner: `output:${name}`, command: node, args: [fixture(`${name}.mjs`)], startupMs: 200, ...options }),
  );
}

function grandchildPid(proc: SupervisedProcess): number | undefined {
  const line = proc.snapshot().stderrTail.find((l) => l.startsWith('grandchild '));
  return line ? Number(line.split(' ')[1]) : undefined;
}

describe('SupervisedProcess with real children', () => {
  it('runs a fake ffmpeg, reads its \\r progress, and treats exit 255 after SIGTERM as a clean stop', T, async () => {
    const proc = supervise('fake-ffmpeg', { parser: ffmpegProgress, startupMs: 5000 });
    const exits: SupervisedProcessEvents['exit'][] = [];
    proc.on('exit', (e) => exits.push(e));
    proc.start();
    // startupMs is 5 s: reaching running sooner proves the progress line made it ready.
    await waitForState(proc, 'running', 3000);
    await waitFor(() => proc.snapshot().stderrTail.filter((l) => l.startsWith('frame=')).length >= 2, 3000, 'two progress lines');
    const pid = proc.pid!;
    assert.equal(proc.snapshot().parentDeathSignal, detectPdeathsigSupport());
    await proc.stop();
    assert.equal(proc.state, 'stopped');
    assert.equal(isAlive(pid), false);
    const snap = proc.snapshot();
    assert.equal(snap.lastExitCode, 255);
    assert.equal(snap.lastError, undefined);
    assert.equal(snap.consecutiveFailures, 0);
    assert.ok(snap.stderrTail.includes('Press [q] to stop, [?] for help'));
    assert.ok(snap.stderrTail.includes('Exiting normally, received signal 15.'));
    assert.deepEqual(
      exits.map((e) => [e.expected, e.code, e.owner]),
      [[true, 255, 'output:fake-ffmpeg']],
    );
  });

  it('SIGKILLs a child that ignores SIGTERM once the grace period is over', T, async (t) => {
    const proc = supervise('ignore-term', { stopGraceMs: 300 });
    proc.start();
    await waitFor(() => proc.snapshot().stderrTail.includes('ready'), 3000, 'ready line');
    const pid = proc.pid!;
    const t0 = performance.now();
    await proc.stop();
    const elapsed = performance.now() - t0;
    t.diagnostic(`stop() with a 300 ms grace took ${elapsed.toFixed(0)} ms`);
    assert.ok(elapsed >= 300 && elapsed < 1500, `took ${elapsed} ms`);
    assert.equal(proc.snapshot().lastSignal, 'SIGKILL');
    assert.ok(proc.snapshot().stderrTail.includes('ignoring SIGTERM'));
    assert.equal(isAlive(pid), false);
  });

  it('retries a child that exits 1 with backoff, then fails after maxRestarts', T, async () => {
    const proc = supervise('exit-code', { backoff: { baseMs: 50, capMs: 200, minMs: 20 }, maxRestarts: 2 });
    const retries: number[] = [];
    const pids: number[] = [];
    proc.on('spawn', ({ pid }) => pids.push(pid!));
    proc.onStateChange((_from, to) => {
      if (to === 'backoff') retries.push(proc.snapshot().nextRetryAt! - Date.now());
    });
    proc.start();
    await waitForState(proc, 'failed', 5000);
    const snap = proc.snapshot();
    assert.equal(snap.restarts, 2);
    assert.equal(snap.lastExitCode, 1);
    assert.equal(snap.nextRetryAt, undefined);
    assert.match(snap.lastError ?? '', /^exited with code 1: Connection to srt:\/\/127\.0\.0\.1:1 failed: Connection refused$/);
    assert.equal(retries.length, 2);
    for (const delay of retries) assert.ok(delay > 0 && delay <= 200, `nextRetryAt ${delay} ms ahead`);
    assert.equal(new Set(pids).size, 3);
    assert.ok(pids.every((pid) => !isAlive(pid)));
  });

  it('feeds stdin with write() and reports what the child received', T, async () => {
    const proc = supervise('echo-stdin', { stdin: 'pipe' });
    proc.start();
    await waitFor(() => proc.snapshot().stderrTail.includes('ready'), 3000, 'ready line');
    for (let i = 0; i < 3; i += 1) assert.equal(proc.write(Buffer.alloc(1000, i)), true);
    await waitFor(() => proc.snapshot().stderrTail.includes('got 3000'), 3000, 'child to count 3000 bytes');
    assert.deepEqual(proc.snapshot().stdin, { bytes: 3000, rejected: 0, errors: 0 });
    await proc.stop();
    assert.equal(proc.write('late'), false);
  });

  it('survives EPIPE when the child closed its stdin, and counts it', T, async () => {
    const proc = supervise('close-stdin', { stdin: 'pipe' });
    const errors: string[] = [];
    proc.on('error', (e) => errors.push(`${e.source}: ${e.message}`));
    proc.start();
    await waitFor(() => proc.snapshot().stderrTail.includes('stdin closed'), 3000, 'child to close stdin');
    const pid = proc.pid!;
    for (let i = 0; i < 50 && proc.snapshot().stdin.errors === 0; i += 1) {
      proc.write(Buffer.alloc(1316));
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(proc.snapshot().stdin.errors, 1);
    assert.match(errors.join('\n'), /stdin: .*EPIPE/);
    assert.equal(proc.write(Buffer.alloc(1316)), false, 'a broken pipe refuses further writes');
    assert.equal(proc.pid, pid, 'a broken stdin alone does not restart the child');
    assert.equal(isAlive(pid), true);
    await proc.stop();
  });

  it('kills the grandchildren with the group on stop', T, async () => {
    const proc = supervise('spawn-grandchild');
    proc.start();
    await waitFor(() => grandchildPid(proc) !== undefined, 3000, 'grandchild pid');
    const grandchild = grandchildPid(proc)!;
    cleanup.pids.add(grandchild);
    const pid = proc.pid!;
    assert.equal(isAlive(grandchild), true);
    await proc.stop();
    assert.equal(isAlive(pid), false);
    await waitFor(() => !isAlive(grandchild), 1000, 'grandchild to die');
  });

  it('sweeps the group when the child exits on its own, so a grandchild cannot hold its pipes', T, async () => {
    const proc = supervise('spawn-grandchild', { args: [fixture('spawn-grandchild.mjs'), '--exit-after', '300'], maxRestarts: 0 });
    const exits: { at: number; code: number | null }[] = [];
    proc.on('exit', ({ code }) => exits.push({ at: performance.now(), code }));
    const t0 = performance.now();
    proc.start();
    await waitFor(() => grandchildPid(proc) !== undefined, 3000, 'grandchild pid');
    const grandchild = grandchildPid(proc)!;
    cleanup.pids.add(grandchild);
    await waitForState(proc, 'failed', 5000);
    assert.equal(exits[0]?.code, 3);
    // The grandchild inherited stderr; without the sweep 'close' would wait for it (2 s close timeout).
    assert.ok(exits[0]!.at - t0 < 1500, `exit seen after ${exits[0]!.at - t0} ms`);
    await waitFor(() => !isAlive(grandchild), 1000, 'grandchild to die');
  });

  it('kills a child that makes no progress and restarts it', T, async () => {
    const proc = supervise('sleeper', { stallTimeoutMs: 300, startupMs: 100, backoff: { baseMs: 50, capMs: 50, minMs: 50 } });
    const pids: number[] = [];
    proc.on('spawn', ({ pid }) => pids.push(pid!));
    proc.start();
    await waitFor(() => pids.length >= 2, 3000, 'a restart after the stall');
    const snap = proc.snapshot();
    assert.equal(snap.lastError, 'stalled: no progress for 0.3 s');
    assert.equal(snap.lastSignal, 'SIGKILL');
    assert.equal(snap.restarts, 1);
    assert.equal(isAlive(pids[0]!), false);
    await proc.stop();
  });

  it('reports a missing program as a spawn failure (plain spawn) and keeps retrying', T, async () => {
    const proc = cleanup.track(
      new SupervisedProcess({
        owner: 'output:missing',
        command: '/nonexistent/srt-live-transmit',
        spawner: new NodeSpawner({ pdeathsig: 'off' }),
        backoff: { baseMs: 5000 },
      }),
    );
    const errors: SupervisedProcessEvents['error'][] = [];
    proc.on('error', (e) => errors.push(e));
    proc.start();
    await waitForState(proc, 'backoff', 3000);
    assert.equal(proc.snapshot().lastError, 'spawn failed: spawn /nonexistent/srt-live-transmit ENOENT');
    assert.equal(errors[0]?.source, 'spawn');
    await proc.stop();
  });

  it('reports a missing program through setpriv as exit 127 with the reason', T, async (t) => {
    if (!detectPdeathsigSupport()) return t.skip('setpriv with --pdeathsig not available');
    const proc = cleanup.track(
      new SupervisedProcess({ owner: 'output:missing-setpriv', command: '/nonexistent/ffmpeg', backoff: { baseMs: 5000 } }),
    );
    proc.start();
    await waitForState(proc, 'backoff', 3000);
    assert.match(proc.snapshot().lastError ?? '', /^exited with code 127: .*\/nonexistent\/ffmpeg.*No such file or directory/);
    await proc.stop();
  });

  it('passes arguments to the program verbatim, with no shell in between', T, async () => {
    const args = ['$(touch /tmp/pwned)', 'a b', ';', '|', "'quoted'", '*'];
    const proc = supervise('print-argv', { args: [fixture('print-argv.mjs'), ...args] });
    proc.start();
    await waitFor(() => proc.snapshot().stderrTail.length > 0, 3000, 'argv line');
    assert.deepEqual(JSON.parse(proc.snapshot().stderrTail[0]!), args);
    await proc.stop();
  });
});
