import type { Routes } from '@angular/router';
import { authGuard, guestGuard } from './core/session/auth.guard';

export const routes: Routes = [
  {
    path: 'login',
    canActivate: [guestGuard],
    loadChildren: () => import('./login/login.routes').then((m) => m.LOGIN_ROUTES),
  },
  {
    // Everything below needs a valid session; re-checked on every child navigation so an expired
    // token sends the operator to login before a request fails.
    path: '',
    canActivate: [authGuard],
    canActivateChild: [authGuard],
    loadComponent: () => import('./layout/shell.component').then((m) => m.ShellComponent),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'channels' },
      { path: 'channels', loadChildren: () => import('./channels/channels.routes').then((m) => m.CHANNEL_ROUTES) },
      { path: 'events', loadChildren: () => import('./events/events.routes').then((m) => m.EVENT_ROUTES) },
      { path: 'media', loadChildren: () => import('./media/media.routes').then((m) => m.MEDIA_ROUTES) },
      { path: 'medialive', loadChildren: () => import('./medialive/medialive.routes').then((m) => m.MEDIALIVE_ROUTES) },
      { path: 'admin', loadChildren: () => import('./admin/admin.routes').then((m) => m.ADMIN_ROUTES) },
      { path: 'system', loadChildren: () => import('./system/system.routes').then((m) => m.SYSTEM_ROUTES) },
    ],
  },
  { path: '**', redirectTo: 'channels' },
];
