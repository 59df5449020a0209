import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import type { ApiTokenResponse, CreatedApiTokenResponse } from '@mld/contracts';
import { listResource } from '../core/api/list-resource';
import { formatLocalTime } from '../core/format/format';
import { SessionService } from '../core/session/session.service';
import { ConfirmedActionService } from '../ui/confirmed-action.service';
import { ListStateComponent } from '../ui/list-state.component';
import { PageHeaderComponent } from '../ui/page-header.component';
import { AdminApiService } from './admin-api.service';
import { TokenDialogComponent } from './token-dialog.component';

/** API tokens for automation (admin): create (secret shown once), list, revoke. */
@Component({
  selector: 'app-tokens-page',
  imports: [MatButton, PageHeaderComponent, ListStateComponent],
  template: `
    <app-page-header title="API tokens">
      <p meta class="muted small page-header__meta">For scripts and monitoring: send as <span class="mono">Authorization: Bearer mld_…</span></p>
      <div actions>
        @if (canWrite()) {
          <button matButton="filled" type="button" (click)="create()" data-testid="new-token">New token</button>
        }
      </div>
    </app-page-header>
    <app-list-state testId="tokens" [error]="error()" [empty]="tokens().length === 0" emptyText="No API tokens yet.">
        <table class="table" data-testid="tokens-table">
          <caption class="visually-hidden">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Prefix</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Status</th>
              @if (canWrite()) {
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              }
            </tr>
          </thead>
          <tbody>
            @for (t of tokens(); track t.id) {
              @let status = statusOf(t);
              <tr data-testid="token-row" [attr.data-token-name]="t.name" [attr.data-status]="status">
                <th scope="row">{{ t.name }}</th>
                <td><span class="role-pill" [attr.data-role]="t.role">{{ t.role }}</span></td>
                <td class="mono">{{ t.prefix }}…</td>
                <td class="num">{{ formatLocalTime(t.created_at) }}<div class="muted small">{{ t.created_by ?? '' }}</div></td>
                <td class="num">{{ t.last_used_at ? formatLocalTime(t.last_used_at) : 'never' }}</td>
                <td class="num">{{ t.expires_at ? formatLocalTime(t.expires_at) : 'never' }}</td>
                <td><span class="state-pill" [attr.data-state]="status" data-testid="token-status">{{ status }}</span></td>
                @if (canWrite()) {
                  <td class="cell-actions">
                    @if (status === 'active') {
                      <button matButton type="button" class="danger-text" (click)="revoke(t)" [attr.aria-label]="'Revoke token ' + t.name" data-testid="token-revoke">Revoke</button>
                    }
                  </td>
                }
              </tr>
            }
          </tbody>
        </table>
    </app-list-state>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokensPageComponent {
  private readonly api = inject(AdminApiService);
  private readonly dialog = inject(MatDialog);
  private readonly confirmed = inject(ConfirmedActionService);
  private readonly session = inject(SessionService);

  private readonly list = listResource(() => this.api.tokens());
  protected readonly tokens = this.list.items;
  protected readonly error = this.list.error;
  protected readonly canWrite = computed(() => this.session.can('token.write'));
  protected readonly formatLocalTime = formatLocalTime;

  protected statusOf(t: ApiTokenResponse): 'revoked' | 'expired' | 'active' {
    if (t.revoked_at) return 'revoked';
    if (t.expires_at && Date.parse(t.expires_at) <= Date.now()) return 'expired';
    return 'active';
  }

  protected create(): void {
    this.dialog
      .open<TokenDialogComponent, void, CreatedApiTokenResponse>(TokenDialogComponent, { width: '520px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe(() => this.list.reload());
  }

  protected revoke(t: ApiTokenResponse): void {
    this.confirmed.ask({
      confirm: { title: 'Revoke token?', message: `"${t.name}" stops working at once. Whatever uses it needs a new token.`, confirm: 'Revoke', danger: true },
      run: () => this.api.revokeToken(t.id),
      done: `Token "${t.name}" revoked`,
      failed: `Could not revoke "${t.name}"`,
      then: () => this.list.reload(),
    });
  }
}
