import type { OutputFormField, OutputPreset } from './output-presets.js';

/**
 * Where an API error about an output goes in this preset's form: `url` problems next to the
 * host, port, server or key control; `options` problems next to the option they name.
 */
export function outputErrorTarget(preset: OutputPreset, apiField: string, message: string): OutputFormField | null {
  const has = (f: OutputFormField) => preset.fields.includes(f);
  if (apiField === 'name') return 'name';
  if (apiField === 'url') {
    if (has('host') && /\bhost\b/i.test(message)) return 'host';
    if (has('port') && /\bport\b/i.test(message)) return 'port';
    // Spaces usually come from a pasted key; the rest of a URL problem is about the server part.
    if (has('key') && (/spaces|control characters|stream key/i.test(message) || (preset.serverOptional ?? false))) return 'key';
    if (has('server')) return 'server';
    if (has('key')) return 'key';
    return 'url';
  }
  if (apiField === 'options' || apiField.startsWith('options.')) {
    const option = /option "([a-z_]+)"/i.exec(message)?.[1] ?? apiField.split('.')[1];
    return option && has(option as OutputFormField) ? (option as OutputFormField) : 'url';
  }
  return null;
}

export function placeOutputErrors(preset: OutputPreset, fieldErrors: Readonly<Record<string, string>>): { byField: Partial<Record<OutputFormField, string>>; unplaced: string[] } {
  const byField: Partial<Record<OutputFormField, string>> = {};
  const unplaced: string[] = [];
  for (const [field, joined] of Object.entries(fieldErrors)) {
    for (const message of joined.split('; ')) {
      const target = outputErrorTarget(preset, field, message);
      if (target) byField[target] = byField[target] ? `${byField[target]}; ${message}` : message;
      else unplaced.push(message);
    }
  }
  return { byField, unplaced };
}
