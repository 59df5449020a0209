import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codecsText, formatClipDuration, mediaChoiceText, storedAsText, uploadPercent, uploadStatusText } from './media-view.js';

describe('media page wording', () => {
  it('shows upload progress in whole percent with sizes, then the server-side check', () => {
    assert.equal(uploadPercent({ phase: 'sending', loaded: 1_250_000, total: 2_500_000 }), 50);
    assert.equal(uploadPercent({ phase: 'sending', loaded: 10, total: 0 }), 0);
    assert.equal(uploadPercent({ phase: 'checking' }), 100);
    assert.equal(uploadStatusText({ phase: 'sending', loaded: 1_250_000, total: 2_500_000 }), 'Uploading: 50 % (1.3 MB of 2.5 MB)');
    assert.match(uploadStatusText({ phase: 'checking' }), /checking the file/);
    assert.equal(uploadStatusText({ phase: 'failed', message: 'the file is mp4 with video mpeg4' }), 'the file is mp4 with video mpeg4');
    assert.equal(uploadStatusText({ phase: 'idle' }), '');
  });

  it('names codecs, clip lengths and what was stored', () => {
    assert.equal(codecsText({ video_codec: 'h264', audio_codec: 'aac' }), 'h264 / aac');
    assert.equal(codecsText({ video_codec: 'h264', audio_codec: null }), 'h264 / no audio');
    assert.equal(codecsText({ video_codec: null, audio_codec: null }), '—');
    assert.equal(formatClipDuration(2021), '0:02.0');
    assert.equal(formatClipDuration(725_400), '12:05.4');
    assert.equal(formatClipDuration(3_723_000), '1:02:03.0');
    assert.equal(formatClipDuration(null), '—');
    assert.equal(storedAsText({ source_container: 'mpegts' }), 'MPEG-TS, as uploaded');
    assert.equal(storedAsText({ source_container: 'mp4' }), 'MP4 → MPEG-TS');
  });

  it('describes a file in one line for the channel form\'s picker', () => {
    assert.equal(mediaChoiceText({ name: 'Studio slate', duration_ms: 4_000, video_codec: 'h264', audio_codec: 'aac' }), 'Studio slate · 0:04.0 · h264 / aac');
    assert.equal(mediaChoiceText({ name: 'Tone', duration_ms: null, video_codec: null, audio_codec: 'mp2' }), 'Tone · — · no video / mp2');
  });
});
