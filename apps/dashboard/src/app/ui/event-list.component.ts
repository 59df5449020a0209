import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { EventRecord } from '@mld/contracts';
import { formatLocalTime } from '../core/format/format';
import { describeCue, summarizeCue } from '../channels/scte35-view';
import { formatDetails } from '../events/events-query';

const DETAILS_MAX = 180;

/** Event-log rows: time, severity, what happened, where and who. Used by the events page and channel detail. */
@Component({
  selector: 'app-event-list',
  imports: [RouterLink],
  template: `
    @if (events().length === 0) {
      <p class="muted" [attr.data-testid]="emptyTestId()">{{ emptyText() }}</p>
    } @else {
      <div class="table-wrap">
        <table class="table table--events" [attr.data-testid]="testId()">
          <caption class="visually-hidden">{{ caption() }}</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              @if (showChannel()) {
                <th scope="col">Channel / output</th>
              }
              <th scope="col">Message</th>
              @if (showActor()) {
                <th scope="col">By</th>
              }
            </tr>
          </thead>
          <tbody>
            @for (e of events(); track e.id) {
              <tr data-testid="event-row" [attr.data-event-id]="e.id" [attr.data-type]="e.type" [attr.data-severity]="e.severity">
                <td class="nowrap num"><time [attr.datetime]="e.at">{{ formatLocalTime(e.at) }}</time></td>
                <td class="nowrap">
                  <span class="severity" [attr.data-severity]="e.severity"><span class="visually-hidden">{{ e.severity }}: </span>{{ e.type }}</span>
                </td>
                @if (showChannel()) {
                  <td>
                    @if (e.channel_id) {
                      <a [routerLink]="['/channels', e.channel_id]">{{ e.channel_name ?? channelNames()[e.channel_id] ?? 'channel' }}</a>
                    }
                    @if (e.output_name) {
                      <span class="muted"> / {{ e.output_name }}</span>
                    }
                  </td>
                }
                <td class="cell-message">
                  {{ e.message }}
                  @if (e.details && showDetails()) {
                    @let full = formatDetails(e.details);
                    <div class="muted small mono break" [title]="full">{{ e.type === 'channel.scte35_cue' ? cueText(e) : shorten(full) }}</div>
                  }
                </td>
                @if (showActor()) {
                  <td>{{ e.actor ?? '—' }}</td>
                }
              </tr>
            }
          </tbody>
        </table>
      </div>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventListComponent {
  readonly events = input.required<readonly EventRecord[]>();
  readonly showChannel = input(true);
  /** Names for events logged without one (e.g. an output created before the channel name was joined in). */
  readonly channelNames = input<Readonly<Record<string, string | undefined>>>({});
  readonly showDetails = input(true);
  readonly showActor = input(true);
  readonly caption = input('Events, newest first');
  readonly emptyText = input('No events.');
  readonly testId = input('events-table');
  readonly emptyTestId = input('events-empty');
  protected readonly formatLocalTime = formatLocalTime;
  protected readonly formatDetails = formatDetails;

  protected cueText(e: EventRecord): string {
    return describeCue(summarizeCue(e.details));
  }

  /** Long details (a raw section in base64…) stay one glance long; the full text is in the tooltip. */
  protected shorten(text: string): string {
    return text.length > DETAILS_MAX ? `${text.slice(0, DETAILS_MAX)}…` : text;
  }
}
