import { type Signal, signal, type WritableSignal } from '@angular/core';
import type { Observable } from 'rxjs';
import { describeHttpFailure } from './api-error';

/** A list a page shows and reloads after each change: the items, or why they could not be read. */
export interface ListResource<T> {
  readonly items: WritableSignal<T[]>;
  readonly error: Signal<string | null>;
  reload(): void;
}

/** Loads at once; `reload()` after a create, edit or delete. A failed reload keeps the last items. */
export function listResource<T>(load: () => Observable<T[]>): ListResource<T> {
  const items = signal<T[]>([]);
  const error = signal<string | null>(null);
  const reload = (): void => {
    load().subscribe({
      next: (list) => {
        items.set(list);
        error.set(null);
      },
      error: (failure: unknown) => error.set(describeHttpFailure(failure).message),
    });
  };
  reload();
  return { items, error: error.asReadonly(), reload };
}
