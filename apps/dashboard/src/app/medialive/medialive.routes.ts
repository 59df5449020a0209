import type { Routes } from '@angular/router';

export const MEDIALIVE_ROUTES: Routes = [
  {
    path: '',
    title: 'MediaLive · MediaLive Distributor',
    loadComponent: () => import('./medialive-page.component').then((m) => m.MediaLivePageComponent),
  },
];
