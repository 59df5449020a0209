import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { formatBitrate, formatCount, formatSince } from '../core/format/format';
import { ClockService } from '../core/live/clock.service';
import type { BitrateSample } from '../core/live/live-model';
import { BitrateChartComponent } from '../ui/bitrate-chart.component';
import { MediaApiService } from '../media/media-api.service';
import { channelFields } from './channel-view';
import { inputHealthStats } from './input-view';

/** The input of one channel: live state, bitrate chart, the health of its kind (RTP counters, SRT link, RTMP publisher, file position), configuration. */
@Component({
  selector: 'app-input-panel',
  imports: [BitrateChartComponent],
  template: `
    <section class="card" aria-labelledby="input-title" data-testid="input-panel">
      <div class="card__head">
        <h2 id="input-title" class="card__title">Input</h2>
        @if (runtime(); as rt) {
          <span class="state-pill" [attr.data-state]="rt.state" data-testid="input-state">{{ rt.state.replace('_', ' ') }}</span>
          <span class="muted small">for {{ formatSince(rt.since, clock.now()) }}</span>
          @if (rt.node) {
            <span class="tag" data-testid="input-node" title="The node (service process) that runs this channel">on {{ rt.node }}</span>
          }
          <span class="card__head-end num" data-testid="input-bitrate">{{ formatBitrate(rt.bitrate_bps) }}</span>
        } @else {
          <span class="state-pill" data-state="stopped" data-testid="input-state">not running</span>
        }
      </div>
      @if (runtime()?.error; as error) {
        <p class="notice notice--error" role="alert" data-testid="input-error">{{ error }}</p>
      }
      @if (runtime()?.slate; as slate) {
        @if (slate.on_air) {
          <p class="notice notice--error" role="status" data-testid="input-slate-on-air">
            Input lost: RTMP outputs{{ channel().input_loss.ts_outputs ? ' and TS outputs' : '' }} get the {{ slate.action === 'black' ? 'black picture' : 'slate' }} since {{ formatSince(slate.since!, clock.now()) }}; back to the programme at its next key frame.
          </p>
        } @else {
          <p class="muted small" data-testid="input-slate-armed">
            On input loss: {{ slate.action }} after {{ slate.after_ms }} ms{{ slate.matches ? ', encoded as ' + slate.matches.width + '×' + slate.matches.height + ' ' + slate.matches.fps + ' fps ' + slate.matches.profile + ' ' + slate.matches.level : '' }}{{ slate.shown > 0 ? ' · shown ' + slate.shown + '×, last ' + ((slate.last_duration_ms ?? 0) / 1000).toFixed(1) + ' s' : '' }}
          </p>
        }
      }
      <app-bitrate-chart [samples]="history()" />
      @if (runtime(); as rt) {
        <div class="stats" data-testid="input-stats" [attr.data-input-type]="channel().input.type">
          @for (st of stats(); track st.testId) {
            <div class="stat" [class.stat--bad]="st.bad"><span class="stat__label">{{ st.label }}</span><span class="stat__value num" [class.mono]="st.mono" [attr.data-testid]="st.testId">{{ st.value }}</span></div>
          }
        </div>
        @if (malformedReasons().length > 0) {
          <table class="table table--compact" data-testid="malformed-reasons">
            <caption class="muted small">Malformed datagrams by reason</caption>
            <tbody>
              @for (r of malformedReasons(); track r.reason) {
                <tr><th scope="row">{{ r.reason.replaceAll('_', ' ') }}</th><td class="num">{{ formatCount(r.count) }}</td></tr>
              }
            </tbody>
          </table>
        }
      } @else {
        <p class="muted">The input is not receiving: {{ channel().desired_state === 'running' ? 'it is starting.' : 'the channel is stopped.' }}</p>
      }
      <details class="config">
        <summary>Configuration</summary>
        <dl class="fields" data-testid="channel-fields">
          @for (f of fields(); track f.label) {
            <div class="fields__row">
              <dt>{{ f.label }}</dt>
              <dd [class.mono]="f.mono">{{ f.value }}</dd>
            </div>
          }
        </dl>
      </details>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InputPanelComponent {
  readonly channel = input.required<ChannelWithOutputsResponse>();
  readonly history = input.required<readonly BitrateSample[]>();
  protected readonly clock = inject(ClockService);

  protected readonly runtime = computed(() => this.channel().runtime);
  protected readonly fields = computed(() => channelFields(this.channel()));
  private readonly mediaApi = inject(MediaApiService);
  /** A file input's media name, read from the library once per file. */
  private readonly mediaName = signal<{ id: string; name: string } | null>(null);
  private requestedMediaId: string | null = null;
  protected readonly stats = computed(() => {
    const rt = this.runtime();
    if (!rt) return [];
    const input = this.channel().input;
    const media = this.mediaName();
    return inputHealthStats(input, rt, this.clock.now(), input.type === 'file' && media?.id === input.media_id ? media.name : null);
  });
  protected readonly malformedReasons = computed(() =>
    Object.entries(this.runtime()?.malformed_reasons ?? {})
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count),
  );
  protected readonly formatBitrate = formatBitrate;
  protected readonly formatCount = formatCount;
  protected readonly formatSince = formatSince;

  constructor() {
    effect(() => {
      const input = this.channel().input;
      const id = input.type === 'file' ? input.media_id : null;
      if (id === null || this.requestedMediaId === id) return;
      this.requestedMediaId = id;
      untracked(() =>
        this.mediaApi.list().subscribe({
          next: (list) => this.mediaName.set({ id, name: list.find((m) => m.id === id)?.name ?? id }),
          // The id stands in for the name: health matters more than the label.
          error: () => this.mediaName.set({ id, name: id }),
        }),
      );
    });
  }
}
