import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InputKinds1796195379099 implements MigrationInterface {
  name = 'InputKinds1796195379099';

  // Existing channels are RTP/UDP: they keep their address and port, with empty settings.
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" ADD "input_settings" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`DROP INDEX "public"."UQ_channels_bind"`);
    await queryRunner.query(`ALTER TABLE "channels" ALTER COLUMN "bind_ip" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "channels" ALTER COLUMN "port" DROP NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_channels_bind" ON "channels"  ("bind_ip", "port") WHERE "bind_ip" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Never drop inputs silently: the old schema cannot hold SRT, RTMP or file inputs.
    const [{ count }] = (await queryRunner.query(`SELECT count(*)::int AS count FROM "channels" WHERE "input_type" NOT IN ('rtp', 'udp')`)) as Array<{ count: number }>;
    if (count > 0) throw new Error(`${count} channel(s) have SRT, RTMP or file inputs, which the previous schema cannot hold: give them RTP/UDP inputs or delete them, then revert`);
    await queryRunner.query(`DROP INDEX "public"."UQ_channels_bind"`);
    await queryRunner.query(`ALTER TABLE "channels" ALTER COLUMN "port" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "channels" ALTER COLUMN "bind_ip" SET NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_channels_bind" ON "channels" USING btree ("bind_ip", "port") `);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "input_settings"`);
  }
}
