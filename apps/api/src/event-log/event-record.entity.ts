import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { EventSeverity, EventType } from '@mld/contracts';

/**
 * One entry of the operator-facing event log. No foreign keys on purpose: the history of a
 * channel outlives the channel.
 */
@Entity('events')
@Index('IDX_events_channel', ['channelId', 'id'])
@Index('IDX_events_type', ['type', 'id'])
export class EventRecordEntity {
  /** bigint identity: strictly increasing, so it is the pagination cursor. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index('IDX_events_at')
  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'varchar', length: 40 })
  type!: EventType;

  @Column({ type: 'varchar', length: 8 })
  severity!: EventSeverity;

  @Column({ name: 'channel_id', type: 'uuid', nullable: true })
  channelId!: string | null;

  @Column({ name: 'channel_name', type: 'varchar', length: 100, nullable: true })
  channelName!: string | null;

  @Column({ name: 'output_id', type: 'uuid', nullable: true })
  outputId!: string | null;

  @Column({ name: 'output_name', type: 'varchar', length: 100, nullable: true })
  outputName!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  actor!: string | null;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;
}
