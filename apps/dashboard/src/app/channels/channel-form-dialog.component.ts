import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { type AbstractControl, NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogActions, MatDialogContent, MatDialogRef, MatDialogTitle } from '@angular/material/dialog';
import { MatError, MatFormField, MatHint, MatLabel } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { MatOption, MatSelect } from '@angular/material/select';
import { type ChannelWithOutputsResponse, INPUT_TYPES, type InputType } from '@mld/contracts';
import { describeHttpFailure } from '../core/api/api-error';
import { CHANNEL_FIELD_ALIASES, placeFieldErrors } from '../core/api/field-errors';
import { type ChannelRequest, ChannelsApiService } from './channels-api.service';

export interface ChannelFormData {
  /** null: create a new channel. */
  channel: ChannelWithOutputsResponse | null;
}

const FIELDS = ['name', 'description', 'input_type', 'bind_ip', 'port', 'source_ip', 'interface_ip'] as const;
type Field = (typeof FIELDS)[number];

const REQUIRED_MESSAGE: Partial<Record<Field, string>> = {
  name: 'Enter a name',
  bind_ip: 'Enter the address to receive on (0.0.0.0 for every address)',
  port: 'Enter the UDP port',
};

/** Create or edit a channel's input. The API validates; its messages appear under the fields they name. */
@Component({
  selector: 'app-channel-form-dialog',
  imports: [ReactiveFormsModule, MatDialogTitle, MatDialogContent, MatDialogActions, MatButton, MatFormField, MatLabel, MatInput, MatError, MatHint, MatSelect, MatOption],
  templateUrl: './channel-form-dialog.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelFormDialogComponent {
  protected readonly data = inject<ChannelFormData>(MAT_DIALOG_DATA);
  private readonly ref = inject<MatDialogRef<ChannelFormDialogComponent, ChannelWithOutputsResponse>>(MatDialogRef);
  private readonly api = inject(ChannelsApiService);

  protected readonly inputTypes = INPUT_TYPES;
  protected readonly editing = this.data.channel !== null;
  protected readonly saving = signal(false);
  protected readonly formError = signal<string | null>(null);
  /** Server messages per field; a signal so OnPush templates update when they arrive. */
  protected readonly serverErrors = signal<Partial<Record<Field, string>>>({});

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [this.data.channel?.name ?? '', Validators.required],
    description: [this.data.channel?.description ?? ''],
    input_type: [(this.data.channel?.input_type ?? 'rtp') as InputType],
    bind_ip: [this.data.channel?.bind_ip ?? '0.0.0.0', Validators.required],
    port: [this.data.channel ? String(this.data.channel.port) : '', Validators.required],
    source_ip: [this.data.channel?.source_ip ?? ''],
    interface_ip: [this.data.channel?.interface_ip ?? ''],
  });

  constructor() {
    // Typing in a field clears the server's complaint about it.
    for (const field of FIELDS) {
      this.form.controls[field].valueChanges.subscribe(() => {
        if (this.serverErrors()[field]) this.serverErrors.update((e) => ({ ...e, [field]: undefined }));
      });
    }
  }

  protected errorOf(field: Field): string | null {
    const control: AbstractControl = this.form.controls[field];
    const server = this.serverErrors()[field];
    if (server) return server;
    if (control.hasError('required') && (control.touched || control.dirty)) return REQUIRED_MESSAGE[field] ?? 'Required';
    return null;
  }

  protected submit(): void {
    if (this.saving()) return;
    this.form.markAllAsTouched();
    if (this.form.invalid) {
      this.serverErrors.set({ ...this.serverErrors() });
      return;
    }
    const v = this.form.getRawValue();
    const port = /^\s*\d+\s*$/.test(v.port) ? Number(v.port) : (v.port as unknown as number);
    const body: ChannelRequest = {
      name: v.name.trim(),
      description: v.description,
      input_type: v.input_type,
      bind_ip: v.bind_ip.trim(),
      port,
      source_ip: v.source_ip.trim() || null,
      interface_ip: v.interface_ip.trim() || null,
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
        const problem = describeHttpFailure(failure);
        const placed = placeFieldErrors(problem.fieldErrors, FIELDS, CHANNEL_FIELD_ALIASES);
        this.serverErrors.set(placed.byField);
        for (const [field, message] of Object.entries(placed.byField) as [Field, string][]) {
          this.form.controls[field].setErrors({ server: message });
          this.form.controls[field].markAsTouched();
        }
        const placedAny = Object.keys(placed.byField).length > 0;
        this.formError.set(placed.unplaced.length > 0 ? placed.unplaced.join('; ') : placedAny ? null : problem.message);
      },
    });
  }

  protected cancel(): void {
    this.ref.close();
  }
}
