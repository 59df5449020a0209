import type { Routes } from '@angular/router';

export const EVENT_ROUTES: Routes = [
  {
    path: '',
    title: 'Events · MediaLive Distributor',
    loadComponent: () => import('./events-page.component').then((m) => m.EventsPageComponent),
  },
];
