import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Limits1796165719467 implements MigrationInterface {
  name = 'Limits1796165719467';

  // No row is inserted: until an admin sets them, the defaults of limits.rules.ts apply.
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "limits" ("id" smallint NOT NULL, "max_channels" integer NOT NULL, "max_outputs_per_channel" integer NOT NULL, "max_child_processes" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_by" character varying(100), CONSTRAINT "PK_5735b3428b0889ce4fa5ae7db89" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "limits"`);
  }
}
