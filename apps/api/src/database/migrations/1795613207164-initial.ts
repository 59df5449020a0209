import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795613207164 implements MigrationInterface {
  name = 'Initial1795613207164';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "audit_records" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_type" character varying(16) NOT NULL, "actor_id" uuid, "actor_name" character varying(100) NOT NULL, "method" character varying(8) NOT NULL, "path" character varying(300) NOT NULL, "action" character varying(100) NOT NULL, "status_code" integer NOT NULL, "details" jsonb, CONSTRAINT "PK_f903ebdf175f062be69747b0f18" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_records_at" ON "audit_records"  ("at") `);
    await queryRunner.query(`CREATE TABLE "outputs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "channel_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "protocol" character varying(8) NOT NULL, "url" text NOT NULL, "options" jsonb NOT NULL DEFAULT '{}', "enabled" boolean NOT NULL DEFAULT true, "desired_state" character varying(8) NOT NULL DEFAULT 'running', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_37cbeca416a2d3f11d7c76e0961" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_outputs_channel" ON "outputs"  ("channel_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_outputs_channel_name" ON "outputs"  ("channel_id", "name") `);
    await queryRunner.query(`CREATE TABLE "channels" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "description" text NOT NULL DEFAULT '', "input_type" character varying(8) NOT NULL, "bind_ip" character varying(45) NOT NULL, "port" integer NOT NULL, "source_ip" character varying(45), "interface_ip" character varying(45), "desired_state" character varying(8) NOT NULL DEFAULT 'stopped', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bc603823f3f741359c2339389f9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_channels_name" ON "channels"  ("name") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_channels_bind" ON "channels"  ("bind_ip", "port") `);
    await queryRunner.query(`CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "username" character varying(64) NOT NULL, "password_hash" text NOT NULL, "role" character varying(16) NOT NULL, "password_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_username" ON "users"  ("username") `);
    await queryRunner.query(`CREATE TABLE "api_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "role" character varying(16) NOT NULL, "token_hash" character(64) NOT NULL, "prefix" character varying(16) NOT NULL, "created_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_api_tokens_hash" ON "api_tokens"  ("token_hash") `);
    await queryRunner.query(`ALTER TABLE "outputs" ADD CONSTRAINT "FK_419ac4eb60b8023a8c726cc8533" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD CONSTRAINT "FK_a17eb380a7c7622315c02725aff" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP CONSTRAINT "FK_a17eb380a7c7622315c02725aff"`);
    await queryRunner.query(`ALTER TABLE "outputs" DROP CONSTRAINT "FK_419ac4eb60b8023a8c726cc8533"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_api_tokens_hash"`);
    await queryRunner.query(`DROP TABLE "api_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_users_username"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_channels_bind"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_channels_name"`);
    await queryRunner.query(`DROP TABLE "channels"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_outputs_channel_name"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_outputs_channel"`);
    await queryRunner.query(`DROP TABLE "outputs"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_records_at"`);
    await queryRunner.query(`DROP TABLE "audit_records"`);
  }
}
