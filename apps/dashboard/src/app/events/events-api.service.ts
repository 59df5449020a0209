import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { EventPage } from '@mld/contracts';
import type { Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class EventsApiService {
  private readonly http = inject(HttpClient);

  /** Newest first; pass `next_cursor` back as `before` for the next page. */
  query(params: Record<string, string>): Observable<EventPage> {
    return this.http.get<EventPage>('/api/events', { params });
  }
}
