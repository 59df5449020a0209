import { runTool } from '@mld/supervisor';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config/app-config.js';
import { passwordFileFor, serverMajorVersion, writePasswordFile } from './embedded-postgres-cluster.js';
import { binaries, serverIdentity } from './embedded-postgres-server.js';

/**
 * Gives a kept embedded cluster a new password and writes it to DATA_DIR/embedded-postgres.password,
 * for when that file was lost. Runs PostgreSQL in single-user mode, which needs no password and
 * refuses to run while a server uses the directory (so a running service is never touched).
 */
export async function resetEmbeddedPassword(dir: string): Promise<string> {
  const { postgres } = await binaries();
  const version = join(dir, 'PG_VERSION');
  if (!existsSync(version)) throw new Error(`${dir} holds no PostgreSQL cluster (no PG_VERSION): nothing to reset`);
  serverMajorVersion(postgres); // fails early with a clear message if the binaries are broken
  const password = randomBytes(24).toString('base64url');
  const result = runTool({
    command: postgres,
    args: ['--single', '-D', dir, 'postgres'],
    input: `ALTER USER postgres WITH PASSWORD '${password}';\n`,
    timeoutMs: 120_000,
    ...(serverIdentity() ?? {}),
  });
  if (result.status !== 0 || /\b(ERROR|FATAL):/.test(`${result.stdout}${result.stderr}`)) {
    throw new Error(`PostgreSQL single-user mode failed (is the service still running?): ${`${result.stderr}${result.error ?? ''}`.trim()}`);
  }
  await writePasswordFile(dir, password);
  return passwordFileFor(dir);
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.databaseUrl) throw new Error('DATABASE_URL is set: the service uses an external PostgreSQL, there is no embedded cluster to reset');
  const file = await resetEmbeddedPassword(join(config.dataDir, 'postgres'));
  console.log(`new password for the embedded cluster in ${config.dataDir}/postgres written to ${file} (mode 0600); start the service again`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
