import type { MigrationInterface, QueryRunner } from 'typeorm';

// Main/backup inputs (issue #12): the backup as a whole input spec, how the pair is used, and an
// operator's pinned input. A backup file input names its media row (RESTRICT, like the main's).
export class BackupInputs1796280000000 implements MigrationInterface {
  name = 'BackupInputs1796280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" ADD "backup_input" jsonb`);
    await queryRunner.query(`ALTER TABLE "channels" ADD "backup_media_id" uuid`);
    await queryRunner.query(`ALTER TABLE "channels" ADD "failover" jsonb`);
    await queryRunner.query(`ALTER TABLE "channels" ADD "input_selection" character varying(6) NOT NULL DEFAULT 'auto'`);
    await queryRunner.query(`ALTER TABLE "channels" ADD CONSTRAINT "FK_channels_backup_media" FOREIGN KEY ("backup_media_id") REFERENCES "media"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Never drop a backup input silently: the previous schema cannot hold one.
    const [{ count }] = (await queryRunner.query(`SELECT count(*)::int AS count FROM "channels" WHERE "backup_input" IS NOT NULL`)) as Array<{ count: number }>;
    if (count > 0) throw new Error(`${count} channel(s) have a backup input, which the previous schema cannot hold: remove their backup inputs, then revert`);
    await queryRunner.query(`ALTER TABLE "channels" DROP CONSTRAINT "FK_channels_backup_media"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "input_selection"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "failover"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "backup_media_id"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "backup_input"`);
  }
}
