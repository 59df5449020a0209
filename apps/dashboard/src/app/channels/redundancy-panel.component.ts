import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { type Observable, tap } from 'rxjs';
import type { ChannelWithOutputsResponse, InputSelection } from '@mld/contracts';
import { ClockService } from '../core/live/clock.service';
import { NotifyService } from '../core/notify.service';
import { SessionService } from '../core/session/session.service';
import { ConfirmedActionService } from '../ui/confirmed-action.service';
import { ChannelsApiService } from './channels-api.service';
import {
  backupInputText,
  currentSelection,
  failoverText,
  mergePathRows,
  mergeSummary,
  onAir,
  pendingText,
  redundancyHealthRows,
  SELECTION_TEXT,
  switchControls,
  switchHistoryRows,
  switchWarning,
} from './redundancy-view';

/**
 * A channel with a backup input (docs/redundancy.md): which input is on air, both inputs' health
 * side by side, the switch history and, for operators, force main / force backup / auto. In
 * merge mode: the merge window and the loss per path and after the merge.
 */
@Component({
  selector: 'app-redundancy-panel',
  imports: [MatButton],
  template: `
    @let c = channel();
    @if (c.failover; as f) {
      <section class="card" aria-labelledby="redundancy-title" data-testid="redundancy-panel" [attr.data-mode]="f.mode">
        <div class="card__head">
          <h2 id="redundancy-title" class="card__title">{{ f.mode === 'merge' ? 'Merged inputs' : 'Main and backup' }}</h2>
          @if (onAir(); as a) {
            <span class="on-air" [attr.data-role]="a.role" data-testid="redundancy-on-air">{{ a.text }}</span>
            <span class="muted small" data-testid="redundancy-on-air-detail">{{ a.detail }}</span>
          }
          @if (c.runtime?.redundancy; as r) {
            <span class="card__head-end muted small" data-testid="redundancy-switches" [attr.data-count]="r.switches">{{ r.switches }} {{ r.switches === 1 ? 'switch' : 'switches' }}</span>
          }
        </div>
        <p class="muted small" data-testid="redundancy-config">{{ failoverText(f) }}. Backup: {{ backupText() }}.</p>

        @if (f.mode === 'failover') {
          <div class="redundancy-control">
            <p class="small" data-testid="input-selection" [attr.data-selection]="selection()">{{ selectionText[selection()] }}</p>
            @if (controls().length > 0) {
              <div class="button-row" role="group" aria-label="Input on air">
                @for (b of controls(); track b.to) {
                  <button matButton="outlined" type="button" [disabled]="b.disabled" [attr.aria-pressed]="b.pressed" (click)="switchTo(b.to)" [attr.data-testid]="b.testId">
                    {{ b.label }}
                  </button>
                }
              </div>
            }
          </div>
          @if (c.runtime?.redundancy; as r) {
            @if (pending(); as p) {
              <p class="notice notice--info" role="status" data-testid="redundancy-pending">{{ p }}</p>
            }
            <table class="table table--compact redundancy-health" data-testid="redundancy-health">
              <caption class="visually-hidden">Health of the main and backup inputs</caption>
              <thead>
                <tr>
                  <th scope="col"><span class="visually-hidden">Measure</span></th>
                  @for (role of roles; track role) {
                    <th scope="col" [class.redundancy-health__on-air]="r.active === role" [attr.data-testid]="'redundancy-col-' + role">
                      {{ role === 'main' ? 'Main' : 'Backup' }}
                      @if (r.active === role) {
                        <span class="tag">on air</span>
                      }
                    </th>
                  }
                </tr>
              </thead>
              <tbody>
                @for (row of healthRows(); track row.testId) {
                  <tr [attr.data-row]="row.testId">
                    <th scope="row">{{ row.label }}</th>
                    <td [class.error-text]="row.main.bad" [attr.data-testid]="'redundancy-main-' + row.testId">{{ row.main.value }}</td>
                    <td [class.error-text]="row.backup.bad" [attr.data-testid]="'redundancy-backup-' + row.testId">{{ row.backup.value }}</td>
                  </tr>
                }
              </tbody>
            </table>
            <h3 class="card__subtitle">Switches</h3>
            @if (history().length === 0) {
              <p class="muted small" data-testid="redundancy-history-empty">No switch since the channel started.</p>
            } @else {
              <div class="table-scroll">
                <table class="table table--compact" data-testid="redundancy-history">
                  <caption class="visually-hidden">Latest switches of the input on air, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Switch</th>
                      <th scope="col">Cause</th>
                      <th scope="col">Reason</th>
                      <th scope="col" class="num">Gap</th>
                      <th scope="col">Key frame</th>
                    </tr>
                  </thead>
                  <tbody>
                    @for (h of history(); track h.key) {
                      <tr data-testid="redundancy-switch" [attr.data-cause]="h.cause">
                        <td class="nowrap">{{ h.at }}</td>
                        <td class="nowrap" data-testid="redundancy-switch-from-to">{{ h.fromTo }}</td>
                        <td data-testid="redundancy-switch-cause">{{ h.causeText }}</td>
                        <td>{{ h.reason }}</td>
                        <td class="num nowrap">{{ h.gap }}</td>
                        <td data-testid="redundancy-switch-key-frame">{{ h.keyFrame }}</td>
                      </tr>
                    }
                  </tbody>
                </table>
              </div>
            }
          } @else {
            <p class="muted" data-testid="redundancy-idle">Both inputs are received once the channel runs: {{ c.desired_state === 'running' ? 'it is starting.' : 'the channel is stopped.' }}</p>
          }
        } @else {
          @if (c.runtime?.merge; as m) {
            @let sum = merged();
            <p class="small" data-testid="merge-summary">
              Window {{ sum?.window }} ·
              <span [class.error-text]="sum?.bad" data-testid="merge-lost">{{ sum?.mergedLost }} lost after the merge</span>
            </p>
            <table class="table table--compact" data-testid="merge-paths">
              <caption class="visually-hidden">Each path of the merged input</caption>
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col">State</th>
                  <th scope="col" class="num">Received</th>
                  <th scope="col" class="num">Lost</th>
                  <th scope="col" class="num">Late</th>
                  <th scope="col" class="num">Used</th>
                  <th scope="col" class="num">Behind</th>
                </tr>
              </thead>
              <tbody>
                @for (p of paths(); track p.role) {
                  <tr data-testid="merge-path" [attr.data-role]="p.role">
                    <th scope="row">{{ p.label }} <span class="muted small mono">{{ p.address }}</span></th>
                    <td [class.error-text]="p.bad">{{ p.state }}</td>
                    <td class="num">{{ p.received }}</td>
                    <td class="num" data-testid="merge-path-lost">{{ p.lost }}</td>
                    <td class="num">{{ p.late }}</td>
                    <td class="num">{{ p.used }} <span class="muted small">({{ p.usedShare }})</span></td>
                    <td class="num">{{ p.behind }}</td>
                  </tr>
                }
              </tbody>
            </table>
            <p class="muted small">Lost: gaps in a path's own sequence. Late: arrived after the window gave the datagram up (the window is too short for that path).</p>
          } @else {
            <p class="muted" data-testid="redundancy-idle">Both paths are received once the channel runs: {{ c.desired_state === 'running' ? 'it is starting.' : 'the channel is stopped.' }}</p>
          }
        }
      </section>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RedundancyPanelComponent {
  readonly channel = input.required<ChannelWithOutputsResponse>();
  /** The channel after an operator's switch. */
  readonly changed = output<ChannelWithOutputsResponse>();

  private readonly api = inject(ChannelsApiService);
  private readonly session = inject(SessionService);
  private readonly notify = inject(NotifyService);
  private readonly confirmed = inject(ConfirmedActionService);
  protected readonly clock = inject(ClockService);

  protected readonly roles = ['main', 'backup'] as const;
  protected readonly selectionText = SELECTION_TEXT;
  protected readonly failoverText = failoverText;
  protected readonly busy = signal(false);

  private readonly redundancy = computed(() => this.channel().runtime?.redundancy ?? null);
  protected readonly onAir = computed(() => {
    const r = this.redundancy();
    return r ? onAir(r) : null;
  });
  protected readonly selection = computed(() => currentSelection(this.channel()));
  protected readonly backupText = computed(() => {
    const b = this.channel().backup_input;
    return b ? backupInputText(b) : '—';
  });
  protected readonly controls = computed(() =>
    switchControls(this.selection(), { canControl: this.session.can('channel.control'), mode: this.channel().failover?.mode ?? 'failover', busy: this.busy() }),
  );
  protected readonly healthRows = computed(() => {
    const r = this.redundancy();
    return r ? redundancyHealthRows(r, this.clock.now()) : [];
  });
  protected readonly pending = computed(() => {
    const r = this.redundancy();
    return r ? pendingText(r, this.clock.now()) : null;
  });
  protected readonly history = computed(() => switchHistoryRows(this.redundancy()?.recent_switches ?? []));
  protected readonly merged = computed(() => {
    const m = this.channel().runtime?.merge;
    return m ? mergeSummary(m) : null;
  });
  protected readonly paths = computed(() => {
    const m = this.channel().runtime?.merge;
    return m ? mergePathRows(m, this.clock.now()) : [];
  });

  protected switchTo(to: InputSelection): void {
    const c = this.channel();
    const done = to === 'auto' ? 'The failover policy chooses the input again' : `The ${to} input is pinned on air`;
    const warning = switchWarning(this.redundancy(), to);
    if (warning) {
      this.confirmed.ask({
        confirm: { title: `Force the ${to} input?`, message: warning, confirm: `Force ${to}`, danger: true },
        run: () => this.request(c.id, to),
        done,
        failed: 'Could not switch the input',
      });
      return;
    }
    this.busy.set(true);
    this.request(c.id, to).subscribe({
      next: () => {
        this.busy.set(false);
        this.notify.info(done);
      },
      error: (failure: unknown) => {
        this.busy.set(false);
        this.notify.failure('Could not switch the input', failure);
      },
    });
  }

  private request(id: string, to: InputSelection): Observable<ChannelWithOutputsResponse> {
    return this.api.switchInput(id, to).pipe(tap((updated) => this.changed.emit(updated)));
  }
}
