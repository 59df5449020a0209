/**
 * Puts the API's per-field messages (snake_case names, sometimes the seed's aliases) next to the
 * form controls that caused them. Whatever cannot be placed is returned too, so the form can show
 * it above the fields instead of dropping it.
 */
export interface PlacedErrors<F extends string> {
  byField: Partial<Record<F, string>>;
  /** Messages for fields the form does not have. */
  unplaced: string[];
}

/** Seed aliases the API reports under their own name. */
export const CHANNEL_FIELD_ALIASES: Readonly<Record<string, string>> = {
  rtp_ip: 'bind_ip',
  rtp_port: 'port',
};

export function placeFieldErrors<F extends string>(
  fieldErrors: Readonly<Record<string, string>>,
  formFields: readonly F[],
  aliases: Readonly<Record<string, string>> = {},
): PlacedErrors<F> {
  const byField: Partial<Record<F, string>> = {};
  const unplaced: string[] = [];
  for (const [apiField, message] of Object.entries(fieldErrors)) {
    // "options.latency" style nested names land on their top-level field when that is what the form has.
    const candidates = [apiField, aliases[apiField], apiField.split('.')[0], aliases[apiField.split('.')[0] ?? '']];
    const target = candidates.find((c): c is F => typeof c === 'string' && (formFields as readonly string[]).includes(c));
    if (target) byField[target] = byField[target] ? `${byField[target]}; ${message}` : message;
    else unplaced.push(message);
  }
  return { byField, unplaced };
}

