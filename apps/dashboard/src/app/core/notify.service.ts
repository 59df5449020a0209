import { Injectable, inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';
import { describeHttpFailure } from './api/api-error';

/** Short confirmations and failures of actions (start, stop, delete…), announced politely. */
@Injectable({ providedIn: 'root' })
export class NotifyService {
  private readonly snackBar = inject(MatSnackBar);

  info(message: string): void {
    this.snackBar.open(message, 'OK', { duration: 4000, politeness: 'polite' });
  }

  /** The API's own sentence when there is one ("output "x" is not running: start its channel…"). */
  failure(what: string, failure: unknown): void {
    const problem = describeHttpFailure(failure);
    this.snackBar.open(`${what}: ${problem.message}`, 'Dismiss', { duration: 8000, politeness: 'assertive', panelClass: 'snack-error' });
  }
}
