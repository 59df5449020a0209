import { afterNextRender, ChangeDetectionStrategy, Component, computed, DestroyRef, effect, ElementRef, inject, input, viewChild } from '@angular/core';
import uPlot from 'uplot';
import { formatBitrate } from '../core/format/format';
import type { BitrateSample } from '../core/live/live-model';
import { ThemeService } from '../core/theme/theme.service';
import { cssColor } from './css-color';

/** A tiny bitrate line (no axes) for table rows; canvas via uPlot so dozens of rows stay cheap. */
@Component({
  selector: 'app-sparkline',
  template: `<div #host class="sparkline" role="img" [attr.aria-label]="summary()" [title]="summary()" data-testid="bitrate-sparkline"></div>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SparklineComponent {
  readonly samples = input.required<readonly BitrateSample[]>();
  readonly windowMs = input(120_000);
  readonly width = input(120);
  readonly height = input(28);

  private readonly host = viewChild.required<ElementRef<HTMLElement>>('host');
  private readonly theme = inject(ThemeService);
  private chart: uPlot | null = null;

  protected readonly summary = computed(() => {
    const s = this.samples();
    if (s.length === 0) return 'Input bitrate: no data yet';
    const peak = Math.max(...s.map((x) => x.bps));
    return `Input bitrate, last ${Math.round(this.windowMs() / 60_000)} minutes: now ${formatBitrate(s[s.length - 1]!.bps)}, peak ${formatBitrate(peak)}`;
  });

  constructor() {
    afterNextRender(() => this.create());
    effect(() => {
      const data = this.data();
      this.chart?.setData(data, true);
    });
    effect(() => {
      this.theme.dark();
      if (this.chart) this.create();
    });
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }

  private data(): uPlot.AlignedData {
    const s = this.samples();
    const now = s.length > 0 ? s[s.length - 1]!.t : Date.now();
    const recent = s.filter((x) => x.t >= now - this.windowMs());
    return [recent.map((x) => x.t / 1000), recent.map((x) => x.bps)];
  }

  private create(): void {
    this.chart?.destroy();
    const host = this.host().nativeElement;
    const line = cssColor(host, '--chart-line', '#1f6feb');
    const fill = cssColor(host, '--chart-fill', 'rgba(31,111,235,0.15)');
    this.chart = new uPlot(
      {
        width: this.width(),
        height: this.height(),
        pxAlign: false,
        cursor: { show: false },
        legend: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        axes: [{ show: false }, { show: false }],
        scales: {
          x: { time: false, range: (_u, min, max) => [Math.min(min, max - this.windowMs() / 1000), max] },
          y: { range: (_u, _min, max) => [0, Math.max(max * 1.15, 1)] },
        },
        series: [{}, { stroke: line, fill, width: 1.5, points: { show: false } }],
      },
      this.data(),
      this.host().nativeElement,
    );
  }
}
