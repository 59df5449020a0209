import { ChangeDetectionStrategy, Component, computed, DestroyRef, type ElementRef, inject, signal, viewChild } from '@angular/core';
import { HttpEventType } from '@angular/common/http';
import { MatButton } from '@angular/material/button';
import type { MediaResponse } from '@mld/contracts';
import type { Subscription } from 'rxjs';
import { describeHttpFailure } from '../core/api/api-error';
import { listResource } from '../core/api/list-resource';
import { formatBitrate, formatBytes, formatLocalTime } from '../core/format/format';
import { NotifyService } from '../core/notify.service';
import { SessionService } from '../core/session/session.service';
import { ConfirmedActionService } from '../ui/confirmed-action.service';
import { ListStateComponent } from '../ui/list-state.component';
import { PageHeaderComponent } from '../ui/page-header.component';
import { MediaApiService } from './media-api.service';
import { codecsText, formatClipDuration, storedAsText, uploadPercent, uploadStatusText, type UploadState } from './media-view';

/**
 * The media library: files a channel can play as its input. Everyone sees the list; admins upload
 * (with progress, then the server's verdict) and delete (refused while a channel uses the file).
 */
@Component({
  selector: 'app-media-page',
  imports: [MatButton, PageHeaderComponent, ListStateComponent],
  template: `
    <app-page-header title="Media" meta="Files a channel can play as its input (MPEG-TS kept byte for byte; MP4/MOV with H.264 and AAC remuxed once to MPEG-TS, never transcoded), and PNG/JPEG images a channel shows as its slate when its input stops." />
    @if (canWrite()) {
      <section class="card" aria-labelledby="media-upload-title" data-testid="media-upload">
        <h2 class="card__title" id="media-upload-title">Upload a file</h2>
        <div class="form-grid">
          <div class="field">
            <label for="media-file">File</label>
            <input #fileInput id="media-file" type="file" accept=".ts,.m2t,.mp4,.mov,.png,.jpg,.jpeg,video/mp2t,video/mp4,video/quicktime,image/png,image/jpeg" (change)="pick($event)" [disabled]="busy()" data-testid="media-file" />
          </div>
          <div class="field">
            <label for="media-name">Name <span class="muted small">(optional; default: the file's name)</span></label>
            <input id="media-name" type="text" maxlength="200" autocomplete="off" [value]="name()" (input)="name.set($any($event.target).value)" [disabled]="busy()" data-testid="media-name" />
          </div>
        </div>
        <div class="button-row">
          <button matButton="filled" type="button" (click)="start()" [disabled]="!file() || busy()" data-testid="media-upload-start">Upload</button>
          @if (busy()) {
            <button matButton type="button" (click)="cancel()" data-testid="media-upload-cancel">Cancel</button>
          }
        </div>
        @if (upload().phase === 'sending' || upload().phase === 'checking') {
          <progress class="upload-progress" max="100" [value]="percent()" aria-label="Upload progress" data-testid="media-progress" [attr.data-percent]="percent()"></progress>
          <p class="small" role="status" aria-live="polite" data-testid="media-progress-text">{{ statusText() }}</p>
        } @else if (upload().phase === 'failed') {
          <p class="notice notice--error" role="alert" data-testid="media-upload-error">{{ statusText() }}</p>
        }
      </section>
    }
    <app-list-state testId="media" [error]="error()" [empty]="items().length === 0" emptyText="No media files yet.">
        <table class="table" data-testid="media-table">
          <caption class="visually-hidden">Media files</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Duration</th>
              <th scope="col">Codecs</th>
              <th scope="col">Size</th>
              <th scope="col">Stored as</th>
              <th scope="col">Used by</th>
              <th scope="col">Uploaded</th>
              @if (canWrite()) {
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              }
            </tr>
          </thead>
          <tbody>
            @for (m of items(); track m.id) {
              <tr data-testid="media-row" [attr.data-media-name]="m.name">
                <th scope="row" class="break">{{ m.name }}</th>
                <td class="num" data-testid="media-duration">{{ formatClipDuration(m.duration_ms) }}</td>
                <td data-testid="media-codecs">{{ codecsText(m) }}@if (m.width && m.height) {<div class="muted small">{{ m.width }}×{{ m.height }}</div>}</td>
                <td class="num" data-testid="media-size">{{ formatBytes(m.size_bytes) }}<div class="muted small">{{ formatBitrate(m.bitrate_bps) }}</div></td>
                <td class="small">{{ storedAsText(m) }}</td>
                <td class="small" data-testid="media-used-by">{{ usedByText(m) }}</td>
                <td class="num">{{ formatLocalTime(m.created_at) }}<div class="muted small">{{ m.uploaded_by }}</div></td>
                @if (canWrite()) {
                  <td class="cell-actions">
                    <button matButton type="button" class="danger-text" (click)="remove(m)" [attr.aria-label]="'Delete media ' + m.name" data-testid="media-delete">Delete</button>
                  </td>
                }
              </tr>
            }
          </tbody>
        </table>
    </app-list-state>
  `,
  styles: `
    .upload-progress {
      display: block;
      width: 100%;
      height: 0.75rem;
      margin-top: 0.75rem;
      accent-color: var(--accent, currentColor);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MediaPageComponent {
  private readonly api = inject(MediaApiService);
  private readonly confirmed = inject(ConfirmedActionService);
  private readonly notify = inject(NotifyService);
  private readonly session = inject(SessionService);

  private readonly list = listResource(() => this.api.list());
  protected readonly items = this.list.items;
  protected readonly error = this.list.error;
  protected readonly canWrite = computed(() => this.session.can('media.write'));

  protected readonly file = signal<File | null>(null);
  protected readonly name = signal('');
  protected readonly upload = signal<UploadState>({ phase: 'idle' });
  protected readonly busy = computed(() => this.upload().phase === 'sending' || this.upload().phase === 'checking');
  protected readonly percent = computed(() => uploadPercent(this.upload()));
  protected readonly statusText = computed(() => uploadStatusText(this.upload()));
  private running: Subscription | undefined;
  private readonly fileInput = viewChild<ElementRef<HTMLInputElement>>('fileInput');

  protected readonly formatBytes = formatBytes;
  protected readonly formatBitrate = formatBitrate;
  protected readonly formatLocalTime = formatLocalTime;
  protected readonly formatClipDuration = formatClipDuration;
  protected readonly codecsText = codecsText;
  protected readonly storedAsText = storedAsText;

  constructor() {
    // Leaving the page aborts an upload in progress; the server then keeps nothing of it.
    inject(DestroyRef).onDestroy(() => this.running?.unsubscribe());
  }

  protected pick(event: Event): void {
    this.file.set((event.target as HTMLInputElement).files?.[0] ?? null);
    if (this.upload().phase === 'failed') this.upload.set({ phase: 'idle' });
  }

  protected start(): void {
    const file = this.file();
    if (!file || this.busy()) return;
    this.upload.set({ phase: 'sending', loaded: 0, total: file.size });
    this.running = this.api.upload(file, this.name()).subscribe({
      next: (event) => {
        if (event.type === HttpEventType.UploadProgress) {
          const total = event.total ?? file.size;
          this.upload.set(event.loaded >= total ? { phase: 'checking' } : { phase: 'sending', loaded: event.loaded, total });
        } else if (event.type === HttpEventType.Response && event.body) {
          this.upload.set({ phase: 'idle' });
          this.name.set('');
          this.file.set(null);
          const input = this.fileInput()?.nativeElement;
          if (input) input.value = '';
          this.notify.info(`"${event.body.name}" added to the media library (${codecsText(event.body)}, ${formatClipDuration(event.body.duration_ms)})`);
          this.list.reload();
        }
      },
      error: (failure: unknown) => this.upload.set({ phase: 'failed', message: describeHttpFailure(failure).message }),
    });
  }

  protected cancel(): void {
    this.running?.unsubscribe();
    this.running = undefined;
    this.upload.set({ phase: 'idle' });
  }

  protected usedByText(m: MediaResponse): string {
    return m.used_by.length === 0 ? '—' : m.used_by.map((c) => c.name).join(', ');
  }

  protected remove(m: MediaResponse): void {
    const role = m.container === 'image' ? 'slate' : 'input';
    const inUse = m.used_by.length > 0 ? ` It is the ${role} of ${this.usedByText(m)}: the server will refuse until they use another ${role}.` : '';
    this.confirmed.ask({
      confirm: { title: 'Delete media file?', message: `"${m.name}" and its stored file are removed for good.${inUse}`, confirm: 'Delete', danger: true },
      run: () => this.api.remove(m.id),
      done: `"${m.name}" deleted`,
      failed: `Could not delete "${m.name}"`,
      then: () => this.list.reload(),
    });
  }
}
