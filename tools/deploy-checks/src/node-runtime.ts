// Where the project says which Node.js it runs on, and how to read each place. One pinned
// version (tools/node-runtime/package.json) is the source; every other place must agree with it.
import { readRepoFile } from './repo.js';

export interface NodeVersionClaims {
  /** tools/node-runtime/package.json: the official binary scripts/node-runtime.sh installs. */
  pinned: string;
  /** package.json engines.node, e.g. ">=24.15.0 <25". */
  engines: string;
  /** docker/Dockerfile ARG NODE_IMAGE's version, e.g. "24.22.3". */
  dockerImage: string | null;
}

export function readNodeVersionClaims(): NodeVersionClaims {
  const runtime = JSON.parse(readRepoFile('tools/node-runtime/package.json')) as { optionalDependencies: Record<string, string> };
  const binaries = Object.entries(runtime.optionalDependencies).filter(([name]) => name.startsWith('node-linux-'));
  const versions = new Set(binaries.map(([, version]) => version));
  if (binaries.length === 0 || versions.size !== 1) throw new Error(`tools/node-runtime pins ${JSON.stringify(runtime.optionalDependencies)}: one version for every platform`);
  const engines = (JSON.parse(readRepoFile('package.json')) as { engines: { node: string } }).engines.node;
  const image = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(readRepoFile('docker/Dockerfile'));
  return { pinned: [...versions][0]!, engines, dockerImage: image ? image[1]! : null };
}

export function major(version: string): number {
  return Number(version.split('.')[0]);
}

/** Does the version satisfy an engines range of the one form we use: ">=A.B.C <D"? */
export function satisfiesEngines(version: string, engines: string): boolean {
  const m = /^>=(\d+)\.(\d+)(?:\.(\d+))?\s+<(\d+)$/.exec(engines);
  if (!m) throw new Error(`engines.node must read ">=A.B.C <D", not ${engines}`);
  const [a, b, c] = version.split('.').map(Number) as [number, number, number];
  const [lo1, lo2, lo3, hi] = [m[1], m[2], m[3] ?? '0', m[4]].map(Number) as [number, number, number, number];
  const atLeast = a !== lo1 ? a > lo1 : b !== lo2 ? b > lo2 : c >= lo3;
  return atLeast && a < hi;
}

/** Every disagreement between the places that name the Node.js version, as sentences. */
export function nodeVersionProblems(claims: NodeVersionClaims, running: string): string[] {
  const problems: string[] = [];
  const want = major(claims.pinned);
  if (!satisfiesEngines(claims.pinned, claims.engines)) problems.push(`tools/node-runtime pins ${claims.pinned}, outside package.json engines ${claims.engines}`);
  if (claims.dockerImage === null) problems.push('docker/Dockerfile has no ARG NODE_IMAGE=node:X.Y.Z-…');
  else if (claims.dockerImage !== claims.pinned) problems.push(`docker/Dockerfile builds on Node ${claims.dockerImage}, tools/node-runtime pins ${claims.pinned}`);
  if (major(running) !== want) problems.push(`the tests run on Node ${running}, the project on Node ${want}`);
  if (!satisfiesEngines(running, claims.engines)) problems.push(`the tests run on Node ${running}, outside engines ${claims.engines}`);
  return problems;
}
