import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NodeLoad } from '@mld/contracts';

/** One service process of the cluster, as its heartbeats leave it (docs/multi-node.md, slice 1). */
@Entity({ name: 'nodes' })
export class NodeEntity {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  addresses!: string[];

  @Column({ type: 'varchar', length: 40 })
  version!: string;

  @Column({ name: 'node_version', type: 'varchar', length: 40 })
  nodeVersion!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  /** Set by the database's clock (now()) at every beat. */
  @Column({ name: 'heartbeat_at', type: 'timestamptz' })
  heartbeatAt!: Date;

  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true })
  stoppedAt!: Date | null;

  @Column({ type: 'jsonb' })
  load!: NodeLoad;

  /** Hands its channels over one by one and takes no new ones (POST /api/nodes/{id}/drain); kept across restarts. */
  @Column({ type: 'boolean', default: false })
  draining!: boolean;
}
