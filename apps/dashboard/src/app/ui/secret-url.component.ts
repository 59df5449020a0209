import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { maskOutputOptions, maskOutputUrl, type OutputOptions, type OutputProtocol } from '@mld/contracts';
import { formatOptions } from '../channels/channel-view';

/**
 * A destination URL with stream keys and passphrases hidden. Viewers get it masked by the server
 * (no toggle: there is nothing to show); roles that may read secrets see it masked too, with a
 * "Show" toggle, so keys do not end up on screen shares by accident.
 */
@Component({
  selector: 'app-secret-url',
  template: `
    <span class="secret-url">
      <span class="mono break" data-testid="output-url">{{ shown() }}</span>
      @if (optionsText(); as text) {
        <span class="secret-url__options mono small break" data-testid="output-options">{{ text }}</span>
      }
      @if (!serverMasked() && hasSecret()) {
        <button type="button" class="link-button" (click)="revealed.set(!revealed())" [attr.aria-pressed]="revealed()" [attr.aria-label]="(revealed() ? 'Hide' : 'Show') + ' secrets of ' + label()" data-testid="output-secret-toggle">
          {{ revealed() ? 'Hide' : 'Show' }}
        </button>
      }
    </span>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SecretUrlComponent {
  readonly url = input.required<string>();
  readonly protocol = input.required<OutputProtocol>();
  /** The server already masked it (role without secret.read). */
  readonly serverMasked = input(false);
  readonly options = input<OutputOptions>({});
  readonly label = input('destination');

  protected readonly revealed = signal(false);
  private readonly masked = computed(() => maskOutputUrl(this.protocol(), this.url()));
  private readonly maskedOptions = computed(() => formatOptions(maskOutputOptions(this.options())));
  protected readonly hasSecret = computed(() => this.masked() !== this.url() || this.maskedOptions() !== formatOptions(this.options()));
  protected readonly shown = computed(() => (this.revealed() || this.serverMasked() ? this.url() : this.masked()));
  protected readonly optionsText = computed(() => {
    if (Object.keys(this.options()).length === 0) return null;
    return this.revealed() || this.serverMasked() ? formatOptions(this.options()) : this.maskedOptions();
  });
}
