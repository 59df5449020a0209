import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { HealthResponse, NodeResponse } from '@mld/contracts';
import { catchError, type Observable, of, throwError } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class SystemApiService {
  private readonly http = inject(HttpClient);

  /** Every node sharing the database (docs/multi-node.md). */
  nodes(): Observable<NodeResponse[]> {
    return this.http.get<NodeResponse[]>('/api/nodes');
  }

  /** Drain (true) or end the drain of a node (admin). */
  setDraining(id: string, draining: boolean): Observable<NodeResponse> {
    const url = `/api/nodes/${encodeURIComponent(id)}/drain`;
    return draining ? this.http.post<NodeResponse>(url, {}) : this.http.delete<NodeResponse>(url);
  }

  /** 503 still carries the health body (database down): show it rather than an error. */
  health(): Observable<HealthResponse> {
    return this.http.get<HealthResponse>('/api/health').pipe(
      catchError((failure: { status?: number; error?: unknown }) =>
        failure?.status === 503 && typeof failure.error === 'object' && failure.error !== null ? of(failure.error as HealthResponse) : throwError(() => failure),
      ),
    );
  }
}
