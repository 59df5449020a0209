import type { MigrationInterface, QueryRunner } from 'typeorm';

// Channel ownership (issue #16, docs/multi-node.md slice 2): one lease per owned channel, with the
// owner node, a fencing token that moves when the owner changes, and an expiry by the database's clock.
export class ChannelLeases1796500000001 implements MigrationInterface {
  name = 'ChannelLeases1796500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "channel_leases" ("channel_id" uuid NOT NULL, "node_id" character varying(63) NOT NULL, "token" bigint NOT NULL, "acquired_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_channel_leases" PRIMARY KEY ("channel_id"), CONSTRAINT "FK_channel_leases_channel" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_channel_leases_node" ON "channel_leases" ("node_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "channel_leases"`);
  }
}
