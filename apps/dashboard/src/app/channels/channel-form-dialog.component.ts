import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { type AbstractControl, NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatButtonToggle, MatButtonToggleGroup } from '@angular/material/button-toggle';
import { MAT_DIALOG_DATA, MatDialogActions, MatDialogContent, MatDialogRef, MatDialogTitle } from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatOption, MatSelect } from '@angular/material/select';
import { MatSlideToggle } from '@angular/material/slide-toggle';
import { type ChannelWithOutputsResponse, FAILOVER_BOUNDS, type MediaResponse } from '@mld/contracts';
import { describeHttpFailure } from '../core/api/api-error';
import { ServerFormErrors } from '../core/api/server-form-errors';
import { MediaApiService } from '../media/media-api.service';
import { INPUT_FIELD_ALIASES, INPUT_FIELDS, inputFormValue, inputRequest, missingInputFields } from './channel-input-form';
import { ChannelInputFieldsComponent } from './channel-input-fields.component';
import {
  BACKUP_FIELDS,
  type BackupField,
  backupFieldErrors,
  FAILOVER_FIELDS,
  type FailoverField,
  missingRedundancyFields,
  REDUNDANCY_FIELD_ALIASES,
  redundancyFormValue,
  redundancyRequest,
  type RedundancyFormState,
} from './channel-redundancy-form';
import { type ChannelRequest, ChannelsApiService } from './channels-api.service';
import { INPUT_LOSS_FIELDS, type InputLossField, inputLossFormValue, inputLossRequest, slateImages } from './channel-input-loss-form';

export interface ChannelFormData {
  /** null: create a new channel. */
  channel: ChannelWithOutputsResponse | null;
}

const MAIN_FIELDS = ['name', 'description', 'input_type', ...INPUT_FIELDS] as const;
type Field = (typeof MAIN_FIELDS)[number] | BackupField | FailoverField | InputLossField;
const FIELDS: readonly Field[] = [...MAIN_FIELDS, ...BACKUP_FIELDS, ...FAILOVER_FIELDS, ...INPUT_LOSS_FIELDS];

/** Create or edit a channel, its input of any kind and an optional backup input with its failover settings. The API validates; its messages appear under the fields they name. */
@Component({
  selector: 'app-channel-form-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogTitle,
    MatDialogContent,
    MatDialogActions,
    MatButton,
    MatButtonToggleGroup,
    MatButtonToggle,
    MatFormField,
    MatLabel,
    MatInput,
    MatError,
    MatHint,
    MatSelect,
    MatOption,
    MatSlideToggle,
    ChannelInputFieldsComponent,
  ],
  templateUrl: './channel-form-dialog.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelFormDialogComponent {
  protected readonly data = inject<ChannelFormData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<ChannelFormDialogComponent, ChannelWithOutputsResponse>>(MatDialogRef);
  private readonly api = inject(ChannelsApiService);
  private readonly mediaApi = inject(MediaApiService);

  protected readonly failoverBounds = FAILOVER_BOUNDS;
  protected readonly editing = this.data.channel !== null;
  protected readonly current = this.data.channel?.input ?? null;
  protected readonly currentBackup = this.data.channel?.backup_input ?? null;
  protected readonly saving = signal(false);

  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly form = this.fb.group({
    name: [this.data.channel?.name ?? ''],
    description: [this.data.channel?.description ?? ''],
    ...inputFormValue(this.current),
  });
  private readonly redundancy = redundancyFormValue(this.data.channel);
  /** The "Backup input" switch; the backup's controls are the main input's, in a group of their own. */
  protected readonly backupOn = this.fb.control(this.redundancy.enabled);
  protected readonly backupForm = this.fb.group({ ...this.redundancy.backup });
  protected readonly failoverForm = this.fb.group({ ...this.redundancy.failover });
  /** What the outputs get when the input stops (ADR 0016). */
  protected readonly lossForm = this.fb.group({ ...inputLossFormValue(this.data.channel) });
  protected readonly lossAction = toSignal(this.lossForm.controls.action.valueChanges, { initialValue: this.lossForm.controls.action.value });

  private readonly controls = this.fieldControls();
  private readonly errors = new ServerFormErrors<Field>(this.controls, FIELDS, { ...INPUT_FIELD_ALIASES, ...REDUNDANCY_FIELD_ALIASES });
  protected readonly formError = this.errors.formError;
  protected readonly mainErrors = this.errors.byField;
  protected readonly backupErrors = computed(() => backupFieldErrors(this.errors.byField()));

  protected readonly type = toSignal(this.form.controls.input_type.valueChanges, { initialValue: this.form.controls.input_type.value });
  protected readonly mode = toSignal(this.form.controls.mode.valueChanges, { initialValue: this.form.controls.mode.value });
  protected readonly backupEnabled = toSignal(this.backupOn.valueChanges, { initialValue: this.backupOn.value });
  protected readonly backupType = toSignal(this.backupForm.controls.input_type.valueChanges, { initialValue: this.backupForm.controls.input_type.value });
  protected readonly backupMode = toSignal(this.backupForm.controls.mode.valueChanges, { initialValue: this.backupForm.controls.mode.value });
  protected readonly failoverMode = toSignal(this.failoverForm.controls.mode.valueChanges, { initialValue: this.failoverForm.controls.mode.value });
  protected readonly prefer = toSignal(this.failoverForm.controls.prefer.valueChanges, { initialValue: this.failoverForm.controls.prefer.value });

  protected readonly media = signal<MediaResponse[] | null>(null);
  /** Inputs play streams; slates show images: each list offers only its kind. */
  protected readonly playable = computed(() => this.media()?.filter((m) => m.container !== 'image') ?? null);
  protected readonly images = computed(() => slateImages(this.media()));
  protected readonly mediaError = signal<string | null>(null);

  constructor() {
    // Typing in a field clears the server's complaint about it.
    for (const field of FIELDS) this.controls[field].valueChanges.subscribe(() => this.errors.clear(field));
    // The media list is read once, when a file input (main or backup) is first chosen.
    effect(() => {
      const wanted = this.type() === 'file' || (this.backupEnabled() && this.backupType() === 'file') || this.lossAction() === 'slate';
      if (wanted && untracked(() => this.media()) === null) untracked(() => this.loadMedia());
    });
    for (const group of [this.form, this.backupForm]) {
      group.controls.clear_passphrase.valueChanges.subscribe((clear) => (clear ? group.controls.passphrase.disable() : group.controls.passphrase.enable()));
    }
  }

  protected errorOf(field: Field): string | null {
    return this.errors.byField()[field] ?? null;
  }

  protected submit(): void {
    if (this.saving()) return;
    const v = this.form.getRawValue();
    const redundancy: RedundancyFormState = { enabled: this.backupOn.value, backup: this.backupForm.getRawValue(), failover: this.failoverForm.getRawValue() };
    const missing: Partial<Record<Field, string>> = {
      ...missingInputFields(v),
      ...missingRedundancyFields(redundancy),
      ...(v.name.trim() === '' ? { name: 'Enter a name' } : {}),
    };
    if (Object.keys(missing).length > 0) {
      this.errors.show(missing);
      this.formError.set(null);
      return;
    }
    const body: ChannelRequest = {
      name: v.name.trim(),
      description: v.description,
      input: inputRequest(v, this.current),
      ...redundancyRequest(redundancy, this.data.channel),
      input_loss: inputLossRequest(this.lossForm.getRawValue()),
    };
    this.saving.set(true);
    this.formError.set(null);
    const request = this.data.channel ? this.api.update(this.data.channel.id, body) : this.api.create(body);
    request.subscribe({
      next: (channel) => {
        this.saving.set(false);
        this.ref.close(channel);
      },
      error: (failure: unknown) => {
        this.saving.set(false);
        this.errors.fromFailure(failure);
      },
    });
  }

  protected cancel(): void {
    this.ref.close();
  }

  /** Every control by the API's name for it: `port` (main), `backup_input.port`, `failover.loss_ms`. */
  private fieldControls(): Record<Field, AbstractControl> {
    const controls = {} as Record<Field, AbstractControl>;
    for (const field of MAIN_FIELDS) controls[field] = this.form.controls[field];
    for (const field of BACKUP_FIELDS) controls[field] = this.backupForm.controls[field.slice('backup_input.'.length) as keyof typeof this.backupForm.controls];
    for (const field of FAILOVER_FIELDS) controls[field] = this.failoverForm.controls[field.slice('failover.'.length) as keyof typeof this.failoverForm.controls];
    for (const field of INPUT_LOSS_FIELDS) controls[field] = this.lossForm.controls[field.slice('input_loss.'.length) as keyof typeof this.lossForm.controls];
    return controls;
  }

  private loadMedia(): void {
    this.mediaApi.list().subscribe({
      next: (list) => this.media.set(list),
      error: (failure: unknown) => this.mediaError.set(describeHttpFailure(failure).message),
    });
  }
}
