import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * The one description of our database, used by the application and by the migration CLI
 * (database/migrate.ts). Schema changes only through migrations: synchronize stays off.
 */
export function dataSourceOptions(url: string, overrides: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install, which a
    // non-superuser DATABASE_URL could not do anyway.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: ['error', 'warn'],
    extra: { max: 10, connectionTimeoutMillis: 10_000 },
    ...overrides,
  } as DataSourceOptions;
}

export function createDataSource(url: string, overrides: Partial<DataSourceOptions> = {}): DataSource {
  return new DataSource(dataSourceOptions(url, overrides));
}
