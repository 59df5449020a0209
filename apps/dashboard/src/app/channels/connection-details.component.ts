import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { MatAnchor, MatButton } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { type ChannelInputView, type ChannelWithOutputsResponse, type InputRoleName, MASK } from '@mld/contracts';
import { tap } from 'rxjs';
import { SessionService } from '../core/session/session.service';
import { ConfirmedActionService } from '../ui/confirmed-action.service';
import { CopyFieldComponent } from '../ui/copy-field.component';
import { ChannelsApiService } from './channels-api.service';
import { connectionSection } from './input-view';

/**
 * What the encoder operator types into the encoder: the SRT URL to call (with latency and
 * passphrase), or the RTMP server, stream key and full publish URL. Keys are masked until "Show";
 * viewers get them masked by the server. Admins rotate the RTMP key here. A backup input has its
 * own details (its own port, its own stream key) under the main's.
 */
@Component({
  selector: 'app-connection-details',
  imports: [MatButton, MatAnchor, RouterLink, CopyFieldComponent],
  template: `
    @if (sections().length > 0) {
      <section class="card" aria-labelledby="connection-title" data-testid="connection-details" [attr.data-input-type]="channel().input.type">
        <div class="card__head">
          <h2 id="connection-title" class="card__title">Connection details</h2>
          @if (!hasBackup() && (sections()[0]?.rtmp || sections()[0]?.whip) && canRotate()) {
            <button matButton="outlined" type="button" class="card__head-end" (click)="rotate('main')" data-testid="rtmp-rotate-key">Rotate key</button>
          }
        </div>
        @for (s of sections(); track s.role) {
          <div class="connection" [attr.data-testid]="s.prefix + 'connection'" [attr.data-role]="s.role">
            @if (hasBackup()) {
              <div class="card__head">
                <h3 class="connection__title" [attr.data-testid]="s.prefix + 'connection-title'">{{ s.role === 'main' ? 'Main input' : 'Backup input' }}</h3>
                @if ((s.rtmp || s.whip) && canRotate()) {
                  <button matButton="outlined" type="button" class="card__head-end" (click)="rotate(s.role)" [attr.data-testid]="s.prefix + 'rtmp-rotate-key'">Rotate key</button>
                }
              </div>
            }
            @if (s.srt; as srt) {
              <p class="muted small">The encoder calls this service (SRT caller mode) at:</p>
              <app-copy-field label="SRT URL" [value]="srt.connectUrl" [testId]="s.prefix + 'srt-connect-url'" />
              <ul class="hint-list small" [attr.data-testid]="s.prefix + 'srt-hints'">
                <li [attr.data-testid]="s.prefix + 'srt-latency-hint'">Latency: {{ srt.latencyMs }} ms (set the same in the encoder; SRT uses the larger of the two)</li>
                @if (srt.encryption; as enc) {
                  <li [attr.data-testid]="s.prefix + 'srt-passphrase-hint'">Encrypted ({{ enc }}): the encoder needs the passphrase.</li>
                } @else {
                  <li [attr.data-testid]="s.prefix + 'srt-passphrase-hint'">Unencrypted: leave the encoder's passphrase empty.</li>
                }
              </ul>
              @if (srt.passphrase; as p) {
                <app-copy-field label="Passphrase" [value]="p" [secret]="true" [serverMasked]="p === mask" [testId]="s.prefix + 'srt-passphrase'" />
              }
            }
            @if (s.caller; as target) {
              <p class="muted small" [attr.data-testid]="s.prefix + 'srt-caller-target'">This service calls <span class="mono">{{ target }}</span>: the encoder or gateway there listens.</p>
            }
            @if (s.rtmp; as r) {
              <p class="muted small">Paste the server and key into the encoder, or the full URL where it takes one.</p>
              <app-copy-field label="Server" [value]="r.server" [testId]="s.prefix + 'rtmp-server-url'" />
              <app-copy-field label="Stream key" [value]="r.streamKey" [secret]="true" [serverMasked]="r.serverMasked" [testId]="s.prefix + 'rtmp-stream-key'" />
              <app-copy-field label="Publish URL" [value]="r.publishUrl" [masked]="r.maskedPublishUrl" [secret]="true" [serverMasked]="r.serverMasked" [testId]="s.prefix + 'rtmp-publish-url'" />
              @if (r.serverMasked) {
                <p class="muted small" [attr.data-testid]="s.prefix + 'rtmp-key-masked-note'">The stream key is hidden: your role cannot read secrets.</p>
              }
            }
            @if (s.whip; as w) {
              <p class="muted small">A WHIP encoder (OBS: Service "WHIP") takes the URL and the token as its bearer token. Or publish this browser's camera:</p>
              <app-copy-field label="WHIP URL" [value]="origin + w.path" [testId]="s.prefix + 'whip-url'" />
              <app-copy-field label="Bearer token" [value]="w.token" [secret]="true" [serverMasked]="w.serverMasked" [testId]="s.prefix + 'whip-token'" />
              @if (s.role === 'main' && !w.serverMasked) {
                <a matButton="outlined" [routerLink]="['/channels', channel().id, 'go-live']" data-testid="whip-go-live">Go live from this browser</a>
              }
            }
          </div>
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
  protected readonly origin = window.location.origin;
  protected readonly hasBackup = computed(() => this.channel().backup_input !== null);
  /** The main's details, then the backup's (test ids `backup-…`); inputs with nothing to tell an encoder are left out. */
  protected readonly sections = computed(() => {
    const c = this.channel();
    const inputs: Array<{ role: InputRoleName; input: ChannelInputView }> = [{ role: 'main', input: c.input }];
    if (c.backup_input) inputs.push({ role: 'backup', input: c.backup_input });
    return inputs.map(({ role, input }) => connectionSection(role, input)).filter((s) => s.srt || s.rtmp || s.caller || s.whip);
  });
  protected readonly canRotate = computed(() => this.session.can('channel.write'));

  protected rotate(role: InputRoleName): void {
    const c = this.channel();
    const whose = role === 'main' ? `"${c.name}"` : `the backup input of "${c.name}"`;
    const whip = (role === 'main' ? c.input : c.backup_input)?.type === 'whip';
    this.confirmed.ask({
      confirm: {
        title: whip ? 'Rotate the WHIP token?' : role === 'main' ? 'Rotate the stream key?' : 'Rotate the backup stream key?',
        message: whip
          ? `A new token is made for ${whose}. The old one is refused at once for new sessions: publishers need the new token.`
          : `A new key is made for ${whose}. The old key stops working at once: an encoder publishing with it is disconnected and needs the new key.`,
        confirm: 'Rotate key',
        danger: true,
      },
      run: () => this.api.rotateStreamKey(c.id, role).pipe(tap((updated) => this.changed.emit(updated))),
      done: 'New stream key made: give the encoder the new key',
      failed: 'Could not rotate the stream key',
    });
  }
}
