import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { switchMap } from 'rxjs';
import { type LoadState, toLoadState } from '../core/api/load-state';
import { SessionService } from '../core/session/session.service';
import type { ChannelResponse } from '@mld/contracts';
import { ChannelsApiService } from './channels-api.service';
import { inputEndpoint } from './channel-view';

@Component({
  selector: 'app-channel-list',
  imports: [RouterLink],
  templateUrl: './channel-list.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelListComponent {
  private readonly api = inject(ChannelsApiService);
  private readonly session = inject(SessionService);
  private readonly reloads = signal(0);

  protected readonly state = toSignal(toObservable(this.reloads).pipe(switchMap(() => toLoadState(this.api.list()))), {
    initialValue: { status: 'loading' } as LoadState<ChannelResponse[]>,
  });
  protected readonly channels = computed(() => {
    const s = this.state();
    return s.status === 'loaded' ? s.value : null;
  });
  protected readonly problem = computed(() => {
    const s = this.state();
    return s.status === 'error' ? s.problem : null;
  });
  protected readonly canCreate = computed(() => this.session.can('channel.write'));
  protected readonly inputEndpoint = inputEndpoint;

  protected reload(): void {
    this.reloads.update((n) => n + 1);
  }
}
