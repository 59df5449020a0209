import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { StreamAnalysis } from '@mld/contracts';
import { formatAgo, formatBitrate, formatCount } from '../core/format/format';
import { ClockService } from '../core/live/clock.service';

/** What is inside the input: TR 101 290 priority-1 counters, programs and PIDs, SCTE-35 counts. */
@Component({
  selector: 'app-stream-analysis',
  template: `
    <section class="card" aria-labelledby="analysis-title" data-testid="stream-analysis">
      <div class="card__head">
        <h2 id="analysis-title" class="card__title">Stream analysis</h2>
        @if (analysis(); as a) {
          <span class="state-pill" [attr.data-state]="a.state">{{ a.state.replace('_', ' ') }}</span>
          <span class="card__head-end muted small">10 s average {{ formatBitrate(a.bitrate_10s_bps) }}</span>
        }
      </div>
      @if (analysis(); as a) {
        <table class="table table--compact" data-testid="tr101290">
          <caption class="muted small">TR 101 290 priority 1</caption>
          <thead>
            <tr><th scope="col">Check</th><th scope="col" class="num">Errors</th><th scope="col">Last</th></tr>
          </thead>
          <tbody>
            @for (c of counters(); track c.name) {
              <tr [class.row--bad]="c.count > 0" [attr.data-check]="c.key">
                <th scope="row">{{ c.name }}</th>
                <td class="num">{{ formatCount(c.count) }}</td>
                <td class="muted">{{ c.lastAt ? formatAgo(c.lastAt, clock.now()) : '—' }}</td>
              </tr>
            }
          </tbody>
        </table>
        @if (a.pids.length > 0) {
          <table class="table table--compact" data-testid="stream-pids">
            <caption class="muted small">PIDs</caption>
            <thead>
              <tr><th scope="col">PID</th><th scope="col">Content</th><th scope="col" class="num">Bitrate</th><th scope="col" class="num">CC errors</th></tr>
            </thead>
            <tbody>
              @for (p of a.pids; track p.pid) {
                <tr>
                  <th scope="row" class="mono">{{ hex(p.pid) }}</th>
                  <td>{{ p.name }}{{ p.codec && p.codec !== p.name ? ' · ' + p.codec : '' }}</td>
                  <td class="num">{{ formatBitrate(p.bitrate_bps) }}</td>
                  <td class="num" [class.error-text]="p.cc_errors > 0">{{ formatCount(p.cc_errors) }}</td>
                </tr>
              }
            </tbody>
          </table>
        }
        <p class="small muted" data-testid="stream-scte35">
          SCTE-35: {{ a.scte35.pids.length > 0 ? 'PID ' + a.scte35.pids.map(hex).join(', ') : 'no PID announced' }} · {{ a.scte35.cues }} cues · {{ a.scte35.crc_errors }} CRC errors
          @if (a.scte35.last_cue_at) {
            · last {{ formatAgo(a.scte35.last_cue_at, clock.now()) }}
          }
        </p>
      } @else {
        <p class="muted">No analysis yet: it starts with the first packets.</p>
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StreamAnalysisComponent {
  readonly analysis = input.required<StreamAnalysis | null>();
  protected readonly clock = inject(ClockService);
  protected readonly counters = computed(() =>
    Object.entries(this.analysis()?.tr101290 ?? {}).map(([key, c]) => ({ key, name: key.replaceAll('_', ' '), count: c.count, lastAt: c.last_at })),
  );
  protected readonly formatBitrate = formatBitrate;
  protected readonly formatCount = formatCount;
  protected readonly formatAgo = formatAgo;

  protected hex(pid: number): string {
    return `0x${pid.toString(16).toUpperCase().padStart(4, '0')}`;
  }
}
