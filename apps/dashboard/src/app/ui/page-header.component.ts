import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/**
 * The header every page starts with: title, an optional one-line description, and the page's
 * actions projected on the right (`<div actions>…</div>`). One piece, so pages differ only in
 * what they show.
 */
@Component({
  selector: 'app-page-header',
  template: `
    <div class="page-header">
      <h1>{{ title() }}</h1>
      @if (meta(); as m) {
        <p class="muted small page-header__meta" [attr.data-testid]="metaTestId()">{{ m }}</p>
      }
      <ng-content select="[meta]" />
      <div class="page-header__actions"><ng-content select="[actions]" /></div>
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PageHeaderComponent {
  readonly title = input.required<string>();
  readonly meta = input<string | null>(null);
  readonly metaTestId = input<string | null>(null);
}
