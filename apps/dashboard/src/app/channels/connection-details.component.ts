import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { type ChannelWithOutputsResponse, MASK } from '@mld/contracts';
import { tap } from 'rxjs';
import { SessionService } from '../core/session/session.service';
import { ConfirmedActionService } from '../ui/confirmed-action.service';
import { CopyFieldComponent } from '../ui/copy-field.component';
import { ChannelsApiService } from './channels-api.service';
import { rtmpConnection, srtListenerConnection } from './input-view';

/**
 * What the encoder operator types into the encoder: the SRT URL to call (with latency and
 * passphrase), or the RTMP server, stream key and full publish URL. Keys are masked until "Show";
 * viewers get them masked by the server. Admins rotate the RTMP key here.
 */
@Component({
  selector: 'app-connection-details',
  imports: [MatButton, CopyFieldComponent],
  template: `
    @if (srt() || rtmp() || caller()) {
      <section class="card" aria-labelledby="connection-title" data-testid="connection-details" [attr.data-input-type]="channel().input.type">
        <div class="card__head">
          <h2 id="connection-title" class="card__title">Connection details</h2>
          @if (rtmp() && canRotate()) {
            <button matButton="outlined" type="button" class="card__head-end" (click)="rotate()" data-testid="rtmp-rotate-key">Rotate key</button>
          }
        </div>
        @if (srt(); as s) {
          <p class="muted small">The encoder calls this service (SRT caller mode) at:</p>
          <app-copy-field label="SRT URL" [value]="s.connectUrl" testId="srt-connect-url" />
          <ul class="hint-list small" data-testid="srt-hints">
            <li data-testid="srt-latency-hint">Latency: {{ s.latencyMs }} ms (set the same in the encoder; SRT uses the larger of the two)</li>
            @if (s.encryption; as enc) {
              <li data-testid="srt-passphrase-hint">Encrypted ({{ enc }}): the encoder needs the passphrase.</li>
            } @else {
              <li data-testid="srt-passphrase-hint">Unencrypted: leave the encoder's passphrase empty.</li>
            }
          </ul>
          @if (s.passphrase; as p) {
            <app-copy-field label="Passphrase" [value]="p" [secret]="true" [serverMasked]="p === mask" testId="srt-passphrase" />
          }
        }
        @if (caller(); as target) {
          <p class="muted small" data-testid="srt-caller-target">This service calls <span class="mono">{{ target }}</span>: the encoder or gateway there listens.</p>
        }
        @if (rtmp(); as r) {
          <p class="muted small">Paste the server and key into the encoder, or the full URL where it takes one.</p>
          <app-copy-field label="Server" [value]="r.server" testId="rtmp-server-url" />
          <app-copy-field label="Stream key" [value]="r.streamKey" [secret]="true" [serverMasked]="r.serverMasked" testId="rtmp-stream-key" />
          <app-copy-field label="Publish URL" [value]="r.publishUrl" [masked]="r.maskedPublishUrl" [secret]="true" [serverMasked]="r.serverMasked" testId="rtmp-publish-url" />
          @if (r.serverMasked) {
            <p class="muted small" data-testid="rtmp-key-masked-note">The stream key is hidden: your role cannot read secrets.</p>
          }
        }
      </section>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectionDetailsComponent {
  readonly channel = input.required<ChannelWithOutputsResponse>();
  /** The channel after a key rotation. */
  readonly changed = output<ChannelWithOutputsResponse>();

  private readonly api = inject(ChannelsApiService);
  private readonly confirmed = inject(ConfirmedActionService);
  private readonly session = inject(SessionService);

  protected readonly mask = MASK;
  protected readonly srt = computed(() => srtListenerConnection(this.channel().input));
  protected readonly rtmp = computed(() => rtmpConnection(this.channel().input));
  protected readonly caller = computed(() => {
    const i = this.channel().input;
    return i.type === 'srt' && i.mode === 'caller' ? `srt://${i.host ?? ''}:${i.port}` : null;
  });
  protected readonly canRotate = computed(() => this.session.can('channel.write'));

  protected rotate(): void {
    const c = this.channel();
    this.confirmed.ask({
      confirm: {
        title: 'Rotate the stream key?',
        message: `A new key is made for "${c.name}". The old key stops working at once: an encoder publishing with it is disconnected and needs the new key.`,
        confirm: 'Rotate key',
        danger: true,
      },
      run: () => this.api.rotateStreamKey(c.id).pipe(tap((updated) => this.changed.emit(updated))),
      done: 'New stream key made: give the encoder the new key',
      failed: 'Could not rotate the stream key',
    });
  }
}
