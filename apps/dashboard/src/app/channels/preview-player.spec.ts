import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, isPreviewActive, NOT_RUNNING, previewErrorAction, previewHlsConfig, previewPlaylistUrl, previewStatusText, type RequestHeaders, retryPlaylist } from './preview-player.js';

class FakeXhr implements RequestHeaders {
  readyState = 0;
  readonly calls: string[] = [];
  open(method: string, url: string): void {
    this.readyState = 1;
    this.calls.push(`open ${method} ${url}`);
  }
  setRequestHeader(name: string, value: string): void {
    // Like the browser: headers only on an opened request.
    if (this.readyState !== 1) throw new Error('InvalidStateError');
    this.calls.push(`${name}: ${value}`);
  }
}

const network = (code?: number, details = 'manifestLoadError') => ({ fatal: true, type: 'networkError', details, response: code === undefined ? undefined : { code } });

describe('previewPlaylistUrl', () => {
  it('points at the channel’s preview playlist under the API', () => {
    assert.equal(previewPlaylistUrl('0b1c'), '/api/channels/0b1c/preview/index.m3u8');
    assert.equal(previewPlaylistUrl('a/../b'), '/api/channels/a%2F..%2Fb/preview/index.m3u8');
  });
});

describe('previewStatusText', () => {
  it('says what the player is doing in a few words', () => {
    assert.equal(previewStatusText({ phase: 'idle' }), 'stopped');
    assert.equal(previewStatusText({ phase: 'starting' }), 'starting…');
    assert.equal(previewStatusText({ phase: 'playing' }), 'playing');
    assert.equal(previewStatusText({ phase: 'error', message: NOT_RUNNING }), 'channel not running: start it to preview');
  });
  it('counts a player as active until it is stopped or failed', () => {
    assert.deepEqual(
      (['idle', 'starting', 'playing', 'buffering', 'paused'] as const).map((phase) => isPreviewActive({ phase })),
      [false, true, true, true, true],
    );
    assert.equal(isPreviewActive({ phase: 'error', message: 'x' }), false);
  });
});

describe('authorize (hls.js xhrSetup)', () => {
  it('opens the request first, then sets the bearer token', () => {
    const xhr = new FakeXhr();
    authorize(xhr, '/api/channels/c/preview/seg00001.ts', 'tok-1');
    assert.deepEqual(xhr.calls, ['open GET /api/channels/c/preview/seg00001.ts', 'Authorization: Bearer tok-1']);
  });
  it('does not reopen a request hls.js already opened', () => {
    const xhr = new FakeXhr();
    xhr.open('GET', '/x');
    authorize(xhr, '/x', 'tok-1');
    assert.deepEqual(xhr.calls, ['open GET /x', 'Authorization: Bearer tok-1']);
  });
  it('sends no header without a session, so the API answers 401', () => {
    const xhr = new FakeXhr();
    authorize(xhr, '/x', null);
    assert.deepEqual(xhr.calls, ['open GET /x']);
  });
});

describe('previewHlsConfig', () => {
  it('is tuned for a live 2 s × 6 segment playlist whose first answer takes ~12 s', () => {
    const config = previewHlsConfig(() => 't');
    assert.equal(config.lowLatencyMode, false);
    assert.equal(config.liveSyncDurationCount, 3);
    const manifest = config.manifestLoadPolicy!.default;
    assert.ok(manifest.maxTimeToFirstByteMs >= 15_000, 'first playlist waits for FFmpeg’s first segment');
    assert.ok(manifest.maxLoadTimeMs >= 15_000);
    assert.ok(config.liveMaxLatencyDurationCount! < 6, 'jumps forward before segments fall off the playlist');
  });
  it('reads the token per request (a renewed session is picked up)', () => {
    let token = 'old';
    const config = previewHlsConfig(() => token);
    const first = new FakeXhr();
    config.xhrSetup!(first as never, '/a', undefined as never);
    token = 'new';
    const second = new FakeXhr();
    config.xhrSetup!(second as never, '/b', undefined as never);
    assert.deepEqual([first.calls[1], second.calls[1]], ['Authorization: Bearer old', 'Authorization: Bearer new']);
  });
});

describe('retryPlaylist', () => {
  const config = { maxNumRetry: 2, retryDelayMs: 1000, maxRetryDelayMs: 4000 };
  it('retries a 404 (no segment yet) a bounded number of times', () => {
    assert.equal(retryPlaylist(config, 0, false, { url: '', code: 404 }, false), true);
    assert.equal(retryPlaylist(config, 1, false, { url: '', code: 404 }, false), true);
    assert.equal(retryPlaylist(config, 2, false, { url: '', code: 404 }, false), false);
  });
  it('never retries 401, 403 or 409, and keeps hls.js’s own decision otherwise', () => {
    for (const code of [401, 403, 409]) assert.equal(retryPlaylist(config, 0, false, { url: '', code }, false), false, String(code));
    assert.equal(retryPlaylist(config, 0, false, { url: '', code: 503 }, true), true);
    assert.equal(retryPlaylist(null, 0, false, { url: '', code: 404 }, false), false);
  });
});

describe('previewErrorAction', () => {
  it('ends the session on 401, fatal or not, like every other API call', () => {
    assert.deepEqual(previewErrorAction(network(401), 0), { kind: 'session-ended' });
    assert.deepEqual(previewErrorAction({ ...network(401, 'fragLoadError'), fatal: false }, 0), { kind: 'session-ended' });
  });
  it('leaves non-fatal errors to hls.js', () => {
    assert.deepEqual(previewErrorAction({ fatal: false, type: 'mediaError', details: 'bufferStalledError' }, 0), { kind: 'ignore' });
    assert.deepEqual(previewErrorAction({ ...network(404, 'fragLoadError'), fatal: false }, 0), { kind: 'ignore' });
  });
  it('says the channel is not running on 409', () => {
    assert.deepEqual(previewErrorAction(network(409), 0), { kind: 'fail', message: NOT_RUNNING });
  });
  it('recovers a fatal media error once, then gives up', () => {
    const media = { fatal: true, type: 'mediaError', details: 'bufferAppendError' };
    assert.deepEqual(previewErrorAction(media, 0), { kind: 'recover-media' });
    assert.equal(previewErrorAction(media, 1).kind, 'fail');
  });
  it('explains codecs the browser cannot decode instead of retrying', () => {
    const action = previewErrorAction({ fatal: true, type: 'mediaError', details: 'bufferIncompatibleCodecsError' }, 0);
    assert.equal(action.kind, 'fail');
    assert.match((action as { message: string }).message, /cannot decode/);
  });
  it('words the other fatal failures for the operator', () => {
    const message = (e: Parameters<typeof previewErrorAction>[0]) => (previewErrorAction(e, 0) as { message: string }).message;
    assert.match(message(network(404)), /no video from the input yet/);
    assert.match(message(network(403)), /role/);
    assert.match(message(network(502)), /HTTP 502/);
    assert.match(message(network(undefined, 'manifestLoadTimeOut')), /did not answer in time/);
    assert.match(message(network(0)), /cannot reach the server/);
    assert.match(message({ fatal: true, type: 'otherError', details: 'internalException' }), /internalException/);
  });
});
