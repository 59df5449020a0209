import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { Router, RouterLink } from '@angular/router';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { type ApiProblem, describeHttpFailure } from '../core/api/api-error';
import { channelHealth } from '../core/live/channel-health';
import { mergeChannelStatus, unknownOutputIds } from '../core/live/live-model';
import { LiveStateService } from '../core/live/live-state.service';
import { NotifyService } from '../core/notify.service';
import { SessionService } from '../core/session/session.service';
import { ConfirmedActionService } from '../ui/confirmed-action.service';
import { HealthBadgeComponent } from '../ui/health-badge.component';
import { ChannelEventsComponent } from './channel-events.component';
import { ChannelFormDialogComponent, type ChannelFormData } from './channel-form-dialog.component';
import { ChannelsApiService } from './channels-api.service';
import { ConnectionDetailsComponent } from './connection-details.component';
import { inputTypeText, inputWhere } from './channel-view';
import { InputPanelComponent } from './input-panel.component';
import { OutputsPanelComponent } from './outputs-panel.component';
import { PreviewPanelComponent } from './preview-panel.component';
import { ChannelThumbnailComponent } from './channel-thumbnail.component';
import { RedundancyPanelComponent } from './redundancy-panel.component';
import { backupInputText } from './redundancy-view';
import { StreamAnalysisComponent } from './stream-analysis.component';

/** One channel: health, live input (and its backup), outputs with their controls, preview, SCTE-35 cues and recent events. */
@Component({
  selector: 'app-channel-detail',
  imports: [RouterLink, MatButton, HealthBadgeComponent, ConnectionDetailsComponent, InputPanelComponent, OutputsPanelComponent, ChannelEventsComponent, StreamAnalysisComponent, PreviewPanelComponent, ChannelThumbnailComponent, RedundancyPanelComponent],
  templateUrl: './channel-detail.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelDetailComponent {
  /** Route parameter, bound by the router. */
  readonly id = input.required<string>();

  private readonly api = inject(ChannelsApiService);
  private readonly live = inject(LiveStateService);
  private readonly session = inject(SessionService);
  private readonly dialog = inject(MatDialog);
  private readonly notify = inject(NotifyService);
  private readonly confirmed = inject(ConfirmedActionService);
  private readonly router = inject(Router);

  protected readonly loading = signal(true);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly stored = signal<ChannelWithOutputsResponse | null>(null);
  protected readonly busy = signal(false);

  private readonly status = computed(() => this.live.channel(this.id())());
  protected readonly channel = computed(() => {
    const c = this.stored();
    return c && c.id === this.id() ? mergeChannelStatus(c, this.status()) : null;
  });
  protected readonly health = computed(() => {
    const c = this.channel();
    return c ? channelHealth(c) : null;
  });
  protected readonly history = computed(() => this.live.history(this.id())());
  protected readonly canControl = computed(() => this.session.can('channel.control'));
  protected readonly canWrite = computed(() => this.session.can('channel.write'));
  protected readonly canPreview = computed(() => this.session.can('channel.read'));
  protected readonly inputWhere = inputWhere;
  protected readonly inputTypeText = inputTypeText;
  protected readonly backupInputText = backupInputText;

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => {
        this.stored.set(null);
        this.load(id);
      });
    });
    // Configuration changed elsewhere (or an output appeared in the live status): reload quietly.
    let lastVersion = this.live.configVersion();
    let lastUnknown = '';
    effect(() => {
      const version = this.live.configVersion();
      const stored = untracked(() => this.stored());
      const unknown = stored ? unknownOutputIds(stored, this.status()).join(',') : '';
      if (version !== lastVersion || (unknown && unknown !== lastUnknown)) {
        lastVersion = version;
        lastUnknown = unknown;
        untracked(() => this.load(this.id(), true));
      }
    });
  }

  protected reload(): void {
    this.load(this.id(), true);
  }

  protected toggle(): void {
    const c = this.channel();
    if (!c) return;
    const starting = c.desired_state !== 'running';
    this.busy.set(true);
    (starting ? this.api.start(c.id) : this.api.stop(c.id)).subscribe({
      next: (updated) => {
        this.stored.set(updated);
        this.busy.set(false);
      },
      error: (failure: unknown) => {
        this.busy.set(false);
        this.notify.failure(`Could not ${starting ? 'start' : 'stop'} the channel`, failure);
      },
    });
  }

  protected edit(): void {
    const c = this.channel();
    if (!c) return;
    this.dialog
      .open<ChannelFormDialogComponent, ChannelFormData, ChannelWithOutputsResponse>(ChannelFormDialogComponent, { data: { channel: c }, width: '600px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe((saved) => {
        if (saved) {
          this.stored.set(saved);
          this.notify.info('Channel saved');
        }
      });
  }

  protected remove(): void {
    const c = this.channel();
    if (!c) return;
    this.confirmed.ask({
      confirm: { title: 'Delete channel?', message: `"${c.name}" and its ${c.outputs.length} outputs are stopped and deleted. This cannot be undone.`, confirm: 'Delete channel', danger: true },
      run: () => this.api.remove(c.id),
      done: `Channel "${c.name}" deleted`,
      failed: 'Could not delete the channel',
      then: () => void this.router.navigate(['/channels']),
    });
  }

  private load(id: string, quiet = false): void {
    if (!quiet) this.loading.set(true);
    this.api.get(id).subscribe({
      next: (channel) => {
        this.stored.set(channel);
        this.problem.set(null);
        this.loading.set(false);
      },
      error: (failure: unknown) => {
        this.problem.set(describeHttpFailure(failure));
        this.loading.set(false);
      },
    });
  }
}
