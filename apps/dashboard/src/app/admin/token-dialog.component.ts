import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatDialogActions, MatDialogContent, MatDialogRef, MatDialogTitle } from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatOption, MatSelect } from '@angular/material/select';
import { type CreatedApiTokenResponse, type Role, ROLES } from '@mld/contracts';
import { ServerFormErrors } from '../core/api/server-form-errors';
import { copyText } from '../ui/clipboard';
import { AdminApiService } from './admin-api.service';

const FIELDS = ['name', 'role', 'expires_in_days'] as const;
type Field = (typeof FIELDS)[number];

/** Creates an API token and shows its secret exactly once, with a copy button. */
@Component({
  selector: 'app-token-dialog',
  imports: [ReactiveFormsModule, MatDialogTitle, MatDialogContent, MatDialogActions, MatButton, MatFormField, MatLabel, MatInput, MatError, MatHint, MatSelect, MatOption],
  template: `
    @if (created(); as t) {
      <h2 mat-dialog-title>Token “{{ t.name }}” created</h2>
      <mat-dialog-content>
        <p class="notice notice--info" role="status">Copy it now: it is shown only this once and stored only as a hash.</p>
        <div class="token-secret">
          <code class="mono break" data-testid="token-secret">{{ t.token }}</code>
          <button matButton="outlined" type="button" (click)="copy(t.token)" data-testid="token-copy">{{ copied() ? 'Copied' : 'Copy' }}</button>
        </div>
        <p class="muted small">Use it as <span class="mono">Authorization: Bearer &lt;token&gt;</span>. Role: {{ t.role }}.</p>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button matButton="filled" type="button" (click)="ref.close(t)" data-testid="token-done">Done</button>
      </mat-dialog-actions>
    } @else {
      <h2 mat-dialog-title>New API token</h2>
      <form [formGroup]="form" (ngSubmit)="submit()" novalidate data-testid="token-form">
        <mat-dialog-content class="form-grid">
          @if (formError(); as m) {
            <p class="notice notice--error form-grid__full" role="alert" data-testid="form-error">{{ m }}</p>
          }
          <mat-form-field appearance="outline" subscriptSizing="dynamic" class="form-grid__full">
            <mat-label>Name</mat-label>
            <input matInput formControlName="name" autocomplete="off" data-testid="token-form-name" />
            @if (errors()['name']; as e) {
              <mat-error data-testid="field-error-name">{{ e }}</mat-error>
            } @else {
              <mat-hint>What uses it, e.g. “ci-pipeline” or “prometheus”</mat-hint>
            }
          </mat-form-field>
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label>Role</mat-label>
            <mat-select formControlName="role" data-testid="token-form-role">
              @for (r of roles; track r) {
                <mat-option [value]="r">{{ r }}</mat-option>
              }
            </mat-select>
          </mat-form-field>
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label>Expires after (days)</mat-label>
            <input matInput formControlName="expires_in_days" inputmode="numeric" autocomplete="off" data-testid="token-form-expires" />
            @if (errors()['expires_in_days']; as e) {
              <mat-error data-testid="field-error-expires_in_days">{{ e }}</mat-error>
            } @else {
              <mat-hint>Empty: never</mat-hint>
            }
          </mat-form-field>
        </mat-dialog-content>
        <mat-dialog-actions align="end">
          <button matButton type="button" (click)="ref.close()">Cancel</button>
          <button matButton="filled" type="submit" [disabled]="saving()" data-testid="token-form-submit">Create token</button>
        </mat-dialog-actions>
      </form>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokenDialogComponent {
  protected readonly ref = inject<MatDialogRef<TokenDialogComponent, CreatedApiTokenResponse>>(MatDialogRef);
  private readonly api = inject(AdminApiService);
  protected readonly roles = ROLES;
  protected readonly saving = signal(false);
  protected readonly created = signal<CreatedApiTokenResponse | null>(null);
  protected readonly copied = signal(false);

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', Validators.required],
    role: ['viewer' as Role],
    expires_in_days: [''],
  });
  private readonly serverErrors = new ServerFormErrors<Field>(this.form.controls, FIELDS);
  protected readonly errors = this.serverErrors.byField;
  protected readonly formError = this.serverErrors.formError;

  protected submit(): void {
    if (this.saving()) return;
    const v = this.form.getRawValue();
    if (!v.name.trim()) {
      this.serverErrors.show({ name: 'Enter a name' });
      return;
    }
    const days = v.expires_in_days.trim();
    this.saving.set(true);
    this.api.createToken({ name: v.name.trim(), role: v.role, ...(days ? { expires_in_days: /^\d+$/.test(days) ? Number(days) : (days as unknown as number) } : {}) }).subscribe({
      next: (token) => {
        this.saving.set(false);
        this.created.set(token);
        this.ref.disableClose = true;
      },
      error: (failure: unknown) => {
        this.saving.set(false);
        this.serverErrors.fromFailure(failure);
      },
    });
  }

  protected copy(text: string): void {
    void copyText(text).then((ok) => this.copied.set(ok));
  }
}
