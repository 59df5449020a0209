import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import type { ChannelInputSpec, DesiredState, FailoverSpec, InputLossSpec, InputSelection, InputType } from '@mld/contracts';
import { MediaEntity } from '../media/media.entity.js';
import type { ChannelInputSettingsColumn } from './channel-input.mapper.js';
import { OutputEntity } from '../outputs/output.entity.js';

@Entity('channels')
// Inputs that bind a local UDP port (RTP/UDP, SRT listener): one channel per address and port.
// The service's own check (channel-input-rules) also refuses overlaps with 0.0.0.0 and multicast.
@Index('UQ_channels_bind', ['bindIp', 'port'], { unique: true, where: '"bind_ip" IS NOT NULL' })
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

  /**
   * RTP/UDP: unicast address to bind, 0.0.0.0 for all, or a multicast group to join. SRT
   * listener: the address bound. Null for inputs that bind no port of their own (SRT caller,
   * RTMP on the shared server, file).
   */
  @Column({ name: 'bind_ip', type: 'varchar', length: 45, nullable: true })
  bindIp!: string | null;

  /** RTP/UDP and SRT listener: the port bound; SRT caller: the port called; null otherwise. */
  @Column({ type: 'integer', nullable: true })
  port!: number | null;

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

  /**
   * What the kind of input needs beyond address and port (ChannelInputSettings): SRT mode, host,
   * latency and secrets; the RTMP stream key; the media file and looping. Secrets live here as in
   * output URLs: masked in every answer to a role without secret.read.
   */
  @Column({ name: 'input_settings', type: 'jsonb', default: {} })
  inputSettings!: ChannelInputSettingsColumn;

  /**
   * The second input of a main/backup pair, whole (kind, address, secrets: masked in answers as
   * the main's are); null: no backup. Its UDP port is checked against every input by the service.
   */
  @Column({ name: 'backup_input', type: 'jsonb', nullable: true })
  backupInput!: ChannelInputSpec | null;

  /** The media file a file backup plays (RESTRICT, as for the main). */
  @Column({ name: 'backup_media_id', type: 'uuid', nullable: true })
  backupMediaId!: string | null;

  @ManyToOne(() => MediaEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'backup_media_id', foreignKeyConstraintName: 'FK_channels_backup_media' })
  backupMedia?: Relation<MediaEntity> | null;

  /** How the main/backup pair is used; null without a backup. */
  @Column({ type: 'jsonb', nullable: true })
  failover!: FailoverSpec | null;

  /** An operator's pinned input (`main`/`backup`), or `auto`: the failover policy chooses. */
  @Column({ name: 'input_selection', type: 'varchar', length: 6, default: 'auto' })
  inputSelection!: InputSelection;

  /** What the outputs get when the input stops (ADR 0016); null: action none. */
  @Column({ name: 'input_loss', type: 'jsonb', nullable: true })
  inputLoss!: InputLossSpec | null;

  /** The image an input-loss slate shows (RESTRICT: a slate in use cannot be deleted). */
  @Column({ name: 'slate_media_id', type: 'uuid', nullable: true })
  slateMediaId!: string | null;

  @ManyToOne(() => MediaEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'slate_media_id', foreignKeyConstraintName: 'FK_channels_slate_media' })
  slateMedia?: Relation<MediaEntity> | null;

  @Column({ name: 'desired_state', type: 'varchar', length: 8, default: 'stopped' })
  desiredState!: DesiredState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany(() => OutputEntity, (output) => output.channel)
  outputs?: Relation<OutputEntity[]>;
}
