import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { type AbstractControl, NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogActions, MatDialogContent, MatDialogRef, MatDialogTitle } from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel, MatSuffix } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatOptgroup, MatOption, MatSelect } from '@angular/material/select';
import { MatSlideToggle } from '@angular/material/slide-toggle';
import { maskOutputUrl, type AdMarkersOption, type OutputResponse } from '@mld/contracts';
import { describeHttpFailure } from '../core/api/api-error';
import { ChannelsApiService } from './channels-api.service';
import { placeOutputErrors } from './output-form-errors';
import {
  AD_MARKER_CHOICES,
  adMarkersNote,
  buildOutputRequest,
  emptyValues,
  type OutputFormField,
  type OutputFormValues,
  type OutputPreset,
  presetById,
  PRESETS,
  valuesFromOutput,
} from './output-presets';

export interface OutputFormData {
  channelId: string;
  channelName: string;
  /** null: add a new output. */
  output: OutputResponse | null;
}

type TextField = Exclude<OutputFormField, 'url'>;

/** Add or edit an output, starting from a platform preset that asks only for what it needs. */
@Component({
  selector: 'app-output-form-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogTitle,
    MatDialogContent,
    MatDialogActions,
    MatButton,
    MatFormField,
    MatLabel,
    MatInput,
    MatError,
    MatHint,
    MatSuffix,
    MatSelect,
    MatOption,
    MatOptgroup,
    MatSlideToggle,
  ],
  templateUrl: './output-form-dialog.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OutputFormDialogComponent {
  protected readonly data = inject<OutputFormData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<OutputFormDialogComponent, OutputResponse>>(MatDialogRef);
  private readonly api = inject(ChannelsApiService);

  protected readonly groups = (['Platforms', 'Custom'] as const).map((label) => ({ label, presets: PRESETS.filter((p) => p.group === label) }));
  protected readonly editing = this.data.output !== null;
  protected readonly adMarkerChoices = AD_MARKER_CHOICES;
  protected readonly adMarkersNote = adMarkersNote;
  private readonly initial = this.data.output ? valuesFromOutput(this.data.output) : { preset: presetById('srt')!, values: emptyValues(presetById('srt')) };

  protected readonly form = inject(NonNullableFormBuilder).group({
    preset: [this.initial.preset.id as string],
    name: [this.initial.values.name],
    server: [this.initial.values.server],
    key: [this.initial.values.key],
    mode: [this.initial.values.mode as 'caller' | 'listener'],
    host: [this.initial.values.host],
    port: [this.initial.values.port],
    latency: [this.initial.values.latency],
    passphrase: [this.initial.values.passphrase],
    streamid: [this.initial.values.streamid],
    ttl: [this.initial.values.ttl],
    ad_markers: [this.initial.values.ad_markers as AdMarkersOption],
    enabled: [this.initial.values.enabled],
  });

  private readonly presetId = toSignal(this.form.controls.preset.valueChanges, { initialValue: this.initial.preset.id as string });
  protected readonly preset = computed<OutputPreset>(() => presetById(this.presetId()) ?? presetById('srt')!);
  protected readonly formValue = toSignal(this.form.valueChanges, { initialValue: this.form.getRawValue() });

  protected readonly saving = signal(false);
  protected readonly keyVisible = signal(false);
  protected readonly errors = signal<Partial<Record<OutputFormField, string>>>({});
  protected readonly formError = signal<string | null>(null);

  /** The URL that will be saved, secrets masked, so the operator sees what the preset builds. */
  protected readonly preview = computed(() => {
    this.formValue();
    const result = buildOutputRequest(this.preset(), this.values());
    return result.ok ? maskOutputUrl(result.value.protocol, result.value.url) : null;
  });

  constructor() {
    let previous = this.initial.preset;
    this.form.controls.preset.valueChanges.subscribe((id) => {
      const next = presetById(id);
      if (!next) return;
      // Keep a name the operator typed; replace the previous preset's default.
      const name = this.form.controls.name.value.trim();
      if (!name || name === previous.defaultName) this.form.controls.name.setValue(next.defaultName);
      if (next.id === 'srt' && !this.form.controls.latency.value) this.form.controls.latency.setValue('200');
      // Likewise the ad marker format: the new platform's default unless the operator chose one.
      if (this.form.controls.ad_markers.value === (previous.adMarkers ?? 'none')) this.form.controls.ad_markers.setValue(next.adMarkers ?? 'none');
      previous = next;
      this.errors.set({});
      this.formError.set(null);
    });
    for (const [field, control] of Object.entries(this.form.controls) as [string, AbstractControl][]) {
      control.valueChanges.subscribe(() => {
        if (this.errors()[field as OutputFormField]) this.errors.update((e) => ({ ...e, [field]: undefined }));
      });
    }
  }

  protected shows(field: OutputFormField): boolean {
    return this.preset().fields.includes(field);
  }

  protected errorOf(field: OutputFormField): string | null {
    return this.errors()[field] ?? null;
  }

  protected submit(): void {
    if (this.saving()) return;
    const preset = this.preset();
    const built = buildOutputRequest(preset, this.values());
    if (!built.ok) {
      this.showErrors(built.errors);
      return;
    }
    this.saving.set(true);
    this.formError.set(null);
    const request = this.data.output
      ? this.api.updateOutput(this.data.channelId, this.data.output.id, built.value)
      : this.api.addOutput(this.data.channelId, built.value);
    request.subscribe({
      next: (output) => {
        this.saving.set(false);
        this.ref.close(output);
      },
      error: (failure: unknown) => {
        this.saving.set(false);
        const problem = describeHttpFailure(failure);
        const placed = placeOutputErrors(preset, problem.fieldErrors);
        this.showErrors(placed.byField);
        const any = Object.keys(placed.byField).length > 0;
        this.formError.set(placed.unplaced.length > 0 ? placed.unplaced.join('; ') : any ? null : problem.message);
      },
    });
  }

  protected cancel(): void {
    this.ref.close();
  }

  private showErrors(errors: Partial<Record<OutputFormField, string>>): void {
    this.errors.set(errors);
    for (const [field, message] of Object.entries(errors) as [OutputFormField, string][]) {
      if (field === 'url') continue;
      const control = this.form.controls[field as TextField];
      control.setErrors({ server: message });
      control.markAsTouched();
    }
  }

  private values(): OutputFormValues {
    const v = this.form.getRawValue();
    return { ...v, extraOptions: this.initial.preset.id === this.preset().id ? this.initial.values.extraOptions : {} };
  }
}
