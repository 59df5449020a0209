import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { Router, RouterLink } from '@angular/router';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { type ApiProblem, describeHttpFailure } from '../core/api/api-error';
import { formatBitrate, formatSince } from '../core/format/format';
import { channelHealth, summarizeOutputs } from '../core/live/channel-health';
import { ClockService } from '../core/live/clock.service';
import { mergeChannelStatus } from '../core/live/live-model';
import { LiveStateService } from '../core/live/live-state.service';
import { NotifyService } from '../core/notify.service';
import { SessionService } from '../core/session/session.service';
import { HealthBadgeComponent } from '../ui/health-badge.component';
import { SparklineComponent } from '../ui/sparkline.component';
import { ChannelFormDialogComponent, type ChannelFormData } from './channel-form-dialog.component';
import { ChannelsApiService } from './channels-api.service';
import { INPUT_TYPE_LABELS } from './channel-input-form';
import { inputEndpoint } from './channel-view';
import { PageHeaderComponent } from '../ui/page-header.component';
import { ChannelThumbnailComponent } from './channel-thumbnail.component';

type StateFilter = 'all' | 'running' | 'stopped' | 'attention';

/** The overview: every channel with its health, input, outputs, a bitrate sparkline and a thumbnail, live. */
@Component({
  selector: 'app-channel-list',
  imports: [RouterLink, MatButton, HealthBadgeComponent, SparklineComponent, PageHeaderComponent, ChannelThumbnailComponent],
  templateUrl: './channel-list.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelListComponent {
  /** Route data: `/channels/new` opens the create dialog over the list. */
  readonly create = input(false);

  private readonly api = inject(ChannelsApiService);
  private readonly session = inject(SessionService);
  private readonly live = inject(LiveStateService);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly notify = inject(NotifyService);
  protected readonly clock = inject(ClockService);

  protected readonly loading = signal(true);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly list = signal<ChannelWithOutputsResponse[] | null>(null);
  protected readonly busy = signal<ReadonlySet<string>>(new Set());
  protected readonly query = signal('');
  protected readonly stateFilter = signal<StateFilter>('all');

  protected readonly canCreate = computed(() => this.session.can('channel.write'));
  protected readonly canControl = computed(() => this.session.can('channel.control'));

  protected readonly rows = computed(() =>
    (this.list() ?? []).map((stored) => {
      const channel = mergeChannelStatus(stored, this.live.channel(stored.id)());
      return {
        channel,
        health: channelHealth(channel),
        outputs: summarizeOutputs(channel.outputs),
        history: this.live.history(stored.id)(),
      };
    }),
  );
  protected readonly visibleRows = computed(() => {
    const q = this.query().trim().toLowerCase();
    const filter = this.stateFilter();
    return this.rows().filter(({ channel, health }) => {
      if (q && !`${channel.name} ${channel.description} ${inputEndpoint(channel)} ${channel.input_type} ${INPUT_TYPE_LABELS[channel.input_type]}`.toLowerCase().includes(q)) return false;
      if (filter === 'running') return channel.desired_state === 'running';
      if (filter === 'stopped') return channel.desired_state !== 'running';
      if (filter === 'attention') return health.level === 'red' || health.level === 'amber';
      return true;
    });
  });
  protected readonly counts = computed(() => {
    const rows = this.rows();
    return {
      total: rows.length,
      running: rows.filter((r) => r.channel.desired_state === 'running').length,
      attention: rows.filter((r) => r.health.level === 'red' || r.health.level === 'amber').length,
    };
  });

  protected readonly inputEndpoint = inputEndpoint;
  protected readonly typeLabels = INPUT_TYPE_LABELS;
  protected readonly formatBitrate = formatBitrate;
  protected readonly formatSince = formatSince;

  constructor() {
    this.load();
    // Someone changed a channel or output elsewhere: refresh names, addresses and outputs quietly.
    let first = true;
    effect(() => {
      this.live.configVersion();
      if (first) {
        first = false;
        return;
      }
      untracked(() => this.load(true));
    });
    effect(() => {
      if (this.create()) untracked(() => this.openCreate());
    });
  }

  protected load(quiet = false): void {
    if (!quiet) this.loading.set(true);
    this.api.list().subscribe({
      next: (channels) => {
        this.list.set(channels);
        this.problem.set(null);
        this.loading.set(false);
      },
      error: (failure: unknown) => {
        this.problem.set(describeHttpFailure(failure));
        this.loading.set(false);
      },
    });
  }

  protected setQuery(event: Event): void {
    this.query.set((event.target as HTMLInputElement).value);
  }

  protected setStateFilter(event: Event): void {
    this.stateFilter.set((event.target as HTMLSelectElement).value as StateFilter);
  }

  protected toggle(channel: ChannelWithOutputsResponse): void {
    const starting = channel.desired_state !== 'running';
    this.busy.update((s) => new Set(s).add(channel.id));
    (starting ? this.api.start(channel.id) : this.api.stop(channel.id)).subscribe({
      next: (updated) => {
        this.list.update((list) => list?.map((c) => (c.id === updated.id ? updated : c)) ?? null);
        this.done(channel.id);
      },
      error: (failure: unknown) => {
        this.notify.failure(`Could not ${starting ? 'start' : 'stop'} "${channel.name}"`, failure);
        this.done(channel.id);
      },
    });
  }

  protected openCreate(): void {
    const ref = this.dialog.open<ChannelFormDialogComponent, ChannelFormData, ChannelWithOutputsResponse>(ChannelFormDialogComponent, {
      data: { channel: null },
      width: '600px',
      maxWidth: '95vw',
      autoFocus: 'first-tabbable',
    });
    ref.afterClosed().subscribe((created) => {
      if (created) void this.router.navigate(['/channels', created.id]);
      else if (this.create()) void this.router.navigate(['/channels']);
    });
  }

  private done(id: string): void {
    this.busy.update((s) => {
      const next = new Set(s);
      next.delete(id);
      return next;
    });
  }
}
