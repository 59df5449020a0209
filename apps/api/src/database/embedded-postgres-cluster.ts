import { runTool } from '@mld/supervisor';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Decides what may be done with the embedded PostgreSQL cluster directory. The one rule: a
 * directory that holds anything is somebody's data. The service never deletes or re-initialises
 * it; when it cannot be opened, start is refused with the reason and the way back.
 */
export class ClusterRefusedError extends Error {
  override name = 'ClusterRefusedError';
}

export type ClusterState =
  /** Nothing there yet (no directory, or an empty one): a first start may run initdb. */
  | { kind: 'absent' }
  | { kind: 'openable'; password: string };

export const PASSWORD_FILE = 'embedded-postgres.password';
/** initdb writes here and the result is renamed into place: a half-made cluster never sits at `dir`. */
export const staging = (dir: string): string => `${dir}.initdb-partial`;
export const passwordFileFor = (dir: string): string => join(dirname(dir), PASSWORD_FILE);

/** The recovery text shared by every "the password cannot be used" refusal. */
function passwordRecovery(dir: string, passwordPath: string): string {
  return [
    `The cluster in ${dir} was kept as it is; nothing was removed.`,
    `To recover, either restore ${passwordPath} from your backup (one line, mode 0600), or give the kept cluster a new password:`,
    `  stop the service, then run with the same DATA_DIR: node dist/apps/api/database/reset-embedded-password.js`,
    `  (in a container: the same command in the image, with the DATA_DIR volume mounted and the service stopped), then start the service again.`,
  ].join('\n');
}

export function passwordRefusal(dir: string, problem: string): ClusterRefusedError {
  const passwordPath = passwordFileFor(dir);
  return new ClusterRefusedError(`cannot open the embedded PostgreSQL cluster: ${problem}.\n${passwordRecovery(dir, passwordPath)}`);
}

/** The major version of the PostgreSQL binaries, e.g. "18". */
export function serverMajorVersion(postgres: string): string {
  const result = runTool({ command: postgres, args: ['--version'], timeoutMs: 30_000 });
  const m = /PostgreSQL\)?\s+(\d+)/.exec(result.stdout);
  if (!m) throw new Error(`cannot read the version of ${postgres}: ${(result.stderr || result.error || '').trim()}`);
  return m[1]!;
}

export function readPasswordFile(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  return readFileSync(path, 'utf8').trim();
}

/** A password we wrote: base64url, no spaces or quotes (it goes into a URL and into SQL). */
const isWellFormedPassword = (value: string): boolean => /^[A-Za-z0-9_-]{16,200}$/.test(value);

export function inspectCluster(dir: string, serverMajor: string): ClusterState {
  if (!existsSync(dir) || (statSync(dir).isDirectory() && readdirSync(dir).length === 0)) return { kind: 'absent' };
  if (!statSync(dir).isDirectory()) throw new ClusterRefusedError(`${dir} exists but is not a directory; nothing was changed. Move it aside or set another DATA_DIR.`);
  const versionFile = join(dir, 'PG_VERSION');
  if (!existsSync(versionFile)) {
    throw new ClusterRefusedError(
      [
        `cannot open the embedded PostgreSQL cluster: ${dir} holds files but no PG_VERSION (a damaged cluster, or a restore that missed files).`,
        `The directory was kept as it is; nothing was removed.`,
        `To recover: restore ${dir} (or just its PG_VERSION file: one line, "${serverMajor}" for clusters made by this service) from your backup.`,
        `Only if this is a first start that was interrupted and never held data: move it aside (mv ${dir} ${dir}.broken) and start again.`,
      ].join('\n'),
    );
  }
  const version = readFileSync(versionFile, 'utf8').trim();
  if (!/^\d+$/.test(version)) {
    throw new ClusterRefusedError(
      [
        `cannot open the embedded PostgreSQL cluster: ${versionFile} is corrupt (expected a major version such as "${serverMajor}", found ${JSON.stringify(version.slice(0, 40))}).`,
        `The cluster was kept as it is; nothing was removed.`,
        `To recover: restore that file from your backup; a cluster made by this service holds the single line "${serverMajor}" (echo ${serverMajor} > ${versionFile}).`,
      ].join('\n'),
    );
  }
  if (version !== serverMajor) {
    throw new ClusterRefusedError(
      [
        `cannot open the embedded PostgreSQL cluster: ${dir} was created by PostgreSQL ${version}, this service runs PostgreSQL ${serverMajor}.`,
        `The cluster was kept as it is; nothing was removed.`,
        `To recover: run the release of the service that created it and take a dump (pg_dump), or upgrade the cluster with pg_upgrade, then start this release.`,
      ].join('\n'),
    );
  }
  const passwordPath = passwordFileFor(dir);
  const password = readPasswordFile(passwordPath);
  if (password === undefined) throw passwordRefusal(dir, `its password file ${passwordPath} is missing`);
  if (!isWellFormedPassword(password)) throw passwordRefusal(dir, `its password file ${passwordPath} is corrupt (not a password this service wrote)`);
  return { kind: 'openable', password };
}

/** The password for a new cluster: the one in an existing password file (never overwritten), else a fresh one. */
export function passwordForNewCluster(dir: string, log: (line: string) => void): { password: string; reused: boolean } {
  const existing = readPasswordFile(passwordFileFor(dir));
  if (existing !== undefined && isWellFormedPassword(existing)) {
    log(`no cluster in ${dir} but ${PASSWORD_FILE} exists: the new cluster uses that password (if you expected data here, stop and check the DATA_DIR mount)`);
    return { password: existing, reused: true };
  }
  return { password: randomBytes(24).toString('base64url'), reused: false };
}

/** Written next to the file and renamed: a crash never leaves a half-written password. */
export async function writePasswordFile(dir: string, password: string): Promise<void> {
  const path = passwordFileFor(dir);
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${password}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
