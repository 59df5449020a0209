import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditIntegrity1796165083066 implements MigrationInterface {
  name = 'AuditIntegrity1796165083066';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_records" ADD "details_truncated" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "audit_records" ADD "attempted_username" character varying(64)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_records" DROP COLUMN "attempted_username"`);
    await queryRunner.query(`ALTER TABLE "audit_records" DROP COLUMN "details_truncated"`);
  }
}
