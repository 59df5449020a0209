import { afterNextRender, ChangeDetectionStrategy, Component, computed, DestroyRef, effect, ElementRef, inject, input, viewChild } from '@angular/core';
import uPlot from 'uplot';
import { formatBitrate } from '../core/format/format';
import type { BitrateSample } from '../core/live/live-model';
import { ThemeService } from '../core/theme/theme.service';
import { cssColor } from './css-color';

/** Input bitrate over the last minutes, with time and Mbit/s axes; follows the container's width. */
@Component({
  selector: 'app-bitrate-chart',
  template: `<div #host class="bitrate-chart" role="img" [attr.aria-label]="summary()" data-testid="bitrate-chart"></div>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BitrateChartComponent {
  readonly samples = input.required<readonly BitrateSample[]>();
  readonly windowMs = input(5 * 60_000);
  readonly height = input(180);

  private readonly host = viewChild.required<ElementRef<HTMLElement>>('host');
  private readonly theme = inject(ThemeService);
  private chart: uPlot | null = null;
  private observer: ResizeObserver | null = null;

  protected readonly summary = computed(() => {
    const s = this.samples();
    if (s.length === 0) return 'Input bitrate chart: no data yet';
    const values = s.map((x) => x.bps);
    return `Input bitrate over the last ${Math.round(this.windowMs() / 60_000)} minutes: now ${formatBitrate(values[values.length - 1])}, lowest ${formatBitrate(Math.min(...values))}, highest ${formatBitrate(Math.max(...values))}`;
  });

  constructor() {
    afterNextRender(() => {
      this.create();
      this.observer = new ResizeObserver(() => this.chart?.setSize({ width: this.widthNow(), height: this.height() }));
      this.observer.observe(this.host().nativeElement);
    });
    effect(() => {
      const data = this.data();
      this.chart?.setData(data, true);
    });
    effect(() => {
      this.theme.dark();
      if (this.chart) this.create();
    });
    inject(DestroyRef).onDestroy(() => {
      this.observer?.disconnect();
      this.chart?.destroy();
    });
  }

  private widthNow(): number {
    return Math.max(200, Math.floor(this.host().nativeElement.clientWidth));
  }

  private data(): uPlot.AlignedData {
    const s = this.samples();
    const now = s.length > 0 ? s[s.length - 1]!.t : Date.now();
    const recent = s.filter((x) => x.t >= now - this.windowMs());
    return [recent.map((x) => x.t / 1000), recent.map((x) => x.bps / 1e6)];
  }

  private create(): void {
    this.chart?.destroy();
    const host = this.host().nativeElement;
    const text = cssColor(host, '--muted', '#57606a');
    const grid = cssColor(host, '--border', '#d0d7de');
    const line = cssColor(host, '--chart-line', '#1f6feb');
    const fill = cssColor(host, '--chart-fill', 'rgba(31,111,235,0.15)');
    const axis: uPlot.Axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '12px system-ui, sans-serif' };
    const clock = (t: number) => {
      const d = new Date(t * 1000);
      return `${d.getHours().toString().padStart(2, '0')}:${d.getMinutes().toString().padStart(2, '0')}`;
    };
    this.chart = new uPlot(
      {
        width: this.widthNow(),
        height: this.height(),
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: true, range: (_u, min, max) => [Math.min(min, max - this.windowMs() / 1000), max] },
          y: { range: (_u, _min, max) => [0, Math.max(Math.ceil(max * 1.15), 1)] },
        },
        axes: [
          { ...axis, space: 70, values: (_u, ticks) => ticks.map(clock) },
          { ...axis, size: 70, values: (_u, ticks) => ticks.map((v) => `${v} Mbit/s`) },
        ],
        series: [{}, { label: 'Input', stroke: line, fill, width: 2, points: { show: false }, value: (_u, v) => (v === null ? '—' : `${v.toFixed(2)} Mbit/s`) }],
      },
      this.data(),
      this.host().nativeElement,
    );
  }
}
