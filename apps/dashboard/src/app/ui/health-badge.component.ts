import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { type Health, HEALTH_LABEL } from '../core/live/channel-health';

/** Green / amber / red dot with the reason in words (colour is never the only signal). */
@Component({
  selector: 'app-health-badge',
  template: `
    <span class="health" [attr.data-level]="health().level" data-testid="health-badge">
      <span class="health__dot" aria-hidden="true"></span>
      <span class="visually-hidden">{{ label() }}: </span>
      <span class="health__reason" data-testid="health-reason">{{ health().reason }}</span>
    </span>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HealthBadgeComponent {
  readonly health = input.required<Health>();
  protected readonly label = computed(() => HEALTH_LABEL[this.health().level]);
}
