import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isAbsolute } from 'node:path';
import { loadConfig } from './app-config.js';

describe('DATA_DIR', () => {
  it('a relative DATA_DIR is resolved against the working directory at load, once', () => {
    const config = loadConfig({ DATA_DIR: 'state/../data-here' }, '/srv/medialive');
    assert.equal(config.dataDir, '/srv/medialive/data-here');
    // Later changes of the working directory no longer matter: the value is absolute.
    assert.ok(isAbsolute(config.dataDir));
  });

  it('defaults to ./data of the working directory, absolute', () => {
    assert.equal(loadConfig({}, '/opt/mld').dataDir, '/opt/mld/data');
  });

  it('keeps an absolute DATA_DIR as it is', () => {
    assert.equal(loadConfig({ DATA_DIR: '/var/lib/medialive-distributor' }, '/anywhere').dataDir, '/var/lib/medialive-distributor');
  });
});
