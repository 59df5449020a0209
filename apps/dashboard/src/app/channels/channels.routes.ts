import type { Routes } from '@angular/router';
import { permissionGuard } from '../core/session/auth.guard';

export const CHANNEL_ROUTES: Routes = [
  {
    path: '',
    title: 'Channels · MediaLive Distributor',
    loadComponent: () => import('./channel-list.component').then((m) => m.ChannelListComponent),
  },
  {
    path: 'new',
    title: 'New channel · MediaLive Distributor',
    canActivate: [permissionGuard('channel.write')],
    loadComponent: () => import('./channel-new.component').then((m) => m.ChannelNewComponent),
  },
  {
    path: ':id',
    title: 'Channel · MediaLive Distributor',
    loadComponent: () => import('./channel-detail.component').then((m) => m.ChannelDetailComponent),
  },
];
