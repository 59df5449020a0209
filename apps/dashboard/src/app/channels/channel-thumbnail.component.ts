import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, inject, input, signal, untracked } from '@angular/core';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { firstValueFrom } from 'rxjs';
import { describeHttpFailure } from '../core/api/api-error';
import { describePicture } from '../core/live/channel-health';
import { ChannelsApiService } from './channels-api.service';

/** The API makes a thumbnail only when asked, so the page asks only while it is open and visible. */
export const THUMBNAIL_REFRESH_MS = 10_000;

/** The error body of a blob request arrives as a Blob: read it back as JSON for the message. */
async function withJsonBody(failure: unknown): Promise<unknown> {
  const error = (failure as { error?: unknown } | null)?.error;
  if (typeof Blob === 'undefined' || !(error instanceof Blob)) return failure;
  try {
    return { status: (failure as { status: number }).status, error: JSON.parse(await error.text()) as unknown };
  } catch {
    return failure;
  }
}

/**
 * A JPEG of the channel's latest key frame, refreshed every 10 s while the page is open: a card
 * next to the preview, or (compact) just a small picture in the channel list, nothing when there is none.
 */
@Component({
  selector: 'app-channel-thumbnail',
  template: `
    @if (compact()) {
      @if (url(); as src) {
        <img class="thumbnail__image thumbnail__image--small" [src]="src" [alt]="'Latest key frame of ' + channel().name" [title]="status()" width="96" height="54" data-testid="channel-thumbnail" />
      }
    } @else {
      <section class="card" aria-labelledby="thumbnail-title" data-testid="thumbnail-panel">
        <div class="card__head">
          <h2 id="thumbnail-title" class="card__title">Thumbnail</h2>
        </div>
        @if (url(); as src) {
          <img class="thumbnail__image" [src]="src" [alt]="'Latest key frame of ' + channel().name" width="320" height="180" data-testid="thumbnail-image" />
        }
        @if (pictureFlag(); as flag) {
          <p class="small" data-testid="thumbnail-picture-flag"><span class="state-pill" data-state="degraded">{{ flag }}</span> the same decoded key frames, compared over time</p>
        }
        <p class="muted small" role="status" data-testid="thumbnail-status">{{ status() }}</p>
      </section>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelThumbnailComponent {
  readonly channel = input.required<ChannelWithOutputsResponse>();
  readonly compact = input(false);

  private readonly api = inject(ChannelsApiService);
  protected readonly url = signal<string | null>(null);
  protected readonly status = signal('');
  /** "black picture for 12 s" while the API's picture check says so (it checks the key frames these requests decode). */
  protected readonly pictureFlag = computed(() => describePicture(this.channel().runtime ?? { picture: null }));
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Bumped by every change of channel or state: a late answer for an earlier one is dropped. */
  private generation = 0;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.reset());
    const channelId = computed(() => this.channel().id);
    const running = computed(() => this.channel().desired_state === 'running');
    effect(() => {
      const id = channelId();
      const isRunning = running();
      untracked(() => {
        this.reset();
        if (!isRunning) {
          this.status.set('The channel is stopped: start it to see a picture of its input.');
          return;
        }
        this.status.set('Waiting for a key frame…');
        void this.load(id);
        this.timer = setInterval(() => {
          if (typeof document === 'undefined' || !document.hidden) void this.load(id);
        }, THUMBNAIL_REFRESH_MS);
      });
    });
  }

  private async load(id: string): Promise<void> {
    const generation = this.generation;
    try {
      const response = await firstValueFrom(this.api.thumbnail(id));
      if (generation !== this.generation || !response.body) return;
      this.show(URL.createObjectURL(response.body));
      const at = response.headers.get('X-Thumbnail-At');
      this.status.set(at ? `Key frame received at ${new Date(at).toLocaleTimeString()}; refreshed every ${THUMBNAIL_REFRESH_MS / 1000} s.` : '');
    } catch (failure) {
      if (generation !== this.generation) return;
      this.status.set(`No picture: ${describeHttpFailure(await withJsonBody(failure)).message}`);
    }
  }

  private show(url: string | null): void {
    const previous = this.url();
    if (previous) URL.revokeObjectURL(previous);
    this.url.set(url);
  }

  private reset(): void {
    this.generation++;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.show(null);
  }
}
