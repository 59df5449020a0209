import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { EventRecord } from '@mld/contracts';
import { describeHttpFailure } from '../core/api/api-error';
import { formatLocalTime } from '../core/format/format';
import { mergeEvents } from '../core/live/live-model';
import { LiveStateService } from '../core/live/live-state.service';
import { EventsApiService } from '../events/events-api.service';
import { EventListComponent } from '../ui/event-list.component';
import { describeCue, summarizeCue } from './scte35-view';

const RECENT = 30;
const CUES = 20;

/** Recent events of one channel and its SCTE-35 cues: the log's last page, then live pushes on top. */
@Component({
  selector: 'app-channel-events',
  imports: [EventListComponent, RouterLink],
  template: `
    <section class="card" aria-labelledby="scte35-title" data-testid="scte35-panel">
      <div class="card__head">
        <h2 id="scte35-title" class="card__title">SCTE-35 cues</h2>
        <span class="muted small">splice_info_sections seen on the input (they travel on SRT, UDP and RTP outputs, not RTMP)</span>
      </div>
      @if (cues().length === 0) {
        <p class="muted" data-testid="scte35-empty">No cue seen yet.</p>
      } @else {
        <ul class="cue-list">
          @for (c of cues(); track c.event.id) {
            <li data-testid="scte35-cue" [attr.data-event-id]="c.event.id">
              <time class="num muted nowrap" [attr.datetime]="c.event.at">{{ formatLocalTime(c.event.at) }}</time>
              <span class="mono">{{ c.text }}</span>
            </li>
          }
        </ul>
      }
    </section>

    <section class="card" aria-labelledby="channel-events-title" data-testid="channel-events">
      <div class="card__head">
        <h2 id="channel-events-title" class="card__title">Recent events</h2>
        <a class="card__head-end" routerLink="/events" [queryParams]="{ channel: channelId() }" data-testid="channel-events-all">All events of this channel</a>
      </div>
      @if (error(); as e) {
        <p class="notice notice--error" role="alert">{{ e }}</p>
      }
      <app-event-list [events]="recent()" [showChannel]="false" [showDetails]="false" [showActor]="false" caption="Recent events of this channel, newest first" emptyText="No events yet." testId="channel-events-table" />
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelEventsComponent {
  readonly channelId = input.required<string>();
  private readonly api = inject(EventsApiService);
  private readonly live = inject(LiveStateService);

  private readonly loaded = signal<readonly EventRecord[]>([]);
  private readonly loadedCues = signal<readonly EventRecord[]>([]);
  protected readonly error = signal<string | null>(null);

  private readonly pushed = computed(() => this.live.events().filter((e) => e.channel_id === this.channelId()));
  protected readonly recent = computed(() => mergeEvents(this.loaded(), this.pushed(), RECENT));
  protected readonly cues = computed(() =>
    mergeEvents(this.loadedCues(), this.pushed().filter((e) => e.type === 'channel.scte35_cue'), CUES).map((event) => ({
      event,
      text: describeCue(summarizeCue(event.details)),
    })),
  );
  protected readonly formatLocalTime = formatLocalTime;

  constructor() {
    effect(() => {
      const id = this.channelId();
      untracked(() => this.load(id));
    });
  }

  private load(id: string): void {
    this.loaded.set([]);
    this.loadedCues.set([]);
    this.api.query({ channel_id: id, limit: String(RECENT) }).subscribe({
      next: (page) => this.loaded.set(page.events),
      error: (failure: unknown) => this.error.set(`Events could not be loaded: ${describeHttpFailure(failure).message}`),
    });
    this.api.query({ channel_id: id, type: 'channel.scte35_cue', limit: String(CUES) }).subscribe({
      next: (page) => this.loadedCues.set(page.events),
      error: () => undefined,
    });
  }
}
