import { Column, CreateDateColumn, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** bigint comes back from pg as a string; file sizes stay far below 2^53. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * One file of the media library, stored as DATA_DIR/media/<id>.ts. The id is generated before
 * the file is written (the file is named by it), so it is not a database default.
 */
@Entity('media')
export class MediaEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_media' })
  id!: string;

  /** What people call it; metadata only, never part of a path. */
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintAsNumber })
  sizeBytes!: number;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  /** What was uploaded (mpegts, mp4, mov); what is stored is always MPEG-TS. */
  @Column({ name: 'source_container', type: 'varchar', length: 32 })
  sourceContainer!: string;

  @Column({ name: 'video_codec', type: 'varchar', length: 32, nullable: true })
  videoCodec!: string | null;

  @Column({ name: 'audio_codec', type: 'varchar', length: 32, nullable: true })
  audioCodec!: string | null;

  @Column({ name: 'bitrate_bps', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  bitrateBps!: number | null;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  @Column({ name: 'uploaded_by', type: 'varchar', length: 100 })
  uploadedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
