import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { switchMap } from 'rxjs';
import { type LoadState, toLoadState } from '../core/api/load-state';
import { ChannelsApiService } from './channels-api.service';
import { channelFields, formatOptions, sortOutputs } from './channel-view';

/** Read-only for now; the editor and live status come with the full UI. */
@Component({
  selector: 'app-channel-detail',
  imports: [RouterLink],
  templateUrl: './channel-detail.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelDetailComponent {
  /** Route parameter, bound by the router. */
  readonly id = input.required<string>();

  private readonly api = inject(ChannelsApiService);

  protected readonly state = toSignal(toObservable(this.id).pipe(switchMap((id) => toLoadState(this.api.get(id)))), {
    initialValue: { status: 'loading' } as LoadState<ChannelWithOutputsResponse>,
  });
  protected readonly channel = computed(() => {
    const s = this.state();
    return s.status === 'loaded' ? s.value : null;
  });
  protected readonly fields = computed(() => {
    const c = this.channel();
    return c ? channelFields(c) : [];
  });
  protected readonly outputs = computed(() => sortOutputs(this.channel()?.outputs ?? []));
  protected readonly anyMasked = computed(() => this.outputs().some((o) => o.secrets_masked));
  protected readonly problem = computed(() => {
    const s = this.state();
    return s.status === 'error' ? s.problem : null;
  });
  protected readonly formatOptions = formatOptions;
}
