/**
 * Our own static Dockerfile rules (hadolint is not packaged in Debian). The parser understands
 * what our Dockerfile uses: comments, line continuations, global ARG defaults, stages.
 */
import { sameBuildProblems, type NxBuildCommand } from './nx-build-command.js';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  globalArgs: Map<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let current: Instruction | undefined;
  text.split('\n').forEach((raw, index) => {
    let line = raw.replace(/\r$/, '');
    // Comment lines, even inside a continued instruction, are dropped (as Docker does).
    if (/^\s*#/.test(line)) return;
    if (!current) {
      if (line.trim() === '') return;
      const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(line);
      if (!m) throw new Error(`line ${index + 1}: cannot parse "${line}"`);
      current = { keyword: m[1]!.toUpperCase(), args: '', line: index + 1 };
      line = m[2]!;
    }
    const continued = /\\\s*$/.test(line);
    current.args += `${current.args ? ' ' : ''}${line.replace(/\\\s*$/, '').trim()}`;
    if (!continued) {
      instructions.push(current);
      current = undefined;
    }
  });
  if (current) instructions.push(current);

  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const parts = instruction.args.split(/\s+/).filter((p) => !p.startsWith('--platform'));
      const image = parts[0]!.replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs.get(name) ?? `\${${name}}`);
      stages.push({ image, name: /^as$/i.test(parts[1] ?? '') ? parts[2] : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name, value] = instruction.args.split('=', 2);
        globalArgs.set(name!.trim(), (value ?? '').trim());
      }
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** A reference pinned to a tag other than latest, or to a digest. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return false;
  const tag = image.slice(colon + 1);
  return tag !== '' && tag !== 'latest' && !tag.includes('$');
}

function runs(stage: Stage): string[] {
  return stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

export function dockerfileProblems(file: Dockerfile, startBuild: NxBuildCommand): string[] {
  const problems: string[] = [];
  const { stages } = file;
  if (stages.length < 2) problems.push(`multi-stage build expected (found ${stages.length} FROM)`);
  const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));
  for (const stage of stages) {
    if (stageNames.has(stage.image)) continue;
    if (!isPinnedImage(stage.image)) problems.push(`FROM ${stage.image}: pin a tag (not latest) or a digest`);
  }
  const final = stages.at(-1);
  if (!final) return problems;

  const users = final.instructions.filter((i) => i.keyword === 'USER');
  const user = users.at(-1)?.args.split(':')[0]?.trim();
  if (!user) problems.push('the final stage has no USER: it would run as root');
  else if (user === 'root' || user === '0') problems.push(`the final stage runs as ${user}`);
  else if (!/^\d+$/.test(user)) problems.push(`USER ${user}: use a numeric id so Kubernetes can verify runAsNonRoot`);

  const healthcheck = final.instructions.find((i) => i.keyword === 'HEALTHCHECK');
  if (!healthcheck || /^NONE\b/i.test(healthcheck.args)) problems.push('the final stage has no HEALTHCHECK');
  else if (!healthcheck.args.includes('/api/health')) problems.push('the HEALTHCHECK does not query /api/health');

  for (const stage of stages) {
    for (const run of runs(stage)) {
      if (!/apt-get\s+(-\S+\s+)*install\b/.test(run)) continue;
      if (!run.includes('--no-install-recommends')) problems.push(`apt-get install without --no-install-recommends: ${run.slice(0, 80)}…`);
      if (!/apt-get\s+(-\S+\s+)*update\b/.test(run)) problems.push('apt-get install without apt-get update in the same RUN (stale package lists)');
      if (!/rm\s+-rf\s+\/var\/lib\/apt\/lists/.test(run)) problems.push('apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN');
    }
    for (const add of stage.instructions.filter((i) => i.keyword === 'ADD')) {
      if (/(^|\s)(https?:\/\/|git@|[\w.-]+\.git\b)/.test(add.args)) problems.push(`ADD of a remote source (${add.args}): download in a RUN with a checksum instead`);
    }
  }

  const buildStages = stages.slice(0, -1);
  const buildRuns = buildStages.flatMap(runs).join('\n');
  if (!/\bnpm\s+ci\b(?![^\n&;]*--omit=dev)/.test(buildRuns)) problems.push('no build stage runs `npm ci` (the full install CI uses)');
  problems.push(...sameBuildProblems('the Dockerfile', buildRuns, startBuild));
  if (!/\bnpm\s+ci\b[^\n&;]*--omit=dev/.test(stages.flatMap(runs).join('\n'))) problems.push('no `npm ci --omit=dev`: the runtime would carry dev dependencies');
  if (runs(final).some((r) => /\bnpm\s+(ci|install)\b/.test(r) && !r.includes('--omit=dev'))) problems.push('the final stage installs npm packages with dev dependencies');
  for (const copy of final.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
    const sources = copy.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1);
    if (!copy.args.includes('--from=')) problems.push(`the final stage copies from the build context (${copy.args}): copy built artefacts from a stage`);
    if (sources.some((s) => /node_modules\/?$/.test(s))) problems.push(`COPY ${copy.args}: node_modules of a build stage may hold dev dependencies`);
  }
  return problems;
}

/** The patterns of a .dockerignore, normalised (no leading "/" or "**\/", no trailing "/"). */
export function dockerignorePatterns(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!'))
    .map((l) => l.replace(/^\/+/, '').replace(/^(\*\*\/)+/, '').replace(/\/+$/, ''));
}

export function dockerignoreProblems(text: string, required: string[]): string[] {
  const patterns = new Set(dockerignorePatterns(text));
  return required.filter((r) => !patterns.has(r)).map((r) => `.dockerignore does not exclude ${r}`);
}
