import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { formatAgo, formatBitrate, formatBytes, formatCount, formatSince } from '../core/format/format';
import { ClockService } from '../core/live/clock.service';
import type { BitrateSample } from '../core/live/live-model';
import { BitrateChartComponent } from '../ui/bitrate-chart.component';
import { channelFields } from './channel-view';

/** The input of one channel: live state, bitrate chart, RTP and malformed-datagram counters, configuration. */
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
          <span class="card__head-end num" data-testid="input-bitrate">{{ formatBitrate(rt.bitrate_bps) }}</span>
        } @else {
          <span class="state-pill" data-state="stopped" data-testid="input-state">not running</span>
        }
      </div>
      @if (runtime()?.error; as error) {
        <p class="notice notice--error" role="alert" data-testid="input-error">{{ error }}</p>
      }
      <app-bitrate-chart [samples]="history()" />
      @if (runtime(); as rt) {
        <div class="stats" data-testid="input-stats">
          <div class="stat"><span class="stat__label">Datagrams</span><span class="stat__value num">{{ formatCount(rt.datagrams_in) }}</span></div>
          <div class="stat"><span class="stat__label">Bytes in</span><span class="stat__value num">{{ formatBytes(rt.bytes_in) }}</span></div>
          <div class="stat"><span class="stat__label">Last packet</span><span class="stat__value">{{ formatAgo(rt.last_packet_at, clock.now()) }}</span></div>
          <div class="stat" [class.stat--bad]="rt.rtp.lost > 0"><span class="stat__label">RTP lost</span><span class="stat__value num" data-testid="rtp-lost">{{ formatCount(rt.rtp.lost) }}</span></div>
          <div class="stat"><span class="stat__label">Duplicates</span><span class="stat__value num" data-testid="rtp-duplicates">{{ formatCount(rt.rtp.duplicates) }}</span></div>
          <div class="stat"><span class="stat__label">Reordered</span><span class="stat__value num" data-testid="rtp-reordered">{{ formatCount(rt.rtp.reordered) }}</span></div>
          <div class="stat"><span class="stat__label">Late</span><span class="stat__value num">{{ formatCount(rt.rtp.late) }}</span></div>
          <div class="stat"><span class="stat__label">Resyncs / SSRC changes</span><span class="stat__value num">{{ rt.rtp.resyncs }} / {{ rt.rtp.ssrc_changes }}</span></div>
          <div class="stat" [class.stat--bad]="rt.malformed > 0"><span class="stat__label">Malformed datagrams</span><span class="stat__value num" data-testid="malformed-total">{{ formatCount(rt.malformed) }}</span></div>
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
  protected readonly malformedReasons = computed(() =>
    Object.entries(this.runtime()?.malformed_reasons ?? {})
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count),
  );
  protected readonly formatBitrate = formatBitrate;
  protected readonly formatBytes = formatBytes;
  protected readonly formatCount = formatCount;
  protected readonly formatSince = formatSince;
  protected readonly formatAgo = formatAgo;
}
