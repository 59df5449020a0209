/**
 * docker/docker-compose.yml checks: host networking for the service, files it references exist,
 * images pinned, and a database reachable from the host's network namespace.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { isPinnedImage } from './dockerfile.js';

type Json = Record<string, unknown>;

export interface ComposeOptions {
  /** Directory holding the compose file (paths in it are relative to this). */
  dir: string;
  appImage: string;
  appTag: string;
  minGraceSeconds: number;
  /** Lines of the repository's .gitignore: a missing env_file must be a git-ignored local copy of an example. */
  gitignore: string[];
}

export function parseCompose(text: string): Json {
  const doc = parse(text) as unknown;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('compose file is not a mapping');
  return doc as Json;
}

/** Seconds of a Compose duration such as "45s", "1m30s" or "1m". */
export function durationSeconds(value: unknown): number {
  const text = String(value ?? '');
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms|us)/g)) {
    matched = true;
    total += Number(m[1]) * { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 }[m[2] as 'h' | 'm' | 's' | 'ms' | 'us'];
  }
  return matched ? total : NaN;
}

function envFiles(service: Json): Array<{ path: string; required: boolean }> {
  const raw = service.env_file;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((entry) => (typeof entry === 'string' ? { path: entry, required: true } : { path: String((entry as Json).path), required: (entry as Json).required !== false }));
}

function ignoredByGit(path: string, gitignore: string[]): boolean {
  const name = basename(path);
  return gitignore.map((l) => l.trim()).some((l) => l === name || l === `/${name}` || l === `**/${name}`);
}

export function composeProblems(compose: Json, options: ComposeOptions): string[] {
  const problems: string[] = [];
  const services = (compose.services ?? {}) as Record<string, Json>;
  const declaredVolumes = new Set(Object.keys((compose.volumes ?? {}) as Json));
  const apps = Object.entries(services).filter(([, s]) => s.build !== undefined || String(s.image ?? '').split(':')[0] === options.appImage);
  if (apps.length !== 1) problems.push(`expected one service for ${options.appImage}, found ${apps.length}`);

  for (const [name, service] of Object.entries(services)) {
    const image = String(service.image ?? '');
    if (!isPinnedImage(image)) problems.push(`service ${name}: image "${image}" must carry an explicit tag other than latest`);
    for (const { path, required } of envFiles(service)) {
      const full = resolve(options.dir, path);
      if (existsSync(full)) continue;
      if (!required) continue;
      if (!existsSync(`${full}.example`)) problems.push(`service ${name}: env_file ${path} does not exist, nor ${path}.example`);
      else if (!ignoredByGit(full, options.gitignore)) problems.push(`service ${name}: env_file ${path} is a local copy of ${path}.example and must be git-ignored`);
    }
    for (const volume of (service.volumes as unknown[] | undefined) ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0]! : String((volume as Json).source ?? '');
      if (source.startsWith('.') || source.startsWith('/')) {
        if (!existsSync(resolve(options.dir, source))) problems.push(`service ${name}: bind mount ${source} does not exist`);
      } else if (source && !declaredVolumes.has(source)) problems.push(`service ${name}: volume ${source} is not declared under volumes:`);
    }
  }

  for (const [name, app] of apps) {
    if (app.network_mode !== 'host') problems.push(`service ${name}: network_mode must be host (MediaLive sends RTP to the host's address)`);
    if (app.ports !== undefined) problems.push(`service ${name}: ports are ignored with host networking: remove them`);
    const image = String(app.image ?? '');
    if (image !== `${options.appImage}:${options.appTag}`) problems.push(`service ${name}: image ${image} should be ${options.appImage}:${options.appTag} (the package.json version)`);
    const build = app.build as Json | string | undefined;
    if (build !== undefined) {
      const context = resolve(options.dir, typeof build === 'string' ? build : String(build.context ?? '.'));
      const dockerfile = typeof build === 'string' ? 'Dockerfile' : String(build.dockerfile ?? 'Dockerfile');
      if (!existsSync(context) || !statSync(context).isDirectory()) problems.push(`service ${name}: build context ${context} is not a directory`);
      else if (!existsSync(join(context, dockerfile))) problems.push(`service ${name}: Dockerfile ${dockerfile} not found in the build context`);
    }
    const grace = durationSeconds(app.stop_grace_period);
    if (!(grace >= options.minGraceSeconds)) problems.push(`service ${name}: stop_grace_period must be >= ${options.minGraceSeconds}s (the service needs up to 30 s to stop)`);
    const environment = (app.environment ?? {}) as Json;
    const databaseUrl = String(environment.DATABASE_URL ?? '');
    if (databaseUrl) {
      const host = /@([^:/]+)/.exec(databaseUrl)?.[1];
      if (host !== '127.0.0.1' && host !== 'localhost') problems.push(`service ${name}: DATABASE_URL host ${String(host)} cannot be resolved from the host network: use 127.0.0.1 and publish the database there`);
      const rawDependsOn = app.depends_on ?? {};
      const dependsOn = (Array.isArray(rawDependsOn) ? Object.fromEntries(rawDependsOn.map((d) => [String(d), {}])) : rawDependsOn) as Json;
      const dbService = Object.keys(dependsOn).find((d) => services[d]);
      if (!dbService) problems.push(`service ${name}: depends_on the database service missing`);
      else {
        if (((dependsOn[dbService] ?? {}) as Json).condition !== 'service_healthy') problems.push(`service ${name}: wait for ${dbService} with condition service_healthy`);
        const db = services[dbService]!;
        if (!db.healthcheck) problems.push(`service ${dbService}: healthcheck missing`);
        if (!((db.volumes as unknown[] | undefined) ?? []).length) problems.push(`service ${dbService}: its data needs a volume`);
        const ports = ((db.ports as unknown[] | undefined) ?? []).map(String);
        if (!ports.some((p) => p.startsWith('127.0.0.1:'))) problems.push(`service ${dbService}: publish the port on 127.0.0.1 (the service reaches it from the host network)`);
        if (ports.some((p) => !p.startsWith('127.0.0.1:'))) problems.push(`service ${dbService}: a port published beyond 127.0.0.1 exposes the database to the network`);
      }
    }
  }
  return problems;
}

/** Names used as ${NAME…} in the compose file (interpolated from docker/.env). */
export function interpolatedNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!))].sort();
}
