import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ApiTokenResponse, CreatedApiTokenResponse, Role, UserResponse } from '@mld/contracts';
import type { Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class AdminApiService {
  private readonly http = inject(HttpClient);

  users(): Observable<UserResponse[]> {
    return this.http.get<UserResponse[]>('/api/users');
  }

  createUser(body: { username: string; password: string; role: Role }): Observable<UserResponse> {
    return this.http.post<UserResponse>('/api/users', body);
  }

  /** Change the role and/or reset the password. */
  updateUser(id: string, body: { role?: Role; password?: string }): Observable<UserResponse> {
    return this.http.patch<UserResponse>(`/api/users/${encodeURIComponent(id)}`, body);
  }

  deleteUser(id: string): Observable<void> {
    return this.http.delete<void>(`/api/users/${encodeURIComponent(id)}`);
  }

  tokens(): Observable<ApiTokenResponse[]> {
    return this.http.get<ApiTokenResponse[]>('/api/tokens');
  }

  createToken(body: { name: string; role: Role; expires_in_days?: number }): Observable<CreatedApiTokenResponse> {
    return this.http.post<CreatedApiTokenResponse>('/api/tokens', body);
  }

  revokeToken(id: string): Observable<void> {
    return this.http.delete<void>(`/api/tokens/${encodeURIComponent(id)}`);
  }
}
