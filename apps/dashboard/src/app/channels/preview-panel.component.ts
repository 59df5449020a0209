import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, ElementRef, inject, input, signal, untracked, viewChild } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { Router } from '@angular/router';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import type Hls from 'hls.js';
import type { ErrorData } from 'hls.js';
import { expireSession } from '../core/session/expire-session';
import { SessionService } from '../core/session/session.service';
import { isPreviewActive, NOT_RUNNING, PREVIEW_NOTE, previewErrorAction, previewHlsConfig, previewPlaylistUrl, type PreviewStatus, previewStatusText } from './preview-player';

/**
 * Closed-loop preview: plays the API's on-demand HLS copy of the channel's input with hls.js,
 * which is loaded only when someone presses "Watch preview" (it stays out of the initial bundle).
 */
@Component({
  selector: 'app-preview-panel',
  imports: [MatButton],
  template: `
    <section class="card" aria-labelledby="preview-title" data-testid="preview-panel">
      <div class="card__head">
        <h2 id="preview-title" class="card__title">Preview</h2>
        <div class="card__head-end button-row">
          <button matButton="filled" type="button" (click)="start()" [disabled]="status().phase === 'starting'" data-testid="preview-start">Watch preview</button>
          <button matButton="outlined" type="button" (click)="stop()" [disabled]="!active()" data-testid="preview-stop">Stop</button>
        </div>
      </div>
      <p class="live-preview__status small" [class.danger-text]="status().phase === 'error'" role="status" data-testid="preview-status" [attr.data-phase]="status().phase">
        {{ statusText() }}
      </p>
      <video
        #video
        class="live-preview__video"
        muted
        autoplay
        playsinline
        controls
        [attr.aria-label]="'Preview of the input of ' + channel().name"
        aria-describedby="preview-note"
        (playing)="onVideo('playing')"
        (waiting)="onVideo('buffering')"
        (pause)="onVideo('paused')"
        data-testid="preview-video"
      ></video>
      <p id="preview-note" class="muted small">{{ note }}</p>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PreviewPanelComponent {
  readonly channel = input.required<ChannelWithOutputsResponse>();

  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  private readonly video = viewChild.required<ElementRef<HTMLVideoElement>>('video');

  protected readonly note = PREVIEW_NOTE;
  protected readonly status = signal<PreviewStatus>({ phase: 'idle' });
  protected readonly statusText = computed(() => previewStatusText(this.status()));
  protected readonly active = computed(() => isPreviewActive(this.status()));

  private hls: Hls | null = null;
  /** Bumped by every start and stop: a player library that finishes loading late is not used. */
  private attempt = 0;
  private mediaRecoveries = 0;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.teardown());
    const channelId = computed(() => this.channel().id);
    const running = computed(() => this.channel().desired_state === 'running');
    effect(() => {
      channelId();
      untracked(() => {
        this.teardown();
        this.status.set({ phase: 'idle' });
      });
    });
    // Stopping the channel ends its preview; starting it again clears the "not running" hint.
    effect(() => {
      const isRunning = running();
      untracked(() => {
        const status = this.status();
        if (!isRunning && isPreviewActive(status)) {
          this.teardown();
          this.status.set({ phase: 'error', message: NOT_RUNNING });
        } else if (isRunning && status.phase === 'error' && status.message === NOT_RUNNING) {
          this.status.set({ phase: 'idle' });
        }
      });
    });
  }

  protected async start(): Promise<void> {
    this.teardown();
    const attempt = this.attempt;
    this.status.set({ phase: 'starting' });
    let HlsPlayer: typeof Hls;
    try {
      HlsPlayer = (await import('hls.js')).default;
    } catch {
      if (attempt === this.attempt) this.status.set({ phase: 'error', message: 'could not load the player: reload the page and try again' });
      return;
    }
    if (attempt !== this.attempt) return; // stopped, restarted or left while the library loaded
    if (!HlsPlayer.isSupported()) {
      this.status.set({ phase: 'error', message: 'this browser cannot play HLS (no Media Source Extensions)' });
      return;
    }
    const video = this.video().nativeElement;
    video.muted = true; // the attribute alone does not mute an element created by script
    const hls = new HlsPlayer(previewHlsConfig(() => this.session.token()));
    this.hls = hls;
    this.mediaRecoveries = 0;
    hls.on(HlsPlayer.Events.ERROR, (_event, data) => this.onError(hls, data));
    hls.on(HlsPlayer.Events.MANIFEST_PARSED, () => {
      video.play().catch(() => {
        if (this.hls === hls && video.paused) this.status.set({ phase: 'paused' });
      });
    });
    hls.attachMedia(video);
    hls.loadSource(previewPlaylistUrl(this.channel().id));
  }

  protected stop(): void {
    this.teardown();
    this.status.set({ phase: 'idle' });
  }

  protected onVideo(phase: 'playing' | 'buffering' | 'paused'): void {
    // Tearing down fires pause on the element: only a live player reports, and "starting…" holds until it plays.
    if (!this.hls || (this.status().phase === 'starting' && phase !== 'playing')) return;
    this.status.set({ phase });
  }

  private onError(hls: Hls, data: ErrorData): void {
    if (hls !== this.hls) return;
    const action = previewErrorAction(data, this.mediaRecoveries);
    switch (action.kind) {
      case 'ignore':
        return;
      case 'recover-media':
        this.mediaRecoveries++;
        hls.recoverMediaError();
        return;
      case 'session-ended':
        this.stop();
        expireSession(this.session, this.router);
        return;
      case 'fail':
        this.teardown();
        this.status.set({ phase: 'error', message: action.message });
        return;
    }
  }

  /** Destroys the player (it detaches from the video and aborts its requests); the API stops the preview a minute later. */
  private teardown(): void {
    this.attempt++;
    const hls = this.hls;
    this.hls = null;
    hls?.destroy();
  }
}
