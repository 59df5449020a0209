import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres-server.js';

export interface DatabaseConnection {
  url: string;
  embedded: RunningPostgres | undefined;
}

/** DATABASE_URL when set; otherwise a PostgreSQL server of our own under DATA_DIR/postgres. */
export async function openDatabase(config: AppConfig, log: (line: string) => void): Promise<DatabaseConnection> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: undefined };
  const embedded = await startEmbeddedPostgres({
    dir: join(config.dataDir, 'postgres'),
    port: config.embeddedPostgresPort,
    database: 'medialive',
    log,
  });
  return { url: embedded.url, embedded };
}
