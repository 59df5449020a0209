import type { Routes } from '@angular/router';

export const LOGIN_ROUTES: Routes = [
  {
    path: '',
    title: 'Log in · MediaLive Distributor',
    loadComponent: () => import('./login.component').then((m) => m.LoginComponent),
  },
];
