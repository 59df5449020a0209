import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import type { DesiredState, InputType } from '@mld/contracts';
import { MediaEntity } from '../media/media.entity.js';
import { OutputEntity } from '../outputs/output.entity.js';

@Entity('channels')
@Index('UQ_channels_bind', ['bindIp', 'port'], { unique: true })
export class ChannelEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('UQ_channels_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'input_type', type: 'varchar', length: 8 })
  inputType!: InputType;

  /** Unicast address to bind, 0.0.0.0 for all, or a multicast group to join. */
  @Column({ name: 'bind_ip', type: 'varchar', length: 45 })
  bindIp!: string;

  @Column({ type: 'integer' })
  port!: number;

  @Column({ name: 'source_ip', type: 'varchar', length: 45, nullable: true })
  sourceIp!: string | null;

  @Column({ name: 'interface_ip', type: 'varchar', length: 45, nullable: true })
  interfaceIp!: string | null;

  /** The media library file this channel plays when its input is a file; a used file cannot be deleted. */
  @Column({ name: 'input_media_id', type: 'uuid', nullable: true })
  inputMediaId!: string | null;

  @ManyToOne(() => MediaEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'input_media_id', foreignKeyConstraintName: 'FK_channels_input_media' })
  inputMedia?: Relation<MediaEntity> | null;

  @Column({ name: 'desired_state', type: 'varchar', length: 8, default: 'stopped' })
  desiredState!: DesiredState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany(() => OutputEntity, (output) => output.channel)
  outputs?: Relation<OutputEntity[]>;
}
