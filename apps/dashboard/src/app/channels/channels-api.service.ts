import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ChannelResponse, ChannelWithOutputsResponse } from '@mld/contracts';
import type { Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class ChannelsApiService {
  private readonly http = inject(HttpClient);

  list(): Observable<ChannelResponse[]> {
    return this.http.get<ChannelResponse[]>('/api/channels');
  }

  get(id: string): Observable<ChannelWithOutputsResponse> {
    return this.http.get<ChannelWithOutputsResponse>(`/api/channels/${encodeURIComponent(id)}`);
  }
}
