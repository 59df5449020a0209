import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { endsSession, isApiUrl, isLoginUrl } from './auth-policy';
import { expireSession } from './expire-session';
import { SessionService } from './session.service';

/**
 * Adds the bearer token to our own API calls, and turns a 401 (token expired or revoked) into a
 * trip to the login page that says why and comes back to the same page afterwards.
 */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const origin = globalThis.location?.origin;
  if (!isApiUrl(request.url, origin)) return next(request);

  const session = inject(SessionService);
  const router = inject(Router);
  const token = isLoginUrl(request.url, origin) ? null : session.token();
  const outgoing = token ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request;

  return next(outgoing).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && endsSession(error.status, request.url, origin)) {
        expireSession(session, router);
      }
      return throwError(() => error);
    }),
  );
};
