import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import type { DesiredState, OutputOptions, OutputProtocol } from '@mld/contracts';
import { ChannelEntity } from '../channels/channel.entity.js';

@Entity('outputs')
@Index('UQ_outputs_channel_name', ['channelId', 'name'], { unique: true })
export class OutputEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('IDX_outputs_channel')
  @Column({ name: 'channel_id', type: 'uuid' })
  channelId!: string;

  @ManyToOne(() => ChannelEntity, (channel) => channel.outputs, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'channel_id' })
  channel?: Relation<ChannelEntity>;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 8 })
  protocol!: OutputProtocol;

  /** Destination as the user wrote it; may hold secrets (stream key, passphrase). */
  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  options!: OutputOptions;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'desired_state', type: 'varchar', length: 8, default: 'running' })
  desiredState!: DesiredState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
