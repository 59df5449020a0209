import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { MatButton } from '@angular/material/button';
import type { ChannelStatus, MediaLiveAlertResponse, MediaLiveChannelResponse, MediaLiveFixResponse, MediaLivePreflightResponse, MediaLiveStatus } from '@mld/contracts';
import { describeHttpFailure } from '../core/api/api-error';
import { summarizeOutputs } from '../core/live/channel-health';
import { LiveStateService } from '../core/live/live-state.service';
import { SessionService } from '../core/session/session.service';
import { MediaLiveApiService } from './medialive-api.service';

const REFRESH_MS = 15_000;

/**
 * The AWS MediaLive channels that feed us: state, preflight (pass/warn/fail with the exact
 * setting to change), link, fix and start/stop with live progress. Explains how to enable the
 * module when it is off.
 */
@Component({
  selector: 'app-medialive-page',
  imports: [MatButton, RouterLink],
  template: `
    <div class="page-header">
      <h1>MediaLive</h1>
      <div class="page-header__actions">
        <button matButton="outlined" type="button" (click)="load()" data-testid="medialive-refresh">Refresh</button>
      </div>
    </div>
    @if (error(); as e) {
      <p class="notice notice--error" role="alert" data-testid="medialive-error">{{ e }}</p>
    }
    @if (status(); as s) {
      @if (!s.enabled) {
        <section class="card" data-testid="medialive-disabled">
          <h2 class="card__title">The MediaLive module is not enabled</h2>
          <p>{{ s.reason }}</p>
          <ol>
            <li>Set <span class="mono">AWS_REGION</span> (for example <span class="mono">eu-west-1</span>) in the service's environment.</li>
            <li>Give the service AWS credentials the standard way: an instance or container role, <span class="mono">AWS_PROFILE</span>, or <span class="mono">AWS_ACCESS_KEY_ID</span>/<span class="mono">AWS_SECRET_ACCESS_KEY</span>. Least-privilege IAM policies are in <span class="mono">docs/medialive.md</span>.</li>
            <li>Restart the service.</li>
          </ol>
        </section>
      } @else {
        <p class="muted small" data-testid="medialive-region">Region {{ s.region }}@if (s.last_throttled_at) { · AWS throttled us at {{ s.last_throttled_at }} }</p>
        @for (c of channels(); track c.id) {
          <section class="card" [attr.data-testid]="'ml-channel-' + c.id">
            <h2 class="card__title">{{ c.name }} <span class="state-pill" [attr.data-state]="pillState(c.state)" data-testid="ml-state">{{ c.state }}</span></h2>
            <dl class="fields">
              <div class="fields__row"><dt>Id</dt><dd class="mono">{{ c.id }}</dd></div>
              <div class="fields__row"><dt>Class</dt><dd>{{ c.channel_class }} · {{ c.pipelines_running }} pipeline(s) running</dd></div>
              @for (d of c.udp_destinations; track d.destination_id) {
                @for (url of d.urls; track $index) {
                  <div class="fields__row"><dt>Pipeline {{ $index }}</dt><dd class="mono">{{ url || '(not wired)' }}</dd></div>
                }
              }
              <div class="fields__row"><dt>Linked to</dt><dd data-testid="ml-link">
                @if (c.link; as l) {
                  <a [routerLink]="['/channels', l.channel_id]">{{ l.channel_name || l.channel_id }}</a>
                  @if (l.pipeline1_url) { <span class="muted small"> · pipeline 1 ({{ l.pipeline1_url }}) for the backup input (checked by preflight)</span> }
                } @else { — }
              </dd></div>
            </dl>
            @if (c.link; as l) {
              <p class="small" data-testid="ml-chain">
                Chain: MediaLive {{ c.state }} ({{ c.pipelines_running }} pipeline(s))
                → our input {{ inputState(ours(l.channel_id)) }}
                → outputs {{ outputsText(ours(l.channel_id)) }}
              </p>
            }
            @if (alerts()[c.id]; as list) {
              <ul data-testid="ml-alerts">
                @for (a of list; track a.id) {
                  <li class="error-text">pipeline {{ a.pipeline }}: {{ a.type }}: {{ a.message }}</li>
                } @empty {
                  <li class="muted">No active MediaLive alerts.</li>
                }
              </ul>
            }
            @if (progress()[c.id]; as p) {
              <p [class]="p.error ? 'notice notice--error' : 'notice'" role="status" data-testid="ml-progress">
                {{ p.action }}: {{ p.state }} after {{ (p.elapsed_ms / 1000).toFixed(0) }} s{{ p.done ? (p.error ? ' — failed: ' + p.error : ' — done') : '…' }}
              </p>
            }
            <div class="page-header__actions">
              <button matButton="outlined" type="button" (click)="runPreflight(c.id)" [attr.data-testid]="'ml-preflight-' + c.id">Preflight</button>
              <button matButton="outlined" type="button" (click)="loadAlerts(c.id)" data-testid="ml-alerts-button">Alerts</button>
              @if (canControl()) {
                <button matButton="outlined" type="button" (click)="act(c.id, 'start', !!c.link)" [disabled]="c.state !== 'IDLE'" data-testid="ml-start">{{ c.link ? 'Start with our channel' : 'Start' }}</button>
                <button matButton="outlined" type="button" (click)="act(c.id, 'stop')" [disabled]="c.state !== 'RUNNING'" data-testid="ml-stop">Stop</button>
              }
              @if (canWrite()) {
                <button matButton="outlined" type="button" (click)="link(c.id)" data-testid="ml-link-button">{{ c.link ? 'Re-link' : 'Link (create channel)' }}</button>
                @if (c.link) {
                  <button matButton="outlined" type="button" (click)="planFix(c.id)" data-testid="ml-fix-plan">Fix…</button>
                }
              }
            </div>
            @if (fixes()[c.id]; as f) {
              <div data-testid="ml-fix">
                @if (f.changes.length === 0) {
                  <p class="muted">Nothing to fix.</p>
                } @else {
                  <ul>
                    @for (ch of f.changes; track ch.setting) {
                      <li><span class="mono">{{ ch.setting }}</span>: <span class="mono">{{ ch.from || '(empty)' }}</span> → <span class="mono">{{ ch.to }}</span></li>
                    }
                  </ul>
                  @if (!f.applied) {
                    <button matButton="filled" type="button" (click)="applyFix(c.id)" [disabled]="c.state !== 'IDLE'" data-testid="ml-fix-apply">Apply (channel must be stopped)</button>
                  } @else {
                    <p class="notice" role="status">Applied.</p>
                  }
                }
              </div>
            }
            @if (preflights()[c.id]; as pf) {
              <table class="table" [attr.data-testid]="'ml-preflight-results-' + c.id">
                <thead><tr><th>Result</th><th>Check</th><th>What</th><th>Change in MediaLive</th></tr></thead>
                <tbody>
                  @for (r of pf.results; track $index) {
                    <tr [attr.data-status]="r.status">
                      <td><span class="state-pill" [attr.data-state]="r.status === 'pass' ? 'running' : r.status === 'warn' ? 'backoff' : 'failed'">{{ r.status }}</span></td>
                      <td class="mono">{{ r.check }}</td>
                      <td>{{ r.message }}</td>
                      <td class="setting">@if (r.setting) { <span class="mono">{{ r.setting }}</span> → <strong class="mono">{{ r.expected }}</strong> }</td>
                    </tr>
                  }
                </tbody>
              </table>
            }
          </section>
        } @empty {
          <p class="muted" data-testid="medialive-empty">No MediaLive channels in {{ s.region }}.</p>
        }
      }
    } @else {
      <p class="muted" role="status">Loading…</p>
    }
  `,
  // MediaLive setting paths are long dotted words: let them wrap inside the table.
  styles: ['.setting { overflow-wrap: anywhere; min-width: 16rem; }'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MediaLivePageComponent {
  private readonly api = inject(MediaLiveApiService);
  private readonly live = inject(LiveStateService);
  private readonly session = inject(SessionService);
  protected readonly status = signal<MediaLiveStatus | null>(null);
  protected readonly channels = signal<MediaLiveChannelResponse[]>([]);
  protected readonly preflights = signal<Record<string, MediaLivePreflightResponse>>({});
  protected readonly fixes = signal<Record<string, MediaLiveFixResponse>>({});
  protected readonly alerts = signal<Record<string, MediaLiveAlertResponse[]>>({});
  protected readonly error = signal<string | null>(null);
  private readonly ourChannels = computed(() => new Map(this.live.channels().map((c) => [c.channel_id, c])));
  protected readonly canControl = computed(() => this.session.can('medialive.control'));
  protected readonly canWrite = computed(() => this.session.can('medialive.write'));
  protected readonly progress = computed(() => Object.fromEntries(this.live.medialiveProgress()));

  constructor() {
    this.load();
    const timer = setInterval(() => this.load(), REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
    // A start/stop that settled changes the state shown: reload the list then.
    let settled = 0;
    effect(() => {
      const done = [...this.live.medialiveProgress().values()].filter((p) => p.done).length;
      if (done !== settled) {
        settled = done;
        this.load();
      }
    });
  }

  protected ours(channelId: string): ChannelStatus | undefined {
    return this.ourChannels().get(channelId);
  }

  protected inputState(status: ChannelStatus | undefined): string {
    if (!status) return 'unknown';
    return status.runtime ? status.runtime.state : status.desired_state;
  }

  protected outputsText(status: ChannelStatus | undefined): string {
    if (!status) return '—';
    const s = summarizeOutputs(status.outputs);
    return `${s.running} of ${s.active} running`;
  }

  protected loadAlerts(id: string): void {
    this.api.alerts(id).subscribe({ next: (list) => this.alerts.update((m) => ({ ...m, [id]: list })), error: (f: unknown) => this.fail(f) });
  }

  protected pillState(state: string): string {
    return state === 'RUNNING' ? 'running' : state === 'IDLE' ? 'stopped' : state.endsWith('FAILED') ? 'failed' : 'starting';
  }

  protected load(): void {
    this.api.status().subscribe({
      next: (s) => {
        this.status.set(s);
        if (s.enabled) this.api.channels().subscribe({ next: (list) => (this.channels.set(list), this.error.set(null)), error: (f: unknown) => this.fail(f) });
      },
      error: (f: unknown) => this.fail(f),
    });
  }

  protected runPreflight(id: string): void {
    this.api.preflight(id).subscribe({ next: (p) => this.preflights.update((m) => ({ ...m, [id]: p })), error: (f: unknown) => this.fail(f) });
  }

  protected act(id: string, action: 'start' | 'stop', withChannel = false): void {
    this.api.action(id, action, withChannel).subscribe({
      next: (r) => {
        if (r.preflight) this.preflights.update((m) => ({ ...m, [id]: r.preflight! }));
        this.channels.update((list) => list.map((c) => (c.id === id ? { ...c, state: r.state } : c)));
      },
      error: (f: unknown) => this.fail(f),
    });
  }

  protected link(id: string): void {
    this.api.link(id).subscribe({
      next: (r) => {
        this.preflights.update((m) => ({ ...m, [id]: r.preflight }));
        this.load();
      },
      error: (f: unknown) => this.fail(f),
    });
  }

  protected planFix(id: string): void {
    this.api.planFix(id).subscribe({ next: (f) => this.fixes.update((m) => ({ ...m, [id]: f })), error: (e: unknown) => this.fail(e) });
  }

  protected applyFix(id: string): void {
    this.api.fix(id).subscribe({
      next: (f) => {
        this.fixes.update((m) => ({ ...m, [id]: f }));
        this.runPreflight(id);
        this.load();
      },
      error: (e: unknown) => this.fail(e),
    });
  }

  private fail(failure: unknown): void {
    this.error.set(describeHttpFailure(failure).message);
  }
}
