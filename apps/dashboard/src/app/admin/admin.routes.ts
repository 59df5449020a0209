import type { Routes } from '@angular/router';
import { permissionGuard } from '../core/session/auth.guard';

export const ADMIN_ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'users' },
  {
    path: 'users',
    title: 'Users · MediaLive Distributor',
    canActivate: [permissionGuard('user.read')],
    loadComponent: () => import('./users-page.component').then((m) => m.UsersPageComponent),
  },
  {
    path: 'tokens',
    title: 'API tokens · MediaLive Distributor',
    canActivate: [permissionGuard('token.read')],
    loadComponent: () => import('./tokens-page.component').then((m) => m.TokensPageComponent),
  },
];
