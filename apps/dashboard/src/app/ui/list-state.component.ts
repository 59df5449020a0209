import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/**
 * What a list page shows around its table: the load error, or the empty state, or the table
 * (projected). `testId` prefixes the hooks the e2e tests use (`<prefix>-error`, `<prefix>-empty`).
 */
@Component({
  selector: 'app-list-state',
  template: `
    @if (error(); as e) {
      <p class="notice notice--error" role="alert" [attr.data-testid]="testId() + '-error'">{{ e }}</p>
    }
    @if (empty() && !error()) {
      <p class="muted" [attr.data-testid]="testId() + '-empty'">{{ emptyText() }}</p>
    } @else {
      <div class="table-wrap"><ng-content /></div>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ListStateComponent {
  readonly testId = input.required<string>();
  readonly error = input<string | null>(null);
  /** True shows `emptyText` instead of the table. */
  readonly empty = input(false);
  readonly emptyText = input('Nothing here yet.');
}
