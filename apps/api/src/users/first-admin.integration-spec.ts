import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnService } from '../testing/spawned-service.js';

describe('the generated first admin password', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('goes to DATA_DIR/initial-admin-password (0600) only, never to the log', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mld-first-admin-'));
    dirs.push(dataDir);
    // verbose: whatever any logger prints at any level is checked.
    const service = spawnService({ DATA_DIR: dataDir, LOG_LEVEL: 'verbose', DASHBOARD_DIR: join(dataDir, 'none') }, dataDir);
    try {
      await service.listening();
    } finally {
      await service.stop();
    }
    const file = join(dataDir, 'initial-admin-password');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const password = readFileSync(file, 'utf8').trim();
    assert.ok(password.length >= 20);
    const log = service.output();
    assert.match(log, /created the first admin "admin"/);
    assert.ok(log.includes(file), 'the log does not say where the password is');
    assert.ok(!log.includes(password), 'the generated password is in the log');
  });
});
