import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import type { ChannelWithOutputsResponse, OutputResponse } from '@mld/contracts';
import type { Observable } from 'rxjs';
import { formatBitrate, formatCountdown, formatSince } from '../core/format/format';
import { ClockService } from '../core/live/clock.service';
import { OUTPUT_STATE_LABEL, outputDisplayState } from '../core/live/live-model';
import { NotifyService } from '../core/notify.service';
import { SessionService } from '../core/session/session.service';
import { ConfirmDialogComponent, type ConfirmData } from '../ui/confirm-dialog.component';
import { SecretUrlComponent } from '../ui/secret-url.component';
import { ChannelsApiService } from './channels-api.service';
import { sortOutputs } from './channel-view';
import { OutputFormDialogComponent, type OutputFormData } from './output-form-dialog.component';

type OutputAction = 'start' | 'stop' | 'retry';

/** The outputs table of a channel: live state per row and the controls the role allows. */
@Component({
  selector: 'app-outputs-panel',
  imports: [MatButton, SecretUrlComponent],
  templateUrl: './outputs-panel.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OutputsPanelComponent {
  readonly channel = input.required<ChannelWithOutputsResponse>();
  /** Something changed through this panel: the parent reloads the configuration. */
  readonly changed = output<void>();

  private readonly api = inject(ChannelsApiService);
  private readonly dialog = inject(MatDialog);
  private readonly notify = inject(NotifyService);
  private readonly session = inject(SessionService);
  protected readonly clock = inject(ClockService);

  protected readonly canControl = computed(() => this.session.can('output.control'));
  protected readonly canWrite = computed(() => this.session.can('output.write'));
  protected readonly busy = signal<ReadonlySet<string>>(new Set());
  protected readonly rows = computed(() => {
    const channel = this.channel();
    return sortOutputs(channel.outputs).map((o) => {
      const state = outputDisplayState(o, channel.desired_state);
      return { output: o, state, stateLabel: OUTPUT_STATE_LABEL[state] };
    });
  });
  protected readonly anyMasked = computed(() => this.channel().outputs.some((o) => o.secrets_masked));

  protected readonly formatBitrate = formatBitrate;
  protected readonly formatSince = formatSince;
  protected readonly formatCountdown = formatCountdown;

  protected control(o: OutputResponse, action: OutputAction): void {
    this.run(o.id, this.api.controlOutput(this.channel().id, o.id, action), `Could not ${action === 'retry' ? 'retry' : action} "${o.name}"`);
  }

  protected controlAll(action: 'start-all' | 'stop-all'): void {
    this.run('*', this.api.controlAllOutputs(this.channel().id, action), `Could not ${action === 'start-all' ? 'start' : 'stop'} all outputs`);
  }

  protected openForm(o: OutputResponse | null): void {
    const c = this.channel();
    this.dialog
      .open<OutputFormDialogComponent, OutputFormData, OutputResponse>(OutputFormDialogComponent, {
        data: { channelId: c.id, channelName: c.name, output: o },
        width: '640px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (!saved) return;
        this.notify.info(o ? `Output "${saved.name}" saved` : `Output "${saved.name}" added`);
        this.changed.emit();
      });
  }

  protected remove(o: OutputResponse): void {
    this.dialog
      .open<ConfirmDialogComponent, ConfirmData, boolean>(ConfirmDialogComponent, {
        data: { title: 'Remove output?', message: `"${o.name}" stops and is deleted. The other outputs are not touched.`, confirm: 'Remove', danger: true },
      })
      .afterClosed()
      .subscribe((ok) => {
        if (ok) this.run(o.id, this.api.removeOutput(this.channel().id, o.id), `Could not remove "${o.name}"`);
      });
  }

  private run(key: string, request: Observable<unknown>, failureText: string): void {
    this.busy.update((s) => new Set(s).add(key));
    const done = () =>
      this.busy.update((s) => {
        const next = new Set(s);
        next.delete(key);
        return next;
      });
    request.subscribe({
      next: () => {
        done();
        this.changed.emit();
      },
      error: (failure: unknown) => {
        done();
        this.notify.failure(failureText, failure);
      },
    });
  }
}
