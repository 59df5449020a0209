import { signal } from '@angular/core';
import type { AbstractControl } from '@angular/forms';
import { describeHttpFailure } from './api-error';
import { placeFieldErrors } from './field-errors';

/**
 * The API's refusal shown on a form: each field's message under its control, the rest above the
 * form. One instance per dialog; templates read `byField()` and `formError()`.
 */
export class ServerFormErrors<F extends string> {
  readonly byField = signal<Partial<Record<F, string>>>({});
  readonly formError = signal<string | null>(null);

  constructor(
    private readonly controls: Record<F, AbstractControl>,
    private readonly fields: readonly F[],
    /** API field names that land on another control (`input.port` → `port`). */
    private readonly aliases: Readonly<Record<string, string>> = {},
  ) {}

  /** Marks the given fields invalid with these messages (client-side checks use it too). */
  show(errors: Partial<Record<F, string>>): void {
    // Earlier complaints go: validators run again, only the new messages stay on their controls.
    for (const field of this.fields) this.controls[field].updateValueAndValidity({ emitEvent: false });
    this.byField.set(errors);
    for (const [field, message] of Object.entries(errors) as [F, string][]) {
      this.controls[field].setErrors({ server: message });
      this.controls[field].markAsTouched();
    }
  }

  /** Forgets the message of one field (the user is changing it). */
  clear(field: F): void {
    if (this.byField()[field]) this.byField.update((e) => ({ ...e, [field]: undefined }));
  }

  fromFailure(failure: unknown): void {
    const problem = describeHttpFailure(failure);
    const placed = placeFieldErrors(problem.fieldErrors, this.fields, this.aliases);
    this.show(placed.byField);
    this.formError.set(placed.unplaced.join('; ') || (Object.keys(placed.byField).length > 0 ? null : problem.message));
  }
}
