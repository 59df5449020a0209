import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { major, nodeVersionProblems, readNodeVersionClaims, satisfiesEngines } from './node-runtime.js';
import { onPath, readRepoFile, runProgram } from './repo.js';

describe('one Node.js everywhere (what is tested is what ships)', () => {
  const claims = readNodeVersionClaims();

  it('the tests, engines, the pinned binary and the Docker image agree', () => {
    assert.deepEqual(nodeVersionProblems(claims, process.versions.node), []);
  });

  it('every script that runs Node first sources scripts/node-runtime.sh, and so does CI before npm ci', () => {
    for (const script of ['scripts/start.sh', 'scripts/test.sh', 'scripts/bench.sh', 'scripts/nx.sh', 'scripts/ensure-deps.sh', '.ci/run']) {
      assert.match(readRepoFile(script), /^source scripts\/node-runtime\.sh$/m, `${script} does not source scripts/node-runtime.sh`);
    }
    const ci = readRepoFile('.ci/run');
    assert.ok(ci.indexOf('source scripts/node-runtime.sh') < ci.search(/^npm ci/m), '.ci/run runs npm ci before it has the project Node.js');
    assert.match(readRepoFile('systemd/install.sh'), /^source "\$repo\/scripts\/node-runtime\.sh"$/m);
  });

  it('the scripts and CI entry point pass shellcheck', async () => {
    assert.ok(onPath('shellcheck'), 'shellcheck is not installed (apt-get install shellcheck)');
    const scripts = ['scripts/node-runtime.sh', 'scripts/start.sh', 'scripts/test.sh', 'scripts/bench.sh', 'scripts/nx.sh', 'scripts/ensure-deps.sh', '.ci/run'];
    const result = await runProgram('shellcheck', ['--external-sources', '--shell=bash', ...scripts], { timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('the docs and the ADR name the same major and the pinned version', () => {
    const want = major(claims.pinned);
    const adr = readRepoFile('docs/adr/0001-versions-and-toolchain.md');
    assert.ok(adr.includes(claims.pinned), `ADR 0001 does not name Node ${claims.pinned}`);
    for (const doc of ['README.md', 'docs/deploy-systemd.md', 'docs/deploy-docker.md', 'docs/adr/0001-versions-and-toolchain.md']) {
      const text = readRepoFile(doc);
      assert.match(text, new RegExp(`Node(?:\\.js)? ${want}\\b`), `${doc} does not say Node ${want}`);
      const stale = /Node(?:\.js)?\s*(?:≥|>=)?\s*(1[0-9]|2[0-3])\.\d+/.exec(text);
      assert.equal(stale, null, `${doc} still names ${stale?.[0]} as the runtime`);
    }
  });
});

describe('the Node.js version rules catch drift', () => {
  const claims = { pinned: '24.22.3', engines: '>=24.15.0 <25', dockerImage: '24.22.3' };

  it('accepts agreement', () => {
    assert.deepEqual(nodeVersionProblems(claims, '24.22.3'), []);
  });

  it('reports a Docker image, a test runtime or engines that differ', () => {
    assert.match(nodeVersionProblems({ ...claims, dockerImage: '24.21.0' }, '24.22.3').join('\n'), /Dockerfile builds on Node 24\.21\.0/);
    assert.match(nodeVersionProblems(claims, '20.20.2').join('\n'), /tests run on Node 20\.20\.2/);
    assert.match(nodeVersionProblems({ ...claims, pinned: '22.22.3', dockerImage: '22.22.3' }, '22.22.3').join('\n'), /outside package\.json engines/);
  });

  it('reads engines ranges of our one form and nothing else', () => {
    assert.equal(satisfiesEngines('24.15.0', '>=24.15.0 <25'), true);
    assert.equal(satisfiesEngines('24.14.9', '>=24.15.0 <25'), false);
    assert.equal(satisfiesEngines('25.0.0', '>=24.15.0 <25'), false);
    assert.throws(() => satisfiesEngines('24.1.0', '^24'), /must read/);
  });
});
