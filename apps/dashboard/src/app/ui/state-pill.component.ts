import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** A small rounded label for a state; `data-state` drives its colour and is what tests read. */
@Component({
  selector: 'app-state-pill',
  template: `<span class="state-pill" [attr.data-state]="state()" [attr.data-testid]="testId()">{{ label() ?? state() }}</span>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StatePillComponent {
  readonly state = input.required<string>();
  readonly label = input<string>();
  readonly testId = input<string | null>(null);
}
