import { HttpClient, type HttpEvent } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { MediaResponse } from '@mld/contracts';
import type { Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class MediaApiService {
  private readonly http = inject(HttpClient);

  list(): Observable<MediaResponse[]> {
    return this.http.get<MediaResponse[]>('/api/media');
  }

  /** Multipart upload with progress events; unsubscribing aborts it (the server then keeps nothing). */
  upload(file: File, name: string): Observable<HttpEvent<MediaResponse>> {
    const form = new FormData();
    if (name.trim() !== '') form.append('name', name.trim());
    form.append('file', file, file.name);
    return this.http.post<MediaResponse>('/api/media', form, { reportProgress: true, observe: 'events' });
  }

  remove(id: string): Observable<void> {
    return this.http.delete<void>(`/api/media/${encodeURIComponent(id)}`);
  }
}
