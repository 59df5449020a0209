import type { Routes } from '@angular/router';

export const SYSTEM_ROUTES: Routes = [
  {
    path: '',
    title: 'System · MediaLive Distributor',
    loadComponent: () => import('./system-page.component').then((m) => m.SystemPageComponent),
  },
];
