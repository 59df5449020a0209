import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { type Role, ROLES, type UserResponse } from '@mld/contracts';
import { listResource } from '../core/api/list-resource';
import { formatLocalTime } from '../core/format/format';
import { NotifyService } from '../core/notify.service';
import { SessionService } from '../core/session/session.service';
import { ConfirmedActionService } from '../ui/confirmed-action.service';
import { ListStateComponent } from '../ui/list-state.component';
import { PageHeaderComponent } from '../ui/page-header.component';
import { AdminApiService } from './admin-api.service';
import { UserDialogComponent, type UserDialogData } from './user-dialog.component';

/** Users and their roles (admin): create, change role, reset password, delete. */
@Component({
  selector: 'app-users-page',
  imports: [MatButton, PageHeaderComponent, ListStateComponent],
  template: `
    <app-page-header title="Users">
      <div actions>
        @if (canWrite()) {
          <button matButton="filled" type="button" (click)="create()" data-testid="new-user">New user</button>
        }
      </div>
    </app-page-header>
    <app-list-state testId="users" [error]="error()">
      <table class="table" data-testid="users-table">
        <caption class="visually-hidden">Users and their roles</caption>
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <th scope="col">Updated</th>
            @if (canWrite()) {
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            }
          </tr>
        </thead>
        <tbody>
          @for (u of users(); track u.id) {
            <tr data-testid="user-row" [attr.data-username]="u.username">
              <th scope="row">{{ u.username }} @if (u.id === me()) {<span class="muted small">(you)</span>}</th>
              <td>
                @if (canWrite() && u.id !== me()) {
                  <label>
                    <span class="visually-hidden">Role of {{ u.username }}</span>
                    <select class="input input--compact" [value]="u.role" (change)="changeRole(u, $event)" data-testid="user-role-select">
                      @for (r of roles; track r) {
                        <option [value]="r" [selected]="r === u.role">{{ r }}</option>
                      }
                    </select>
                  </label>
                } @else {
                  <span class="role-pill" [attr.data-role]="u.role">{{ u.role }}</span>
                }
              </td>
              <td class="num">{{ formatLocalTime(u.created_at) }}</td>
              <td class="num">{{ formatLocalTime(u.updated_at) }}</td>
              @if (canWrite()) {
                <td class="cell-actions">
                  <div class="button-row">
                    <button matButton type="button" (click)="resetPassword(u)" [attr.aria-label]="'Reset password of ' + u.username" data-testid="user-reset-password">Reset password</button>
                    @if (u.id !== me()) {
                      <button matButton type="button" class="danger-text" (click)="remove(u)" [attr.aria-label]="'Delete user ' + u.username" data-testid="user-delete">Delete</button>
                    }
                  </div>
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
export class UsersPageComponent {
  private readonly api = inject(AdminApiService);
  private readonly dialog = inject(MatDialog);
  private readonly notify = inject(NotifyService);
  private readonly confirmed = inject(ConfirmedActionService);
  private readonly session = inject(SessionService);

  private readonly list = listResource(() => this.api.users());
  protected readonly roles = ROLES;
  protected readonly users = this.list.items;
  protected readonly error = this.list.error;
  protected readonly canWrite = computed(() => this.session.can('user.write'));
  protected readonly me = computed(() => this.session.user()?.id ?? null);
  protected readonly formatLocalTime = formatLocalTime;

  protected create(): void {
    this.dialog
      .open<UserDialogComponent, UserDialogData, UserResponse>(UserDialogComponent, { data: { user: null }, width: '440px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe((user) => {
        if (!user) return;
        this.notify.info(`User "${user.username}" created`);
        this.list.reload();
      });
  }

  protected resetPassword(user: UserResponse): void {
    this.dialog
      .open<UserDialogComponent, UserDialogData, UserResponse>(UserDialogComponent, { data: { user }, width: '440px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe((done) => {
        if (done) this.notify.info(`Password of "${user.username}" reset`);
      });
  }

  protected changeRole(user: UserResponse, event: Event): void {
    const select = event.target as HTMLSelectElement;
    const role = select.value as Role;
    this.api.updateUser(user.id, { role }).subscribe({
      next: (updated) => {
        this.users.update((list) => list.map((u) => (u.id === updated.id ? updated : u)));
        this.notify.info(`"${user.username}" is now ${updated.role}`);
      },
      error: (failure: unknown) => {
        select.value = user.role;
        this.notify.failure(`Could not change the role of "${user.username}"`, failure);
      },
    });
  }

  protected remove(user: UserResponse): void {
    this.confirmed.ask({
      confirm: { title: 'Delete user?', message: `"${user.username}" can no longer log in.`, confirm: 'Delete user', danger: true },
      run: () => this.api.deleteUser(user.id),
      done: `User "${user.username}" deleted`,
      failed: `Could not delete "${user.username}"`,
      then: () => this.list.reload(),
    });
  }
}
