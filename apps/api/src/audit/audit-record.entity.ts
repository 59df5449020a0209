import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One mutating request: who, what, when, and how it ended. Secrets are redacted before saving. */
@Entity('audit_records')
export class AuditRecordEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('IDX_audit_records_at')
  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType!: 'user' | 'token' | 'anonymous';

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 100 })
  actorName!: string;

  @Column({ type: 'varchar', length: 8 })
  method!: string;

  @Column({ type: 'varchar', length: 300 })
  path!: string;

  /** Handler name, e.g. "ChannelsController.create". */
  @Column({ type: 'varchar', length: 100 })
  action!: string;

  @Column({ name: 'status_code', type: 'integer' })
  statusCode!: number;

  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;
}
