import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { type AbstractControl, NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatButtonToggle, MatButtonToggleGroup } from '@angular/material/button-toggle';
import { MatCheckbox } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogActions, MatDialogContent, MatDialogRef, MatDialogTitle } from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatOption, MatSelect } from '@angular/material/select';
import { MatSlideToggle } from '@angular/material/slide-toggle';
import { type ChannelWithOutputsResponse, type MediaResponse, SRT_LATENCY_BOUNDS, SRT_PASSPHRASE_LENGTH } from '@mld/contracts';
import { describeHttpFailure } from '../core/api/api-error';
import { ServerFormErrors } from '../core/api/server-form-errors';
import { MediaApiService } from '../media/media-api.service';
import { mediaChoiceText } from '../media/media-view';
import { INPUT_FIELD_ALIASES, INPUT_FIELDS, INPUT_TYPE_OPTIONS, inputFormValue, inputRequest, keepsSrtSecret, missingInputFields } from './channel-input-form';
import { type ChannelRequest, ChannelsApiService } from './channels-api.service';

export interface ChannelFormData {
  /** null: create a new channel. */
  channel: ChannelWithOutputsResponse | null;
}

const FIELDS = ['name', 'description', 'input_type', ...INPUT_FIELDS] as const;
type Field = (typeof FIELDS)[number];

/** Create or edit a channel and its input, of any kind. The API validates; its messages appear under the fields they name. */
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
    MatCheckbox,
    MatFormField,
    MatLabel,
    MatInput,
    MatError,
    MatHint,
    MatSelect,
    MatOption,
    MatSlideToggle,
  ],
  templateUrl: './channel-form-dialog.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelFormDialogComponent {
  protected readonly data = inject<ChannelFormData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<ChannelFormDialogComponent, ChannelWithOutputsResponse>>(MatDialogRef);
  private readonly api = inject(ChannelsApiService);
  private readonly mediaApi = inject(MediaApiService);

  protected readonly typeOptions = INPUT_TYPE_OPTIONS;
  protected readonly latencyBounds = SRT_LATENCY_BOUNDS;
  protected readonly passphraseLength = SRT_PASSPHRASE_LENGTH;
  protected readonly editing = this.data.channel !== null;
  private readonly current = this.data.channel?.input ?? null;
  protected readonly saving = signal(false);

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [this.data.channel?.name ?? ''],
    description: [this.data.channel?.description ?? ''],
    ...inputFormValue(this.current),
  });
  private readonly errors = new ServerFormErrors<Field>(this.form.controls, FIELDS, INPUT_FIELD_ALIASES);
  protected readonly formError = this.errors.formError;

  protected readonly type = toSignal(this.form.controls.input_type.valueChanges, { initialValue: this.form.controls.input_type.value });
  protected readonly mode = toSignal(this.form.controls.mode.valueChanges, { initialValue: this.form.controls.mode.value });
  /** Editing an input that has a passphrase (or stream id) of this mode: an empty field keeps it. */
  protected readonly keepsPassphrase = computed(() => keepsSrtSecret(this.current, this.mode(), 'passphrase'));
  protected readonly keepsStreamid = computed(() => keepsSrtSecret(this.current, this.mode(), 'streamid'));
  private readonly clearPassphrase = toSignal(this.form.controls.clear_passphrase.valueChanges, { initialValue: false });

  protected readonly media = signal<MediaResponse[] | null>(null);
  protected readonly mediaError = signal<string | null>(null);
  protected readonly mediaChoiceText = mediaChoiceText;

  constructor() {
    // Typing in a field clears the server's complaint about it.
    for (const field of FIELDS) (this.form.controls[field] as AbstractControl).valueChanges.subscribe(() => this.errors.clear(field));
    // The media list is read once, when a file input is first chosen.
    effect(() => {
      if (this.type() === 'file' && untracked(() => this.media()) === null) untracked(() => this.loadMedia());
    });
    effect(() => {
      const clear = this.clearPassphrase();
      untracked(() => (clear ? this.form.controls.passphrase.disable() : this.form.controls.passphrase.enable()));
    });
  }

  protected errorOf(field: Field): string | null {
    return this.errors.byField()[field] ?? null;
  }

  protected submit(): void {
    if (this.saving()) return;
    const v = this.form.getRawValue();
    const missing: Partial<Record<Field, string>> = { ...missingInputFields(v), ...(v.name.trim() === '' ? { name: 'Enter a name' } : {}) };
    if (Object.keys(missing).length > 0) {
      this.errors.show(missing);
      this.formError.set(null);
      return;
    }
    const body: ChannelRequest = { name: v.name.trim(), description: v.description, input: inputRequest(v, this.current) };
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

  private loadMedia(): void {
    this.mediaApi.list().subscribe({
      next: (list) => this.media.set(list),
      error: (failure: unknown) => this.mediaError.set(describeHttpFailure(failure).message),
    });
  }
}
