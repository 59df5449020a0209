import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One row (id 1): the limits an admin set for this node. */
@Entity('limits')
export class LimitsEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ name: 'max_channels', type: 'integer' })
  maxChannels!: number;

  @Column({ name: 'max_outputs_per_channel', type: 'integer' })
  maxOutputsPerChannel!: number;

  @Column({ name: 'max_child_processes', type: 'integer' })
  maxChildProcesses!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'updated_by', type: 'varchar', length: 100, nullable: true })
  updatedBy!: string | null;
}
