import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config.js';
import { openDatabase } from './database-connection.js';
import { createDataSource } from './data-source.js';

/**
 * Migration CLI working with the embedded server too:
 *   node dist/apps/api/database/migrate.js run|revert|show|generate <Name>
 * `generate` diffs the entities against the database (after running existing migrations)
 * and writes a new migration into apps/api/src/database/migrations/.
 */
async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  const db = await openDatabase(config, () => undefined);
  const dataSource = createDataSource(db.url);
  await dataSource.initialize();
  try {
    if (command === 'run') {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'no pending migrations');
    } else if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    } else if (command === 'show') {
      console.log((await dataSource.showMigrations()) ? 'pending migrations exist' : 'database is up to date');
    } else if (command === 'generate') {
      if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('generate needs a PascalCase name, e.g. --name=AddEvents');
      await dataSource.runMigrations({ transaction: 'each' });
      const sql = await dataSource.driver.createSchemaBuilder().log();
      if (sql.upQueries.length === 0) {
        console.log('entities match the database: nothing to generate');
        return;
      }
      const timestamp = Date.now();
      const className = `${name}${timestamp}`;
      const quote = (q: string) => '`' + q.replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
      const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${sql.upQueries.map((q) => `    await queryRunner.query(${quote(q.query)});`).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${sql.downQueries.reverse().map((q) => `    await queryRunner.query(${quote(q.query)});`).join('\n')}
  }
}
`;
      const dir = join(process.cwd(), 'apps/api/src/database/migrations');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${timestamp}-${name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.ts`);
      writeFileSync(file, body);
      console.log(`wrote ${file}; add ${className} to migrations/index.ts`);
    } else {
      throw new Error('usage: migrate.js run|revert|show|generate <Name>');
    }
  } finally {
    await dataSource.destroy();
    await db.embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
