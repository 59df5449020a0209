import type { MigrationInterface, QueryRunner } from 'typeorm';

// Live state across nodes (issue #16, docs/multi-node.md slice 3): each owner writes its channels'
// runtime here every second, guarded by its lease's fencing token. UNLOGGED: it is rewritten every
// second, so it needs no WAL and no crash safety.
export class ChannelRuntime1796500000003 implements MigrationInterface {
  name = 'ChannelRuntime1796500000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNLOGGED TABLE "channel_runtime" ("channel_id" uuid NOT NULL, "node_id" character varying(63) NOT NULL, "token" bigint NOT NULL, "runtime" jsonb NOT NULL, "outputs" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_channel_runtime" PRIMARY KEY ("channel_id"), CONSTRAINT "FK_channel_runtime_channel" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "channel_runtime"`);
  }
}
