import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EventLog1795614525437 implements MigrationInterface {
  name = 'EventLog1795614525437';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "events" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "type" character varying(40) NOT NULL, "severity" character varying(8) NOT NULL, "channel_id" uuid, "channel_name" character varying(100), "output_id" uuid, "output_name" character varying(100), "actor" character varying(100), "message" text NOT NULL, "details" jsonb, CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_events_at" ON "events"  ("at") `);
    await queryRunner.query(`CREATE INDEX "IDX_events_type" ON "events"  ("type", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_events_channel" ON "events"  ("channel_id", "id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_events_channel"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_events_type"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_events_at"`);
    await queryRunner.query(`DROP TABLE "events"`);
  }
}
