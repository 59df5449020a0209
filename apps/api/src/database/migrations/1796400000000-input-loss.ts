import type { MigrationInterface, QueryRunner } from 'typeorm';

// Input-loss behaviour (issue #14 part 2, ADR 0016): what the outputs get when the input stops,
// and the media library image a slate shows (RESTRICT, like inputs' media).
export class InputLoss1796400000000 implements MigrationInterface {
  name = 'InputLoss1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" ADD "input_loss" jsonb`);
    await queryRunner.query(`ALTER TABLE "channels" ADD "slate_media_id" uuid`);
    await queryRunner.query(`ALTER TABLE "channels" ADD CONSTRAINT "FK_channels_slate_media" FOREIGN KEY ("slate_media_id") REFERENCES "media"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" DROP CONSTRAINT "FK_channels_slate_media"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "slate_media_id"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "input_loss"`);
  }
}
