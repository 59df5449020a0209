import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * Multicast needs a loopback with the MULTICAST flag, which this host's `lo` does not have (and
 * a test must not change the host). So the service, the sender and the receivers run in a
 * network namespace of their own, made and removed here (root only, as in CI).
 */
describe('multicast', () => {
  const root = process.getuid?.() === 0 && spawnSync('ip', ['-V']).status === 0;

  it('ingests from and sends to multicast groups (ASM and SSM) in a private network namespace', { skip: root ? false : 'needs root and iproute2 to create a network namespace' }, () => {
    const ns = `mld-mc-${randomBytes(3).toString('hex')}`;
    const ip = (...args: string[]) => {
      const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 0, `ip ${args.join(' ')}: ${r.stderr}`);
    };
    ip('netns', 'add', ns);
    try {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'multicast', 'on');
      ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'lo');
      const inner = join(process.cwd(), 'out-tsc/e2e/multicast.inner.js');
      const run = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '--test', '--test-reporter=spec', inner], {
        encoding: 'utf8',
        timeout: 180_000,
        cwd: process.cwd(),
        // Without this the inner runner would think it reports to us in the runner's own protocol.
        env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
      });
      process.stdout.write(run.stdout.split('\n').map((l) => `    ${l}`).join('\n'));
      assert.equal(run.status, 0, `multicast tests inside the namespace failed:\n${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /ℹ pass 2/);
    } finally {
      spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
    }
  });
});
