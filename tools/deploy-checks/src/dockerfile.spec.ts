import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dockerfileProblems, dockerignoreProblems, isPinnedImage, parseDockerfile } from './dockerfile.js';
import { findNxRunMany, sameBuildProblems, startScriptBuild } from './nx-build-command.js';
import { readRepoFile } from './repo.js';

const startBuild = startScriptBuild(readRepoFile('scripts/start.sh'));

describe('docker/Dockerfile', () => {
  const dockerfile = parseDockerfile(readRepoFile('docker/Dockerfile'));

  it('follows our rules: multi-stage, pinned bases, non-root USER, HEALTHCHECK, lean apt, same build as scripts/start.sh', () => {
    assert.deepEqual(dockerfileProblems(dockerfile, startBuild), []);
  });

  it('runs on Node 24 on Debian slim in every stage', () => {
    for (const stage of dockerfile.stages) assert.match(stage.image, /^node:24\.\d+\.\d+-(bookworm|trixie)-slim$/);
  });

  it('ships FFmpeg, srt-live-transmit and setpriv in the runtime stage', () => {
    const runtime = dockerfile.stages.at(-1)!.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' ');
    for (const pkg of ['ffmpeg', 'srt-tools', 'util-linux']) assert.match(runtime, new RegExp(`apt-get install[^&]*\\b${pkg}\\b`));
  });

  it('keeps DATA_DIR in a volume at /var/lib/medialive-distributor', () => {
    const final = dockerfile.stages.at(-1)!.instructions;
    assert.ok(final.some((i) => i.keyword === 'VOLUME' && i.args.includes('/var/lib/medialive-distributor')));
    assert.ok(final.some((i) => i.keyword === 'ENV' && /DATA_DIR=\/var\/lib\/medialive-distributor\b/.test(i.args)));
  });

  it('.dockerignore keeps installed dependencies, build output, local data and git out of the context', () => {
    assert.deepEqual(dockerignoreProblems(readRepoFile('.dockerignore'), ['node_modules', 'dist', 'data', '.git']), []);
  });
});

describe('the Dockerfile rules catch what they are for', () => {
  const bad = `
ARG BASE=node
FROM \${BASE} AS build
RUN npm install && bash scripts/nx.sh run-many -t build -p api
FROM debian:latest
# a comment inside
RUN apt-get install -y ffmpeg
ADD https://example.com/tool.tar.gz /opt/
COPY --from=build /src/node_modules ./node_modules
COPY . .
`;
  const problems = dockerfileProblems(parseDockerfile(bad), startBuild).join('\n');

  it('reports unpinned bases, root, no HEALTHCHECK, fat apt, remote ADD, another build, dev dependencies', () => {
    for (const expected of [
      /FROM node: pin a tag/,
      /FROM debian:latest: pin/,
      /no USER/,
      /no HEALTHCHECK/,
      /without --no-install-recommends/,
      /without apt-get update/,
      /without rm -rf \/var\/lib\/apt\/lists/,
      /ADD of a remote source/,
      /no build stage runs `npm ci`/,
      /the Dockerfile builds api/,
      /no `npm ci --omit=dev`/,
      /node_modules of a build stage/,
      /copies from the build context/,
    ]) {
      assert.match(problems, expected);
    }
  });

  it('knows a pinned image', () => {
    assert.ok(isPinnedImage('node:24.21.0-bookworm-slim'));
    assert.ok(isPinnedImage('registry.example.com:5000/team/app:1.2.3'));
    assert.ok(isPinnedImage(`postgres@sha256:${'a'.repeat(64)}`));
    assert.ok(!isPinnedImage('registry.example.com:5000/team/app'));
    assert.ok(!isPinnedImage('postgres:latest'));
    assert.ok(!isPinnedImage('node'));
  });

  it('compares nx build commands by target, project set and flags, ignoring --output-style', () => {
    const [a] = findNxRunMany('bash scripts/nx.sh run-many -t build -p a b --output-style=static');
    assert.deepEqual(sameBuildProblems('x', 'RUN bash scripts/nx.sh run-many -t build -p b a', a!), []);
    assert.equal(sameBuildProblems('x', 'RUN bash scripts/nx.sh \\\n  run-many -t build -p a', a!).length, 1);
    assert.equal(sameBuildProblems('x', 'RUN npm run build', a!).length, 1);
  });

  it('.dockerignore: finds a missing exclusion', () => {
    assert.deepEqual(dockerignoreProblems('**/node_modules\n/dist/\n# data\n', ['node_modules', 'dist', 'data']), ['.dockerignore does not exclude data']);
  });
});
