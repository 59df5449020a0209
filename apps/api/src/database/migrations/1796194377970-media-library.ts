import type { MigrationInterface, QueryRunner } from 'typeorm';

// The media library, and the file a channel plays: RESTRICT, so a file in use cannot vanish under a channel.

export class MediaLibrary1796194377970 implements MigrationInterface {
  name = 'MediaLibrary1796194377970';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "media" ("id" uuid NOT NULL, "name" character varying(200) NOT NULL, "size_bytes" bigint NOT NULL, "duration_ms" integer, "source_container" character varying(32) NOT NULL, "video_codec" character varying(32), "audio_codec" character varying(32), "bitrate_bps" bigint, "width" integer, "height" integer, "uploaded_by" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_media" PRIMARY KEY ("id"))`);
    await queryRunner.query(`ALTER TABLE "channels" ADD "input_media_id" uuid`);
    await queryRunner.query(`ALTER TABLE "channels" ADD CONSTRAINT "FK_channels_input_media" FOREIGN KEY ("input_media_id") REFERENCES "media"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" DROP CONSTRAINT "FK_channels_input_media"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "input_media_id"`);
    await queryRunner.query(`DROP TABLE "media"`);
  }
}
