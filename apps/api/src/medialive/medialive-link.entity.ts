import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity.js';

/** Which MediaLive channel feeds which of our channels; deleted with our channel. */
@Entity('medialive_links')
export class MediaLiveLinkEntity {
  /** MediaLive's channel id (a number as a string). */
  @PrimaryColumn({ name: 'medialive_channel_id', type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_medialive_links' })
  medialiveChannelId!: string;

  @Index('UQ_medialive_links_channel', { unique: true })
  @Column({ name: 'channel_id', type: 'uuid' })
  channelId!: string;

  @ManyToOne(() => ChannelEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'channel_id', foreignKeyConstraintName: 'FK_medialive_links_channel' })
  channel?: Relation<ChannelEntity>;

  @Column({ name: 'medialive_name', type: 'varchar', length: 256 })
  medialiveName!: string;

  @Column({ name: 'pipeline0_url', type: 'varchar', length: 512 })
  pipeline0Url!: string;

  /** Recorded for the backup input (redundancy issue); not received yet. */
  @Column({ name: 'pipeline1_url', type: 'varchar', length: 512, nullable: true })
  pipeline1Url!: string | null;

  @Column({ name: 'linked_by', type: 'varchar', length: 100 })
  linkedBy!: string;

  @CreateDateColumn({ name: 'linked_at', type: 'timestamptz' })
  linkedAt!: Date;
}
