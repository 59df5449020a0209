import { Injectable, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import type { Observable } from 'rxjs';
import { NotifyService } from '../core/notify.service';
import { ConfirmDialogComponent, type ConfirmData } from './confirm-dialog.component';

export interface ConfirmedAction {
  /** What the confirm dialog asks. */
  confirm: ConfirmData;
  /** The change, started only once the user confirmed. */
  run: () => Observable<unknown>;
  /** Announced when it succeeded. */
  done: string;
  /** Prefix of the failure announcement; the API's own sentence follows it. */
  failed: string;
  /** Called after success (typically the page's reload). */
  then?: () => void;
}

/** "Are you sure?" → the change → a notice of how it went: one path for every destructive button. */
@Injectable({ providedIn: 'root' })
export class ConfirmedActionService {
  private readonly dialog = inject(MatDialog);
  private readonly notify = inject(NotifyService);

  ask(action: ConfirmedAction): void {
    this.dialog
      .open<ConfirmDialogComponent, ConfirmData, boolean>(ConfirmDialogComponent, { data: action.confirm })
      .afterClosed()
      .subscribe((ok) => {
        if (!ok) return;
        action.run().subscribe({
          next: () => {
            this.notify.info(action.done);
            action.then?.();
          },
          error: (failure: unknown) => this.notify.failure(action.failed, failure),
        });
      });
  }
}
