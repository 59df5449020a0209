import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DEFAULT_SETPRIV_PATH, detectPdeathsigSupport, wrapWithPdeathsig } from './pdeathsig.js';
import { Cleanup, isAlive, startService, waitFor } from './testing/spec-helpers.js';

const cleanup = new Cleanup();
after(() => cleanup.run());
const T = { timeout: 15_000 };

describe('pdeathsig', () => {
  it('wraps the command so the pid stays the program we asked for', () => {
    assert.deepEqual(wrapWithPdeathsig('ffmpeg', ['-i', 'x y']), {
      command: DEFAULT_SETPRIV_PATH,
      args: ['--pdeathsig', 'KILL', '--', 'ffmpeg', '-i', 'x y'],
    });
  });

  it('detects setpriv where it exists and refuses a missing path', () => {
    assert.equal(detectPdeathsigSupport('/nonexistent/setpriv'), false);
    if (process.platform === 'linux' && existsSync(DEFAULT_SETPRIV_PATH)) assert.equal(detectPdeathsigSupport(), true);
  });

  it('takes the child down when the service is SIGKILLed', T, async (t) => {
    if (!detectPdeathsigSupport()) return t.skip(`${DEFAULT_SETPRIV_PATH} with --pdeathsig is missing: children can outlive a SIGKILLed service here`);
    const { service, child, guarded, exited } = await startService('hold', 'auto', cleanup);
    assert.equal(guarded, true);
    assert.equal(isAlive(child), true);
    const t0 = performance.now();
    service.kill('SIGKILL');
    await exited;
    await waitFor(() => !isAlive(child), 2000, `child ${child} to die with its parent`);
    t.diagnostic(`child gone ${(performance.now() - t0).toFixed(0)} ms after SIGKILL of the service`);
  });

  it('without pdeathsig a SIGKILLed service leaves its child behind (the limitation it fixes)', T, async () => {
    const { service, child, guarded, exited } = await startService('hold', 'off', cleanup);
    assert.equal(guarded, false);
    service.kill('SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(isAlive(child), true, 'the orphan survived, as expected without pdeathsig');
    // The after() hook kills it by pid.
  });
});
