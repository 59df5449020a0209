import type { Routes } from '@angular/router';
import { permissionGuard } from '../core/session/auth.guard';

export const MEDIA_ROUTES: Routes = [
  {
    path: '',
    title: 'Media · MediaLive Distributor',
    canActivate: [permissionGuard('media.read')],
    loadComponent: () => import('./media-page.component').then((m) => m.MediaPageComponent),
  },
];
