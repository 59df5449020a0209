import type { ErrorFieldProblem } from './api-types.js';

/**
 * What a channel's outputs get when its input stops (issue #14, ADR 0016), like MediaLive's input
 * loss behaviour: `none` (the outputs starve; RTMP platforms end the broadcast after a while),
 * `slate` (an uploaded image, or the built-in card with the channel's name) or `black`, encoded
 * to the programme's parameters while it is shown. RTMP outputs always get it; TS outputs when
 * `ts_outputs` is true.
 */
export const INPUT_LOSS_ACTIONS = ['none', 'slate', 'black'] as const;
export type InputLossAction = (typeof INPUT_LOSS_ACTIONS)[number];

export interface InputLossSpec {
  action: InputLossAction;
  /** Milliseconds without input before the slate goes on air. */
  after_ms: number;
  /** action slate: a PNG/JPEG of the media library; null: the built-in card. */
  slate_media_id: string | null;
  /** SRT/UDP/RTP outputs get the slate too (default: only RTMP outputs, which need a continuous stream). */
  ts_outputs: boolean;
}

export const DEFAULT_INPUT_LOSS: Readonly<InputLossSpec> = { action: 'none', after_ms: 1000, slate_media_id: null, ts_outputs: false };
export const INPUT_LOSS_AFTER_BOUNDS = { min: 200, max: 60_000 } as const;

const FIELDS = ['action', 'after_ms', 'slate_media_id', 'ts_outputs'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Result<T> = { ok: true; value: T } | { ok: false; problems: ErrorFieldProblem[] };

/** Checks a requested `input_loss` object; fields left out keep `current`'s value, else the default. */
export function parseInputLoss(raw: unknown, current: InputLossSpec | null): Result<InputLossSpec> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problems: [{ field: 'input_loss', message: `input_loss must be an object (fields: ${FIELDS.join(', ')})` }] };
  const o = raw as Record<string, unknown>;
  const problems: ErrorFieldProblem[] = [];
  for (const key of Object.keys(o)) {
    if (!(FIELDS as readonly string[]).includes(key)) problems.push({ field: `input_loss.${key}`, message: `${key} is not an input_loss setting (fields: ${FIELDS.join(', ')})` });
  }
  const base = current ?? DEFAULT_INPUT_LOSS;
  const action = o['action'] ?? base.action;
  if (typeof action !== 'string' || !(INPUT_LOSS_ACTIONS as readonly string[]).includes(action)) {
    problems.push({ field: 'input_loss.action', message: 'action must be "none" (outputs starve), "slate" (an image or the built-in card) or "black"' });
  }
  const after = o['after_ms'] ?? base.after_ms;
  const { min, max } = INPUT_LOSS_AFTER_BOUNDS;
  if (typeof after !== 'number' || !Number.isInteger(after) || after < min || after > max) {
    problems.push({ field: 'input_loss.after_ms', message: `after_ms is in milliseconds without input: an integer from ${min} to ${max}` });
  }
  // Another action drops an image chosen before, unless one is given with it.
  const mediaRaw = 'slate_media_id' in o ? o['slate_media_id'] : action === 'slate' ? base.slate_media_id : null;
  if (mediaRaw !== null && (typeof mediaRaw !== 'string' || !UUID.test(mediaRaw))) {
    problems.push({ field: 'input_loss.slate_media_id', message: 'slate_media_id must be the id of a PNG/JPEG in the media library (GET /api/media), or null for the built-in card' });
  } else if (mediaRaw !== null && action !== 'slate') {
    problems.push({ field: 'input_loss.slate_media_id', message: 'slate_media_id applies to action "slate" only' });
  }
  const tsOutputs = o['ts_outputs'] ?? base.ts_outputs;
  if (typeof tsOutputs !== 'boolean') problems.push({ field: 'input_loss.ts_outputs', message: 'ts_outputs must be true or false' });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { action: action as InputLossAction, after_ms: after as number, slate_media_id: (mediaRaw as string | null)?.toLowerCase() ?? null, ts_outputs: tsOutputs as boolean } };
}
