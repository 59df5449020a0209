import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { killAll, liveChildCount } from './registry.js';
import { NodeSpawner } from './spawner.js';
import { SupervisedProcess } from './supervised-process.js';
import { Cleanup, fixture, isAlive, startService, waitFor, waitForState } from './testing/spec-helpers.js';

const cleanup = new Cleanup();
after(() => cleanup.run());
const T = { timeout: 15_000 };

describe('registry', () => {
  it('tracks live children and killAll() takes their groups down', T, async () => {
    const before = liveChildCount();
    const proc = cleanup.track(
      new SupervisedProcess({
        owner: 'output:registry',
        command: process.execPath,
        args: [fixture('spawn-grandchild.mjs')],
        spawner: new NodeSpawner({ pdeathsig: 'off' }),
        maxRestarts: 0,
      }),
    );
    proc.start();
    await waitFor(() => proc.snapshot().stderrTail.some((l) => l.startsWith('grandchild ')), 3000, 'grandchild pid');
    const grandchild = Number(proc.snapshot().stderrTail.find((l) => l.startsWith('grandchild '))!.split(' ')[1]);
    cleanup.pids.add(grandchild);
    const pid = proc.pid!;
    assert.equal(liveChildCount(), before + 1);
    assert.equal(killAll('SIGKILL'), before + 1);
    await waitForState(proc, 'failed');
    assert.equal(liveChildCount(), before);
    assert.equal(proc.snapshot().lastSignal, 'SIGKILL');
    assert.equal(isAlive(pid), false);
    await waitFor(() => !isAlive(grandchild), 1000, 'grandchild to die');
  });

  it('installExitHandlers kills children when the service calls process.exit()', T, async () => {
    const { child, exited } = await startService('exit', 'off', cleanup);
    assert.deepEqual(await exited, { code: 0, signal: null });
    await waitFor(() => !isAlive(child), 1000, `child ${child} to die on process.exit`);
  });

  it('installExitHandlers kills children on SIGTERM and still lets the signal end the service', T, async () => {
    const { service, child, exited } = await startService('signal', 'off', cleanup);
    assert.equal(isAlive(child), true);
    service.kill('SIGTERM');
    assert.deepEqual(await exited, { code: null, signal: 'SIGTERM' });
    await waitFor(() => !isAlive(child), 1000, `child ${child} to die on SIGTERM`);
  });
});
