import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, input, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MASK } from '@mld/contracts';
import { copyText } from './clipboard';

/**
 * One value an operator pastes elsewhere (a URL, a stream key), with a copy button. A secret is
 * shown masked with a "Show" toggle (keys do not end up on screen shares by accident) and copied
 * unmasked; one the server already masked (role without secret.read) has nothing to show or copy.
 */
@Component({
  selector: 'app-copy-field',
  imports: [MatButton],
  host: { class: 'copy-field', '[attr.data-testid]': 'testId()', '[attr.data-server-masked]': 'serverMasked()' },
  template: `
    <span class="copy-field__label">{{ label() }}</span>
    <code class="copy-field__value mono break" data-testid="copy-field-value">{{ shown() }}</code>
    <span class="copy-field__actions">
      @if (secret() && !serverMasked()) {
        <button type="button" class="link-button" (click)="revealed.set(!revealed())" [attr.aria-pressed]="revealed()" [attr.aria-label]="(revealed() ? 'Hide ' : 'Show ') + label()" data-testid="copy-field-toggle">
          {{ revealed() ? 'Hide' : 'Show' }}
        </button>
      }
      @if (!serverMasked()) {
        <button matButton="outlined" type="button" (click)="copy()" [attr.aria-label]="'Copy ' + label()" data-testid="copy-field-copy">{{ copied() ? 'Copied' : 'Copy' }}</button>
      }
    </span>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CopyFieldComponent {
  readonly label = input.required<string>();
  readonly value = input.required<string>();
  readonly secret = input(false);
  /** What a hidden secret looks like (a URL keeps its host: `rtmp://host/live/****`). */
  readonly masked = input(MASK);
  /** The server sent a mask instead of the value. */
  readonly serverMasked = input(false);
  readonly testId = input<string | null>(null);

  protected readonly revealed = signal(false);
  protected readonly copied = signal(false);
  protected readonly shown = computed(() => (this.secret() && !this.revealed() && !this.serverMasked() ? this.masked() : this.value()));
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  protected copy(): void {
    void copyText(this.value()).then((ok) => {
      this.copied.set(ok);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.copied.set(false), 2000);
    });
  }
}
