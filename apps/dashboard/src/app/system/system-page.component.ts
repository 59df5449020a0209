import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import type { HealthResponse, NodeResponse } from '@mld/contracts';
import { describeHttpFailure } from '../core/api/api-error';
import { formatBitrate, formatDuration } from '../core/format/format';
import { summarizeOutputs } from '../core/live/channel-health';
import { LiveStateService } from '../core/live/live-state.service';
import { SessionService } from '../core/session/session.service';
import { SystemApiService } from './system-api.service';

const REFRESH_MS = 5_000;

/** Service version, database health and what the live connection sees. Process CPU/RSS comes later. */
@Component({
  selector: 'app-system-page',
  imports: [MatButton],
  template: `
    <div class="page-header">
      <h1>System</h1>
      <div class="page-header__actions">
        <button matButton="outlined" type="button" (click)="load()" data-testid="system-refresh">Refresh</button>
      </div>
    </div>
    @if (error(); as e) {
      <p class="notice notice--error" role="alert" data-testid="system-error">{{ e }}</p>
    }
    <div class="cards">
      <section class="card" aria-labelledby="svc-title" data-testid="system-service">
        <h2 id="svc-title" class="card__title">Service</h2>
        @if (health(); as h) {
          <dl class="fields">
            <div class="fields__row"><dt>Status</dt><dd><span class="state-pill" [attr.data-state]="h.status === 'ok' ? 'running' : 'failed'" data-testid="system-status">{{ h.status }}</span></dd></div>
            <div class="fields__row"><dt>Version</dt><dd class="mono" data-testid="system-version">{{ h.version }}</dd></div>
            <div class="fields__row"><dt>Node.js</dt><dd class="mono" data-testid="system-node-version">{{ h.node_version }}</dd></div>
            <div class="fields__row"><dt>Uptime</dt><dd>{{ formatDuration(h.uptime_seconds) }}</dd></div>
          </dl>
        } @else {
          <p class="muted" role="status">Loading…</p>
        }
      </section>
      <section class="card" aria-labelledby="db-title" data-testid="system-database">
        <h2 id="db-title" class="card__title">Database</h2>
        @if (health(); as h) {
          <dl class="fields">
            <div class="fields__row"><dt>PostgreSQL</dt><dd><span class="state-pill" [attr.data-state]="h.database.status === 'up' ? 'running' : 'failed'" data-testid="system-db-status">{{ h.database.status }}</span></dd></div>
            <div class="fields__row"><dt>Kind</dt><dd>{{ h.database.embedded ? 'embedded (in DATA_DIR)' : 'external (DATABASE_URL)' }}</dd></div>
            <div class="fields__row"><dt>Latency</dt><dd>{{ h.database.latency_ms === null ? '—' : h.database.latency_ms + ' ms' }}</dd></div>
            @if (h.database.error) {
              <div class="fields__row"><dt>Error</dt><dd class="error-text">{{ h.database.error }}</dd></div>
            }
          </dl>
        }
      </section>
      <section class="card" aria-labelledby="live-title" data-testid="system-live">
        <h2 id="live-title" class="card__title">Live data</h2>
        <dl class="fields">
          <div class="fields__row"><dt>Dashboard connection</dt><dd data-testid="system-connection">{{ live.connection() }}</dd></div>
          <div class="fields__row"><dt>Channels running</dt><dd>{{ totals().running }} of {{ totals().channels }}</dd></div>
          <div class="fields__row"><dt>Outputs running</dt><dd>{{ totals().outputsRunning }} of {{ totals().outputsActive }} wanted</dd></div>
        </dl>
        <p class="muted small">Process-tree CPU and memory are exported as Prometheus metrics at <span class="mono">/metrics</span>.</p>
      </section>
    </div>
    <section class="card" aria-labelledby="nodes-title" data-testid="system-nodes">
      <h2 id="nodes-title" class="card__title">Nodes</h2>
      <table class="table">
        <thead>
          <tr><th scope="col">Node</th><th scope="col">State</th><th scope="col">Addresses</th><th scope="col">Channels</th><th scope="col">Outputs</th><th scope="col">In / out</th><th scope="col">CPU</th><th scope="col">Last heartbeat</th><th scope="col">Version</th>@if (canDrain()) {<th scope="col"><span class="visually-hidden">Actions</span></th>}</tr>
        </thead>
        <tbody>
          @for (n of nodes(); track n.id) {
            <tr data-testid="node-row" [attr.data-node-id]="n.id" [attr.data-state]="n.state">
              <th scope="row">{{ n.name }}@if (n.self) { <span class="tag">this node</span> }<div class="mono small muted">{{ n.id }}</div></th>
              <td>
                <span class="state-pill" [attr.data-state]="n.state === 'up' ? 'running' : n.state === 'down' ? 'failed' : 'stopped'" data-testid="node-state">{{ n.state }}</span>
                @if (n.draining) {
                  <span class="state-pill" data-state="degraded" data-testid="node-draining" title="Hands its channels to other nodes and takes no new ones">draining</span>
                }
              </td>
              <td class="mono small">{{ n.addresses.join(', ') || '—' }}</td>
              <td class="num">{{ n.load.channels }}</td>
              <td class="num">{{ n.load.outputs_running }}</td>
              <td class="num">{{ formatBitrate(n.load.bitrate_in_bps) }} / {{ formatBitrate(n.load.bitrate_out_bps) }}</td>
              <td class="num">{{ n.load.cpu_percent }} %</td>
              <td class="num">{{ n.state === 'stopped' ? 'stopped' : (n.heartbeat_age_ms / 1000).toFixed(1) + ' s ago' }}</td>
              <td class="mono small">{{ n.version }} · Node {{ n.node_version }}</td>
              @if (canDrain()) {
                <td>
                  @if (n.draining) {
                    <button matButton="outlined" type="button" (click)="setDraining(n, false)" data-testid="node-undrain">Take channels again</button>
                  } @else if (n.state === 'up') {
                    <button matButton="outlined" type="button" (click)="setDraining(n, true)" data-testid="node-drain" [title]="'Move the channels of ' + n.name + ' to other nodes, one by one'">Drain</button>
                  }
                </td>
              }
            </tr>
          } @empty {
            <tr><td [attr.colspan]="canDrain() ? 10 : 9" class="muted">Loading…</td></tr>
          }
        </tbody>
      </table>
      <p class="muted small">Every service process sharing this database is a node; one that stops heart-beating shows <em>down</em> within seconds. See docs/multi-node.md.</p>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SystemPageComponent {
  private readonly api = inject(SystemApiService);
  protected readonly live = inject(LiveStateService);
  protected readonly health = signal<HealthResponse | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly formatDuration = formatDuration;
  protected readonly formatBitrate = formatBitrate;
  protected readonly nodes = signal<NodeResponse[]>([]);
  private readonly session = inject(SessionService);
  protected readonly canDrain = computed(() => this.session.can('system.write'));
  protected readonly totals = computed(() => {
    const channels = this.live.channels();
    let outputsRunning = 0;
    let outputsActive = 0;
    for (const c of channels) {
      const s = summarizeOutputs(c.outputs);
      outputsRunning += s.running;
      outputsActive += s.active;
    }
    return { channels: channels.length, running: channels.filter((c) => c.desired_state === 'running').length, outputsRunning, outputsActive };
  });

  constructor() {
    this.load();
    const timer = setInterval(() => this.load(), REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected setDraining(node: NodeResponse, draining: boolean): void {
    this.api.setDraining(node.id, draining).subscribe({
      next: () => this.load(),
      error: (failure: unknown) => this.error.set(`${node.name}: ${describeHttpFailure(failure).message}`),
    });
  }

  protected load(): void {
    this.api.health().subscribe({
      next: (h) => {
        this.health.set(h);
        this.error.set(null);
      },
      error: (failure: unknown) => this.error.set(describeHttpFailure(failure).message),
    });
    this.api.nodes().subscribe({
      next: (nodes) => this.nodes.set(nodes),
      error: (failure: unknown) => this.error.set(`Nodes: ${describeHttpFailure(failure).message}`),
    });
  }
}
