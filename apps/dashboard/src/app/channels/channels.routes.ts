import type { Routes } from '@angular/router';
import { permissionGuard } from '../core/session/auth.guard';

export const CHANNEL_ROUTES: Routes = [
  {
    path: '',
    title: 'Channels · MediaLive Distributor',
    loadComponent: () => import('./channel-list.component').then((m) => m.ChannelListComponent),
  },
  {
    // A link to "new channel" opens the create dialog over the overview.
    path: 'new',
    title: 'New channel · MediaLive Distributor',
    canActivate: [permissionGuard('channel.write')],
    data: { create: true },
    loadComponent: () => import('./channel-list.component').then((m) => m.ChannelListComponent),
  },
  {
    path: ':id/go-live',
    title: 'Go live · MediaLive Distributor',
    loadComponent: () => import('./go-live.component').then((m) => m.GoLiveComponent),
  },
  {
    path: ':id',
    title: 'Channel · MediaLive Distributor',
    loadComponent: () => import('./channel-detail.component').then((m) => m.ChannelDetailComponent),
  },
];
