import type { MigrationInterface, QueryRunner } from 'typeorm';

// A draining node hands its channels to the others one by one and takes no new ones (issue #16, drain).
export class NodeDraining1796500000002 implements MigrationInterface {
  name = 'NodeDraining1796500000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "nodes" ADD "draining" boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "nodes" DROP COLUMN "draining"`);
  }
}
