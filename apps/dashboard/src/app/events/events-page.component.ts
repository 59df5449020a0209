import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatFormField, MatLabel } from '@angular/material/form-field';
import { MatOptgroup, MatOption, MatSelect } from '@angular/material/select';
import { MatSlideToggle } from '@angular/material/slide-toggle';
import type { ChannelResponse, EventRecord, EventType } from '@mld/contracts';
import { describeHttpFailure } from '../core/api/api-error';
import { mergeEvents } from '../core/live/live-model';
import { LiveStateService } from '../core/live/live-state.service';
import { ChannelsApiService } from '../channels/channels-api.service';
import { EventListComponent } from '../ui/event-list.component';
import { EventsApiService } from './events-api.service';
import { EMPTY_FILTER, EVENT_TYPE_GROUPS, type EventFilter, eventQueryParams, matchesFilter } from './events-query';
import { PageHeaderComponent } from '../ui/page-header.component';

/** The event log: filters by channel, type and time; older pages by cursor; new events live on top. */
@Component({
  selector: 'app-events-page',
  imports: [MatButton, MatFormField, MatLabel, MatSelect, MatOption, MatOptgroup, MatSlideToggle, EventListComponent, PageHeaderComponent],
  templateUrl: './events-page.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventsPageComponent {
  /** `?channel=<id>` from a channel's "all events" link. */
  readonly channel = input<string>();

  private readonly api = inject(EventsApiService);
  private readonly channelsApi = inject(ChannelsApiService);
  private readonly live = inject(LiveStateService);

  protected readonly typeGroups = EVENT_TYPE_GROUPS;
  protected readonly channels = signal<ChannelResponse[]>([]);
  protected readonly channelNames = computed(() => Object.fromEntries(this.channels().map((c) => [c.id, c.name])));
  protected readonly filter = signal<EventFilter>(EMPTY_FILTER);
  protected readonly loaded = signal<readonly EventRecord[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly followLive = signal(true);
  /** Only pushes after this id are added (older ones are the loaded pages' business). */
  private readonly liveSince = signal<string>('0');

  protected readonly events = computed(() => {
    if (!this.followLive()) return this.loaded();
    const filter = this.filter();
    const since = this.liveSince();
    const pushed = this.live.events().filter((e) => matchesFilter(e, filter) && (e.id.length > since.length || (e.id.length === since.length && e.id > since)));
    return mergeEvents(this.loaded(), pushed, Number.MAX_SAFE_INTEGER);
  });

  constructor() {
    this.channelsApi.list().subscribe({ next: (list) => this.channels.set(list), error: () => undefined });
    effect(() => {
      const channelId = this.channel() ?? '';
      untracked(() => this.filter.update((f) => ({ ...f, channelId })));
    });
    effect(() => {
      const filter = this.filter();
      untracked(() => this.load(filter, null));
    });
  }

  protected setChannel(event: Event): void {
    this.filter.update((f) => ({ ...f, channelId: (event.target as HTMLSelectElement).value }));
  }

  protected setTypes(types: EventType[]): void {
    this.filter.update((f) => ({ ...f, types }));
  }

  protected setTime(which: 'from' | 'to', event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.filter.update((f) => ({ ...f, [which]: value }));
  }

  protected clear(): void {
    this.filter.set(EMPTY_FILTER);
  }

  protected loadMore(): void {
    const cursor = this.nextCursor();
    if (cursor) this.load(this.filter(), cursor);
  }

  private load(filter: EventFilter, before: string | null): void {
    this.loading.set(true);
    this.error.set(null);
    this.api.query(eventQueryParams(filter, before)).subscribe({
      next: (page) => {
        if (before) this.loaded.update((list) => mergeEvents(list, page.events, Number.MAX_SAFE_INTEGER));
        else {
          this.loaded.set(page.events);
          this.liveSince.set(page.events[0]?.id ?? this.newestPushedId());
        }
        this.nextCursor.set(page.next_cursor);
        this.loading.set(false);
      },
      error: (failure: unknown) => {
        const problem = describeHttpFailure(failure);
        this.error.set(Object.values(problem.fieldErrors).join('; ') || problem.message);
        this.loading.set(false);
      },
    });
  }

  private newestPushedId(): string {
    return this.live.events()[0]?.id ?? '0';
  }
}
