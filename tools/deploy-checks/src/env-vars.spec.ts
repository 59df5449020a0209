import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareNames, configVariables, envFileKeys, readmeTableVariables, unknownNames } from './env-vars.js';
import { readRepoFile } from './repo.js';

describe('environment variables: code, README table and .env.example agree', () => {
  const code = configVariables(readRepoFile('apps/api/src/config/app-config.ts'));

  it('finds the variables app-config.ts reads', () => {
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'MIGRATIONS_RUN', 'FFMPEG_PATH', 'SRT_LIVE_TRANSMIT_PATH']) assert.ok(code.includes(name), `${name} not found in app-config.ts`);
  });

  it('the README configuration table lists exactly those, once each', () => {
    assert.deepEqual(compareNames('apps/api/src/config/app-config.ts', code, 'the README.md configuration table', readmeTableVariables(readRepoFile('README.md'))), []);
  });

  it('.env.example lists exactly those, once each', () => {
    assert.deepEqual(compareNames('apps/api/src/config/app-config.ts', code, '.env.example', envFileKeys(readRepoFile('.env.example'))), []);
  });

  it('catches a variable missing on either side, a duplicate and an unknown name', () => {
    const source = "int(env, 'PORT', 8000, 0, 1); optional(env, 'NEW_ONE'); executable(env, 'TOOL_PATH', 'x'); const a = env['RAW'];";
    assert.deepEqual(configVariables(source), ['NEW_ONE', 'PORT', 'RAW', 'TOOL_PATH']);
    const readme = '## Configuration\n\n| Variable | Default |\n|---|---|\n| `PORT` | `8000` |\n| `OLD_ONE` | x |\n| `PORT` | again |\n\n## Next\n| `IGNORED` | x |\n';
    assert.deepEqual(readmeTableVariables(readme), ['PORT', 'OLD_ONE', 'PORT']);
    assert.deepEqual(compareNames('code', ['PORT', 'NEW_ONE'], 'README', readmeTableVariables(readme)), [
      'NEW_ONE is read by code but missing from README',
      'OLD_ONE is in README but not read by code',
      'PORT appears twice in README',
    ]);
    assert.deepEqual(envFileKeys('# comment\nPORT=1\n# JWT_SECRET=\n  HOST=x\nnot a key\n'), ['PORT', 'JWT_SECRET', 'HOST']);
    assert.deepEqual(unknownNames('ConfigMap x', ['PORT', 'PROT'], ['PORT']), ['ConfigMap x sets PROT, which the service does not read']);
  });
});
