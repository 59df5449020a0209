import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A counter in every access token: bumping it ends every session of the user at once, whatever their iat. */
export class SessionVersion1796164960843 implements MigrationInterface {
  name = 'SessionVersion1796164960843';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "session_version" integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "session_version"`);
  }
}
