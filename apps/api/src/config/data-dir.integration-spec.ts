import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnService } from '../testing/spawned-service.js';

describe('DATA_DIR at boot', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a relative DATA_DIR is resolved against the working directory and logged as an absolute path', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mld-datadir-'));
    dirs.push(root);
    chmodSync(root, 0o755); // mkdtemp makes 0700: as root, the embedded server (user postgres) must get through
    const cwd = join(root, 'work');
    mkdirSync(cwd);
    const service = spawnService({ DATA_DIR: './relative-data', DASHBOARD_DIR: join(root, 'none'), ADMIN_PASSWORD: 'admin-password-for-tests' }, cwd);
    try {
      await service.listening();
    } finally {
      assert.equal(await service.stop(), 0, service.output());
    }
    const absolute = join(cwd, 'relative-data');
    assert.match(service.output(), new RegExp(`data directory ${absolute.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(DATA_DIR`));
    assert.ok(existsSync(join(absolute, 'postgres', 'PG_VERSION')), 'the cluster is not under the resolved DATA_DIR');
    assert.ok(existsSync(join(absolute, 'jwt-secret')));
  });
});
