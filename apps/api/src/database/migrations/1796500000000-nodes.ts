import type { MigrationInterface, QueryRunner } from 'typeorm';

// Nodes of a cluster sharing this database (issue #16, docs/multi-node.md slice 1): each service
// process keeps its row's heartbeat_at fresh (by the database's clock) and its load.
export class Nodes1796500000000 implements MigrationInterface {
  name = 'Nodes1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "nodes" ("id" character varying(63) NOT NULL, "name" character varying(100) NOT NULL, "addresses" jsonb NOT NULL DEFAULT '[]', "version" character varying(40) NOT NULL, "node_version" character varying(40) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL, "stopped_at" TIMESTAMP WITH TIME ZONE, "load" jsonb NOT NULL, CONSTRAINT "PK_nodes" PRIMARY KEY ("id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "nodes"`);
  }
}
