import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MediaLiveLinks1796169600000 implements MigrationInterface {
  name = 'MediaLiveLinks1796169600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "medialive_links" ("medialive_channel_id" character varying(64) NOT NULL, "channel_id" uuid NOT NULL, "medialive_name" character varying(256) NOT NULL, "pipeline0_url" character varying(512) NOT NULL, "pipeline1_url" character varying(512), "linked_by" character varying(100) NOT NULL, "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_medialive_links" PRIMARY KEY ("medialive_channel_id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_medialive_links_channel" ON "medialive_links" ("channel_id") `);
    await queryRunner.query(`ALTER TABLE "medialive_links" ADD CONSTRAINT "FK_medialive_links_channel" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "medialive_links" DROP CONSTRAINT "FK_medialive_links_channel"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_medialive_links_channel"`);
    await queryRunner.query(`DROP TABLE "medialive_links"`);
  }
}
