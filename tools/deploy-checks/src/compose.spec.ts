import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeProblems, durationSeconds, interpolatedNames, parseCompose, type ComposeOptions } from './compose.js';
import { configVariables, envFileKeys, unknownNames } from './env-vars.js';
import { packageVersion, readRepoFile, repoPath } from './repo.js';

const options: ComposeOptions = {
  dir: repoPath('docker'),
  appImage: 'medialive-distributor',
  appTag: packageVersion(),
  minGraceSeconds: 40,
  gitignore: readRepoFile('.gitignore').split('\n'),
};

describe('docker/docker-compose.yml', () => {
  const text = readRepoFile('docker/docker-compose.yml');
  const compose = parseCompose(text);

  it('follows our rules: host network for the service, pinned images, existing files, a healthy database on 127.0.0.1', () => {
    assert.deepEqual(composeProblems(compose, options), []);
  });

  it('docker/.env.example sets only variables the service reads, plus those the compose file interpolates', () => {
    const known = configVariables(readRepoFile('apps/api/src/config/app-config.ts'));
    const keys = envFileKeys(readRepoFile('docker/.env.example'));
    assert.ok(keys.includes('POSTGRES_PASSWORD'));
    assert.deepEqual(unknownNames('docker/.env.example', keys, known, interpolatedNames(text)), []);
    const environment = Object.keys(((compose.services as Record<string, Record<string, unknown>>)['medialive-distributor']!.environment ?? {}) as object);
    assert.deepEqual(unknownNames('docker-compose.yml environment', environment, known), []);
  });
});

describe('the Compose checks catch what they are for', () => {
  it('reports bridge networking, ports, unpinned images, missing files, unreachable database, short grace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mld-compose-'));
    try {
      writeFileSync(join(dir, 'local.env.example'), 'X=1\n');
      const compose = parseCompose(`
services:
  db:
    image: postgres
    ports: ["5432:5432"]
  app:
    build: { context: ./missing }
    image: medialive-distributor:latest
    ports: ["8000:8000"]
    env_file: [nothing.env, local.env]
    volumes: [undeclared:/data]
    environment:
      DATABASE_URL: postgresql://u:p@db:5432/x
    depends_on: [db]
    stop_grace_period: 10s
`);
      const problems = composeProblems(compose, { ...options, dir, gitignore: [] }).join('\n');
      for (const expected of [
        /service db: image "postgres" must carry an explicit tag/,
        /service app: image "medialive-distributor:latest" must carry/,
        /network_mode must be host/,
        /ports are ignored with host networking/,
        /should be medialive-distributor:/,
        /build context .* is not a directory/,
        /env_file nothing.env does not exist/,
        /env_file local.env is a local copy of local.env.example and must be git-ignored/,
        /volume undeclared is not declared/,
        /stop_grace_period must be >= 40s/,
        /DATABASE_URL host db cannot be resolved/,
        /wait for db with condition service_healthy/,
        /service db: healthcheck missing/,
        /service db: its data needs a volume/,
        /service db: publish the port on 127.0.0.1/,
        /service db: a port published beyond 127.0.0.1/,
      ]) {
        assert.match(problems, expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads Compose durations and interpolated names', () => {
    assert.equal(durationSeconds('45s'), 45);
    assert.equal(durationSeconds('1m30s'), 90);
    assert.ok(Number.isNaN(durationSeconds(undefined)));
    assert.deepEqual(interpolatedNames('a: ${B:?x}\nc: ${A:-1} ${B}'), ['A', 'B']);
  });
});
