import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import type { Permission } from '@mld/contracts';
import { DEFAULT_AFTER_LOGIN } from './auth-policy';
import { SessionService } from './session.service';

/** Lets the navigation through with a valid session; otherwise to /login, remembering where to return. */
export const authGuard: CanActivateFn = (_route, state) => {
  const router = inject(Router);
  switch (inject(SessionService).check()) {
    case 'valid':
      return true;
    case 'expired':
      return router.createUrlTree(['/login'], { queryParams: { expired: 1, returnUrl: state.url } });
    default:
      return router.createUrlTree(['/login'], { queryParams: state.url === '/' ? {} : { returnUrl: state.url } });
  }
};

/** Someone already logged in who opens /login goes to the app instead. */
export const guestGuard: CanActivateFn = () =>
  inject(SessionService).check() === 'valid' ? inject(Router).createUrlTree([DEFAULT_AFTER_LOGIN]) : true;

/** For pages whose only purpose is a change the role may not make (e.g. "new channel"). */
export function permissionGuard(permission: Permission): CanActivateFn {
  return () => (inject(SessionService).can(permission) ? true : inject(Router).createUrlTree([DEFAULT_AFTER_LOGIN]));
}
