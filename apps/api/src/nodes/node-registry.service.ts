import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { loadavg } from 'node:os';
import type { NodeLoad, NodeResponse } from '@mld/contracts';
import type { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig, type NodeConfig } from '../config/app-config.js';
import { RUNTIME_INFO, type RuntimeInfo } from '../config/runtime-info.js';
import { PipelinesService } from '../runtime/pipelines.service.js';

interface NodeRow {
  id: string;
  name: string;
  addresses: string[];
  version: string;
  node_version: string;
  started_at: Date;
  heartbeat_at: Date;
  stopped_at: Date | null;
  load: NodeLoad;
  draining: boolean;
  /** now() − heartbeat_at, by the database's clock. */
  age_ms: number;
}

/** What NODE_ID allows: anything else names no node (and never reaches SQL). */
const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const SELECT = `SELECT "id", "name", "addresses", "version", "node_version", "started_at", "heartbeat_at", "stopped_at", "load", "draining",
  (EXTRACT(EPOCH FROM (now() - "heartbeat_at")) * 1000)::float8 AS "age_ms" FROM "nodes"`;

/**
 * This process as a node (docs/multi-node.md, slice 1): its row in `nodes`, kept fresh by a
 * heartbeat that carries its load; and every node's state as the database's clock tells it.
 * Side effects: the database only.
 */
@Injectable()
export class NodeRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Nodes');
  private readonly node: NodeConfig;
  private timer: NodeJS.Timeout | undefined;
  private lastCpu = process.cpuUsage();
  private lastCpuAt = performance.now();
  private beating: Promise<void> | undefined;
  private failing = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RUNTIME_INFO) private readonly runtime: RuntimeInfo,
    private readonly pipelines: PipelinesService,
  ) {
    this.node = config.node;
  }

  get id(): string {
    return this.node.id;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    this.logger.log(`node "${this.node.id}" (${this.node.name}) registered, addresses ${this.node.addresses.join(', ') || 'none'}; heartbeat every ${this.node.heartbeatMs} ms`);
    this.timer = setInterval(() => {
      // One beat at a time: a slow database delays the next, it does not pile them up.
      this.beating ??= this.beat().finally(() => (this.beating = undefined));
    }, this.node.heartbeatMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    try {
      await this.dataSource.query(`UPDATE "nodes" SET "stopped_at" = now(), "heartbeat_at" = now() WHERE "id" = $1`, [this.node.id]);
    } catch (error) {
      this.logger.warn(`could not mark node "${this.node.id}" stopped: ${(error as Error).message}`);
    }
  }

  async list(): Promise<NodeResponse[]> {
    const rows = (await this.dataSource.query(`${SELECT} ORDER BY "name", "id"`)) as NodeRow[];
    return rows.map((r) => this.present(r));
  }

  async get(id: string): Promise<NodeResponse> {
    if (!NODE_ID.test(id)) throw DomainError.notFound('node', id);
    const [row] = (await this.dataSource.query(`${SELECT} WHERE "id" = $1`, [id])) as NodeRow[];
    if (!row) throw DomainError.notFound('node', id);
    return this.present(row);
  }

  /**
   * Drain (true): the node hands its channels to the others one by one and takes no new ones;
   * false ends it. Refused for a node that is not up (its channels move when their leases expire).
   */
  async setDraining(id: string, draining: boolean): Promise<NodeResponse> {
    const node = await this.get(id);
    if (draining && node.state !== 'up') throw DomainError.conflict(`node "${node.name}" is ${node.state}: its channels move to other nodes when their leases expire`);
    await this.dataSource.query(`UPDATE "nodes" SET "draining" = $2 WHERE "id" = $1`, [id, draining]);
    this.logger.log(`node "${node.name}" ${draining ? 'drains: its channels move to other nodes one by one' : 'takes channels again'}`);
    return this.get(id);
  }

  /** Forgets a node that is gone for good; refused while it heart-beats (it would come back at its next beat). */
  async remove(id: string): Promise<void> {
    const node = await this.get(id);
    if (node.state === 'up') throw DomainError.conflict(`node "${node.name}" is up (last heartbeat ${Math.round(node.heartbeat_age_ms)} ms ago): stop it first`);
    await this.dataSource.query(`DELETE FROM "nodes" WHERE "id" = $1`, [id]);
  }

  private async beat(): Promise<void> {
    try {
      const result = (await this.dataSource.query(`UPDATE "nodes" SET "heartbeat_at" = now(), "load" = $2::jsonb, "stopped_at" = NULL WHERE "id" = $1 RETURNING "id"`, [this.node.id, JSON.stringify(this.load())])) as [unknown[], number] | unknown[];
      const updated = Array.isArray(result[0]) ? (result[0] as unknown[]).length : result.length;
      // Deleted by an admin while we run: register again.
      if (updated === 0) await this.register();
      if (this.failing) this.logger.log(`node "${this.node.id}": heartbeats reach the database again`);
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`node "${this.node.id}": heartbeat failed (${(error as Error).message}); retrying every ${this.node.heartbeatMs} ms`);
      this.failing = true;
    }
  }

  /** The node's row, as of now: a restart (or a row an admin deleted) starts it afresh. */
  private async register(): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "nodes" ("id", "name", "addresses", "version", "node_version", "started_at", "heartbeat_at", "stopped_at", "load")
       VALUES ($1, $2, $3::jsonb, $4, $5, now(), now(), NULL, $6::jsonb)
       ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "addresses" = EXCLUDED."addresses", "version" = EXCLUDED."version",
         "node_version" = EXCLUDED."node_version", "started_at" = now(), "heartbeat_at" = now(), "stopped_at" = NULL, "load" = EXCLUDED."load"`,
      [this.node.id, this.node.name, JSON.stringify(this.node.addresses), this.runtime.version, this.runtime.nodeVersion, JSON.stringify(this.load())],
    );
  }

  private load(): NodeLoad {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMs = Math.max(1, now - this.lastCpuAt);
    this.lastCpu = process.cpuUsage();
    this.lastCpuAt = now;
    return {
      ...this.pipelines.load(),
      cpu_percent: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 10,
      load_average_1m: Math.round(loadavg()[0]! * 100) / 100,
    };
  }

  private present(r: NodeRow): NodeResponse {
    const state: NodeResponse['state'] = r.stopped_at ? 'stopped' : r.age_ms <= this.node.downAfterMs ? 'up' : 'down';
    return {
      id: r.id,
      name: r.name,
      state,
      self: r.id === this.node.id,
      addresses: r.addresses,
      version: r.version,
      node_version: r.node_version,
      started_at: r.started_at.toISOString(),
      heartbeat_at: r.heartbeat_at.toISOString(),
      heartbeat_age_ms: Math.max(0, Math.round(r.age_ms)),
      stopped_at: r.stopped_at?.toISOString() ?? null,
      draining: r.draining,
      load: r.load,
    };
  }
}
