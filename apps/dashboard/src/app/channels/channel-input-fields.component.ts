import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { type FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonToggle, MatButtonToggleGroup } from '@angular/material/button-toggle';
import { MatCheckbox } from '@angular/material/checkbox';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatOption, MatSelect } from '@angular/material/select';
import { MatSlideToggle } from '@angular/material/slide-toggle';
import { type ChannelInputView, type InputType, type MediaResponse, SRT_LATENCY_BOUNDS, SRT_PASSPHRASE_LENGTH, type SrtMode } from '@mld/contracts';
import { mediaChoiceText } from '../media/media-view';
import { INPUT_TYPE_OPTIONS, type InputFormValue, keepsSrtSecret } from './channel-input-form';
import type { BackupControl } from './channel-redundancy-form';

/** The controls of one input, whatever else the form around them holds. */
export type InputControls = { [K in keyof InputFormValue]: FormControl<InputFormValue[K]> };

/**
 * The fields of one input of any kind, shown for the chosen kind: the channel's main input and
 * its backup use the same fields. Placed in the dialog's grid (the host takes no box of its own);
 * test ids and error ids carry the role (`channel-form-port`, `channel-form-backup-port`,
 * `field-error-backup_input.port`).
 */
@Component({
  selector: 'app-channel-input-fields',
  imports: [ReactiveFormsModule, MatButtonToggleGroup, MatButtonToggle, MatCheckbox, MatFormField, MatLabel, MatInput, MatError, MatHint, MatSelect, MatOption, MatSlideToggle],
  host: { class: 'form-grid__contents' },
  templateUrl: './channel-input-fields.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelInputFieldsComponent {
  readonly role = input.required<'main' | 'backup'>();
  readonly controls = input.required<InputControls>();
  /** The server's (or the form's own) messages by control name. */
  readonly errors = input.required<Partial<Record<BackupControl, string>>>();
  readonly type = input.required<InputType>();
  readonly mode = input.required<SrtMode>();
  /** What the channel has today (secrets kept when their field stays empty); null when new. */
  readonly current = input.required<ChannelInputView | null>();
  readonly media = input.required<MediaResponse[] | null>();
  readonly mediaError = input.required<string | null>();

  protected readonly c = this.controls;
  protected readonly typeOptions = INPUT_TYPE_OPTIONS;
  protected readonly latencyBounds = SRT_LATENCY_BOUNDS;
  protected readonly passphraseLength = SRT_PASSPHRASE_LENGTH;
  protected readonly mediaChoiceText = mediaChoiceText;
  protected readonly legend = computed(() => (this.role() === 'main' ? 'Input' : 'Backup input'));
  protected readonly keepsPassphrase = computed(() => keepsSrtSecret(this.current(), this.mode(), 'passphrase'));
  protected readonly keepsStreamid = computed(() => keepsSrtSecret(this.current(), this.mode(), 'streamid'));

  protected errorOf(field: BackupControl): string | null {
    return this.errors()[field] ?? null;
  }

  protected id(name: string): string {
    return this.role() === 'main' ? `channel-form-${name}` : `channel-form-backup-${name}`;
  }

  protected errId(field: string): string {
    return this.role() === 'main' ? `field-error-${field}` : `field-error-backup_input.${field}`;
  }

  protected plainId(name: string): string {
    return this.role() === 'main' ? name : `backup-${name}`;
  }
}
