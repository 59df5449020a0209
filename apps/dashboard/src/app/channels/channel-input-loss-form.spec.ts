import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MediaResponse } from '@mld/contracts';
import { inputLossFormValue, inputLossRequest, slateImages } from './channel-input-loss-form.js';

describe('input-loss form', () => {
  it('a new channel starts with nothing; the request sends numbers and drops the image unless action is slate', () => {
    const v = inputLossFormValue(null);
    assert.deepEqual(v, { action: 'none', after_ms: '1000', slate_media_id: '', ts_outputs: false });
    assert.deepEqual(inputLossRequest({ ...v, action: 'slate', after_ms: '1500', slate_media_id: 'm1' }), { action: 'slate', after_ms: 1500, slate_media_id: 'm1', ts_outputs: false });
    assert.deepEqual(inputLossRequest({ ...v, action: 'black', slate_media_id: 'm1' }), { action: 'black', after_ms: 1000, slate_media_id: null, ts_outputs: false });
    assert.equal(inputLossRequest({ ...v, after_ms: 'soon' }).after_ms, 'soon', 'not a number: the API names the field');
  });
  it('slate images are the library\'s images only', () => {
    const media = [{ id: 'a', container: 'mpegts' }, { id: 'b', container: 'image' }] as MediaResponse[];
    assert.deepEqual(slateImages(media).map((m) => m.id), ['b']);
    assert.deepEqual(slateImages(null), []);
  });
});
