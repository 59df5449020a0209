import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { LoginResponse } from '@mld/contracts';
import type { Observable } from 'rxjs';
import { LOGIN_PATH } from '../core/session/auth-policy';

@Injectable({ providedIn: 'root' })
export class AuthApiService {
  private readonly http = inject(HttpClient);

  login(username: string, password: string): Observable<LoginResponse> {
    return this.http.post<LoginResponse>(LOGIN_PATH, { username, password });
  }
}
