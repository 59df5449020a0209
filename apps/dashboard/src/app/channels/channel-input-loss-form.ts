import { DEFAULT_INPUT_LOSS, type ChannelWithOutputsResponse, type InputLossAction, type MediaResponse } from '@mld/contracts';

/** The API's names of the input-loss fields (server errors land under them). */
export const INPUT_LOSS_FIELDS = ['input_loss.action', 'input_loss.after_ms', 'input_loss.slate_media_id', 'input_loss.ts_outputs'] as const;
export type InputLossField = (typeof INPUT_LOSS_FIELDS)[number];

export interface InputLossFormState {
  action: InputLossAction;
  after_ms: string;
  /** '' = the built-in card. */
  slate_media_id: string;
  ts_outputs: boolean;
}

export function inputLossFormValue(channel: ChannelWithOutputsResponse | null): InputLossFormState {
  const spec = channel?.input_loss ?? DEFAULT_INPUT_LOSS;
  return { action: spec.action, after_ms: String(spec.after_ms), slate_media_id: spec.slate_media_id ?? '', ts_outputs: spec.ts_outputs };
}

/** The request's `input_loss`; the API checks the numbers and the image (its messages name the fields). */
export function inputLossRequest(v: InputLossFormState): Record<string, unknown> {
  const after = v.after_ms.trim() === '' ? DEFAULT_INPUT_LOSS.after_ms : Number(v.after_ms);
  return {
    action: v.action,
    after_ms: Number.isFinite(after) ? after : v.after_ms,
    slate_media_id: v.action === 'slate' && v.slate_media_id !== '' ? v.slate_media_id : null,
    ts_outputs: v.ts_outputs,
  };
}

/** Images of the library: what a slate can show. */
export function slateImages(media: readonly MediaResponse[] | null): MediaResponse[] {
  return (media ?? []).filter((m) => m.container === 'image');
}
