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

  /** The HTTP status it ended with; 102 while the request is being handled (or when it never finished). */
  @Column({ name: 'status_code', type: 'integer' })
  statusCode!: number;

  /** Redacted and bounded request body; never kept for anonymous callers. */
  @Column({ type: 'jsonb', nullable: true })
  details!: unknown;

  /** True when details were cut to fit the bounds (keys, depth, size). */
  @Column({ name: 'details_truncated', type: 'boolean', default: false })
  detailsTruncated!: boolean;

  /** A failed login's username as typed: what was tried, never who acted (actor stays anonymous). */
  @Column({ name: 'attempted_username', type: 'varchar', length: 64, nullable: true })
  attemptedUsername!: string | null;
}
