import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { MediaLiveActionResponse, MediaLiveAlertResponse, MediaLiveChannelResponse, MediaLiveFixResponse, MediaLivePreflightResponse, MediaLiveStatus } from '@mld/contracts';
import type { Observable } from 'rxjs';

export interface LinkResult {
  channel: { id: string; name: string; input_type: string; bind_ip: string; port: number; created: boolean };
  preflight: MediaLivePreflightResponse;
  note: string;
}

@Injectable({ providedIn: 'root' })
export class MediaLiveApiService {
  private readonly http = inject(HttpClient);
  private readonly base = '/api/medialive';

  status(): Observable<MediaLiveStatus> {
    return this.http.get<MediaLiveStatus>(`${this.base}/status`);
  }
  channels(): Observable<MediaLiveChannelResponse[]> {
    return this.http.get<MediaLiveChannelResponse[]>(`${this.base}/channels`);
  }
  alerts(id: string): Observable<MediaLiveAlertResponse[]> {
    return this.http.get<MediaLiveAlertResponse[]>(`${this.base}/channels/${encodeURIComponent(id)}/alerts`);
  }
  preflight(id: string): Observable<MediaLivePreflightResponse> {
    return this.http.get<MediaLivePreflightResponse>(`${this.base}/channels/${encodeURIComponent(id)}/preflight`);
  }
  action(id: string, action: 'start' | 'stop', withChannel = false): Observable<MediaLiveActionResponse> {
    return this.http.post<MediaLiveActionResponse>(`${this.base}/channels/${encodeURIComponent(id)}/${action}`, action === 'start' && withChannel ? { with_channel: true } : {});
  }
  link(id: string): Observable<LinkResult> {
    return this.http.post<LinkResult>(`${this.base}/channels/${encodeURIComponent(id)}/link`, {});
  }
  planFix(id: string): Observable<MediaLiveFixResponse> {
    return this.http.get<MediaLiveFixResponse>(`${this.base}/channels/${encodeURIComponent(id)}/fix`);
  }
  fix(id: string): Observable<MediaLiveFixResponse> {
    return this.http.post<MediaLiveFixResponse>(`${this.base}/channels/${encodeURIComponent(id)}/fix`, {});
  }
}
