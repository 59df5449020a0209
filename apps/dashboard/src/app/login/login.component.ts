import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router } from '@angular/router';
import { finalize } from 'rxjs';
import { describeHttpFailure } from '../core/api/api-error';
import { safeReturnUrl } from '../core/session/auth-policy';
import { SessionService } from '../core/session/session.service';
import { AuthApiService } from './auth-api.service';

@Component({
  selector: 'app-login',
  imports: [ReactiveFormsModule],
  templateUrl: './login.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginComponent {
  /** Query parameters, bound by the router (`withComponentInputBinding`). */
  readonly expired = input<string>();
  readonly returnUrl = input<string>();

  private readonly authApi = inject(AuthApiService);
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
    password: ['', Validators.required],
  });
  protected readonly submitting = signal(false);
  protected readonly submitted = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly showExpired = computed(() => this.expired() === '1' && this.error() === null && !this.submitting());
  /** Set when the server closed the live connection because access ended (revoked, deleted, …). */
  protected readonly endedReason = this.session.endedReason.asReadonly();

  protected submit(): void {
    this.submitted.set(true);
    if (this.form.invalid || this.submitting()) {
      this.form.markAllAsTouched();
      return;
    }
    const { username, password } = this.form.getRawValue();
    this.submitting.set(true);
    this.error.set(null);
    this.authApi
      .login(username.trim(), password)
      .pipe(finalize(() => this.submitting.set(false)))
      .subscribe({
        next: (response) => {
          if (!this.session.start(response)) {
            this.error.set('The server sent a login response the dashboard cannot use');
            return;
          }
          void this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
        },
        error: (failure: unknown) => {
          this.error.set(describeHttpFailure(failure, 'login').message);
          // Clear the password for the next try without flagging the now-empty field as a mistake.
          this.form.controls.password.reset();
          this.submitted.set(false);
        },
      });
  }

  protected fieldMissing(name: 'username' | 'password'): boolean {
    const control = this.form.controls[name];
    return control.invalid && (control.touched || this.submitted());
  }
}
