import { catchError, map, type Observable, of, startWith } from 'rxjs';
import { type ApiProblem, describeHttpFailure } from './api-error';

/** What a screen shows for one request: a spinner, the data, or the reason it failed. */
export type LoadState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'loaded'; readonly value: T }
  | { readonly status: 'error'; readonly problem: ApiProblem };

export function toLoadState<T>(request: Observable<T>): Observable<LoadState<T>> {
  return request.pipe(
    map((value): LoadState<T> => ({ status: 'loaded', value })),
    catchError((failure: unknown) => of<LoadState<T>>({ status: 'error', problem: describeHttpFailure(failure) })),
    startWith<LoadState<T>>({ status: 'loading' }),
  );
}
