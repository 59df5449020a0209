import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogActions, MatDialogContent, MatDialogRef, MatDialogTitle } from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatOption, MatSelect } from '@angular/material/select';
import { type Role, ROLES, type UserResponse } from '@mld/contracts';
import { ServerFormErrors } from '../core/api/server-form-errors';
import { AdminApiService } from './admin-api.service';

export interface UserDialogData {
  /** null: create a user; otherwise reset this user's password. */
  user: UserResponse | null;
}

const FIELDS = ['username', 'password', 'role'] as const;
type Field = (typeof FIELDS)[number];

/** New user, or a password reset for an existing one (which ends their sessions). */
@Component({
  selector: 'app-user-dialog',
  imports: [ReactiveFormsModule, MatDialogTitle, MatDialogContent, MatDialogActions, MatButton, MatFormField, MatLabel, MatInput, MatError, MatHint, MatSelect, MatOption],
  template: `
    <h2 mat-dialog-title>{{ data.user ? 'Reset password of ' + data.user.username : 'New user' }}</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate data-testid="user-form">
      <mat-dialog-content class="form-grid">
        @if (formError(); as m) {
          <p class="notice notice--error form-grid__full" role="alert" data-testid="form-error">{{ m }}</p>
        }
        @if (!data.user) {
          <mat-form-field appearance="outline" subscriptSizing="dynamic" class="form-grid__full">
            <mat-label>Username</mat-label>
            <input matInput formControlName="username" autocomplete="off" autocapitalize="none" spellcheck="false" data-testid="user-form-username" />
            @if (errors()['username']; as e) {
              <mat-error data-testid="field-error-username">{{ e }}</mat-error>
            } @else {
              <mat-hint>3–64 letters, digits, “.”, “_” or “-”</mat-hint>
            }
          </mat-form-field>
        }
        <mat-form-field appearance="outline" subscriptSizing="dynamic" class="form-grid__full">
          <mat-label>{{ data.user ? 'New password' : 'Password' }}</mat-label>
          <input matInput type="password" formControlName="password" autocomplete="new-password" data-testid="user-form-password" />
          @if (errors()['password']; as e) {
            <mat-error data-testid="field-error-password">{{ e }}</mat-error>
          } @else {
            <mat-hint>At least 8 characters{{ data.user ? '; their open sessions end' : '' }}</mat-hint>
          }
        </mat-form-field>
        @if (!data.user) {
          <mat-form-field appearance="outline" subscriptSizing="dynamic" class="form-grid__full">
            <mat-label>Role</mat-label>
            <mat-select formControlName="role" data-testid="user-form-role">
              @for (r of roles; track r) {
                <mat-option [value]="r">{{ r }}</mat-option>
              }
            </mat-select>
            @if (errors()['role']; as e) {
              <mat-error data-testid="field-error-role">{{ e }}</mat-error>
            } @else {
              <mat-hint>viewer reads; operator also starts/stops and edits outputs; admin does everything</mat-hint>
            }
          </mat-form-field>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button matButton type="button" (click)="ref.close()">Cancel</button>
        <button matButton="filled" type="submit" [disabled]="saving()" data-testid="user-form-submit">{{ data.user ? 'Reset password' : 'Create user' }}</button>
      </mat-dialog-actions>
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserDialogComponent {
  protected readonly data = inject<UserDialogData>(MAT_DIALOG_DATA);
  protected readonly ref = inject<MatDialogRef<UserDialogComponent, UserResponse>>(MatDialogRef);
  private readonly api = inject(AdminApiService);
  protected readonly roles = ROLES;
  protected readonly saving = signal(false);

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', this.data.user ? [] : [Validators.required]],
    password: ['', Validators.required],
    role: ['viewer' as Role],
  });
  private readonly serverErrors = new ServerFormErrors<Field>(this.form.controls, FIELDS);
  protected readonly errors = this.serverErrors.byField;
  protected readonly formError = this.serverErrors.formError;

  protected submit(): void {
    if (this.saving()) return;
    const v = this.form.getRawValue();
    const missing: Partial<Record<Field, string>> = {};
    if (!this.data.user && !v.username.trim()) missing.username = 'Enter a username';
    if (!v.password) missing.password = 'Enter a password';
    if (Object.keys(missing).length > 0) {
      this.serverErrors.show(missing);
      return;
    }
    this.saving.set(true);
    const request = this.data.user ? this.api.updateUser(this.data.user.id, { password: v.password }) : this.api.createUser({ username: v.username.trim(), password: v.password, role: v.role });
    request.subscribe({
      next: (user) => this.ref.close(user),
      error: (failure: unknown) => {
        this.saving.set(false);
        this.serverErrors.fromFailure(failure);
      },
    });
  }

}
