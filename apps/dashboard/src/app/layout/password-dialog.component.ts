import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatDialogActions, MatDialogContent, MatDialogRef, MatDialogTitle } from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { ServerFormErrors } from '../core/api/server-form-errors';

const FIELDS = ['current_password', 'new_password'] as const;
type Field = (typeof FIELDS)[number];

/** Changes the logged-in user's own password; the API then ends every session opened before. */
@Component({
  selector: 'app-password-dialog',
  imports: [ReactiveFormsModule, MatDialogTitle, MatDialogContent, MatDialogActions, MatButton, MatFormField, MatLabel, MatInput, MatError, MatHint],
  template: `
    <h2 mat-dialog-title>Change my password</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate data-testid="password-form">
      <mat-dialog-content class="form-grid">
        @if (formError(); as m) {
          <p class="notice notice--error form-grid__full" role="alert" data-testid="form-error">{{ m }}</p>
        }
        <mat-form-field appearance="outline" subscriptSizing="dynamic" class="form-grid__full">
          <mat-label>Current password</mat-label>
          <input matInput type="password" formControlName="current_password" autocomplete="current-password" data-testid="password-current" />
          @if (errors()['current_password']; as e) {
            <mat-error data-testid="field-error-current_password">{{ e }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" subscriptSizing="dynamic" class="form-grid__full">
          <mat-label>New password</mat-label>
          <input matInput type="password" formControlName="new_password" autocomplete="new-password" data-testid="password-new" />
          @if (errors()['new_password']; as e) {
            <mat-error data-testid="field-error-new_password">{{ e }}</mat-error>
          } @else {
            <mat-hint>At least 8 characters. You will log in again with it.</mat-hint>
          }
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button matButton type="button" (click)="ref.close(false)">Cancel</button>
        <button matButton="filled" type="submit" [disabled]="saving()" data-testid="password-submit">Change password</button>
      </mat-dialog-actions>
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordDialogComponent {
  protected readonly ref = inject<MatDialogRef<PasswordDialogComponent, boolean>>(MatDialogRef);
  private readonly http = inject(HttpClient);
  protected readonly saving = signal(false);
  protected readonly form = inject(NonNullableFormBuilder).group({
    current_password: ['', Validators.required],
    new_password: ['', Validators.required],
  });
  private readonly serverErrors = new ServerFormErrors<Field>(this.form.controls, FIELDS);
  protected readonly errors = this.serverErrors.byField;
  protected readonly formError = this.serverErrors.formError;

  protected submit(): void {
    if (this.saving()) return;
    const v = this.form.getRawValue();
    const missing: Partial<Record<Field, string>> = {};
    if (!v.current_password) missing.current_password = 'Enter your current password';
    if (!v.new_password) missing.new_password = 'Enter a new password';
    if (Object.keys(missing).length > 0) return this.serverErrors.show(missing);
    this.saving.set(true);
    this.http.post('/api/auth/password', v).subscribe({
      next: () => this.ref.close(true),
      error: (failure: unknown) => {
        this.saving.set(false);
        this.serverErrors.fromFailure(failure);
      },
    });
  }

}
