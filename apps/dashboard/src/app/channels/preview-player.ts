import type { HlsConfig, LoaderResponse, RetryConfig } from 'hls.js';

/**
 * The closed-loop preview: what the player asks the API for, with which hls.js settings, and
 * what each outcome means to the operator. Framework-free and free of hls.js at run time (types
 * only), so the specs run in Node and the player library stays a lazy chunk.
 */

export const PREVIEW_NOTE = 'Preview is a copy of the input, not of an output; no transcoding.';

export function previewPlaylistUrl(channelId: string): string {
  return `/api/channels/${encodeURIComponent(channelId)}/preview/index.m3u8`;
}

export type PreviewStatus =
  | { phase: 'idle' }
  | { phase: 'starting' }
  | { phase: 'playing' }
  | { phase: 'buffering' }
  | { phase: 'paused' }
  | { phase: 'error'; message: string };

export const NOT_RUNNING = 'channel not running: start it to preview';

/** Whether a player exists (the Stop button has something to stop). */
export function isPreviewActive(status: PreviewStatus): boolean {
  return status.phase !== 'idle' && status.phase !== 'error';
}

export function previewStatusText(status: PreviewStatus): string {
  switch (status.phase) {
    case 'idle':
      return 'stopped';
    case 'starting':
      return 'starting…';
    case 'playing':
      return 'playing';
    case 'buffering':
      return 'buffering…';
    case 'paused':
      return 'paused: press play to go on';
    case 'error':
      return status.message;
  }
}

/** The part of XMLHttpRequest the header setup touches (the specs run without DOM types). */
export interface RequestHeaders {
  readonly readyState: number;
  open(method: string, url: string, async: boolean): void;
  setRequestHeader(name: string, value: string): void;
}

/**
 * Puts the session's bearer token on a playlist or segment request. The token is read per request,
 * so a renewed session is picked up; without one the request goes out bare and the API's 401 sends
 * the operator to the login page like every other call.
 */
export function authorize(xhr: RequestHeaders, url: string, token: string | null): void {
  // hls.js opens the request only after xhrSetup; headers can only be set on an opened one.
  if (xhr.readyState === 0) xhr.open('GET', url, true);
  if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
}

/** Playlist still being produced: the API waits ~12 s for the first segment, then answers 404. */
export function retryPlaylist(config: RetryConfig | null | undefined, retryCount: number, _isTimeout: boolean, response: LoaderResponse | undefined, retry: boolean): boolean {
  return retry || (response?.code === 404 && !!config && retryCount < config.maxNumRetry);
}

/**
 * Live-friendly settings for a 2 s segment, 6 segment playlist: start three segments behind the
 * edge, jump back if latency passes five (older segments are being deleted), keep little back buffer.
 * The first playlist request starts FFmpeg and answers only with the first segment (~12 s), so
 * the manifest's time to first byte is 20 s (`manifestLoadPolicy` is what hls.js 1.x reads;
 * `manifestLoadingTimeOut` is its deprecated alias and is ignored once a policy is given).
 */
export function previewHlsConfig(token: () => string | null): Partial<HlsConfig> {
  return {
    lowLatencyMode: false,
    liveSyncDurationCount: 3,
    liveMaxLatencyDurationCount: 5,
    backBufferLength: 10,
    maxBufferLength: 12,
    manifestLoadPolicy: {
      default: {
        maxTimeToFirstByteMs: 20_000,
        maxLoadTimeMs: 25_000,
        timeoutRetry: { maxNumRetry: 1, retryDelayMs: 0, maxRetryDelayMs: 0 },
        errorRetry: { maxNumRetry: 2, retryDelayMs: 1_000, maxRetryDelayMs: 4_000, shouldRetry: retryPlaylist },
      },
    },
    xhrSetup: (xhr: RequestHeaders, url: string) => authorize(xhr, url, token()),
  };
}

/** The fields of an hls.js ERROR event the decision needs (hls.js enums are plain strings). */
export interface PreviewError {
  fatal: boolean;
  type: string;
  details: string;
  response?: { code?: number } | undefined;
}

export type PreviewErrorAction =
  /** hls.js retries or skips by itself. */
  | { kind: 'ignore' }
  /** 401: the token expired or was revoked; end the session like any other API call. */
  | { kind: 'session-ended' }
  /** A fatal decode or buffer error: hls.js can rebuild the media pipeline once. */
  | { kind: 'recover-media' }
  | { kind: 'fail'; message: string };

const TIMEOUTS = new Set(['manifestLoadTimeOut', 'levelLoadTimeOut', 'fragLoadTimeOut']);
const CODECS = new Set(['manifestIncompatibleCodecsError', 'bufferIncompatibleCodecsError']);

export function previewErrorAction(error: PreviewError, mediaRecoveries: number): PreviewErrorAction {
  const code = error.response?.code;
  if (code === 401) return { kind: 'session-ended' };
  if (!error.fatal) return { kind: 'ignore' };
  if (CODECS.has(error.details)) return { kind: 'fail', message: 'this browser cannot decode the channel’s codecs (H.264 plays in every browser, HEVC only in some)' };
  if (error.type === 'mediaError') {
    return mediaRecoveries < 1 ? { kind: 'recover-media' } : { kind: 'fail', message: 'the browser could not decode the preview' };
  }
  if (code === 409) return { kind: 'fail', message: NOT_RUNNING };
  if (code === 403) return { kind: 'fail', message: 'your role does not allow the preview' };
  if (code === 404) return { kind: 'fail', message: 'no video from the input yet: check that it is receiving, then watch again' };
  if (code !== undefined && code >= 500) return { kind: 'fail', message: `the server had a problem (HTTP ${code}): try again shortly` };
  if (TIMEOUTS.has(error.details)) return { kind: 'fail', message: 'the preview did not answer in time: try again' };
  if (error.type === 'networkError' && !code) return { kind: 'fail', message: 'cannot reach the server: check the connection and watch again' };
  return { kind: 'fail', message: `the preview stopped (${error.details})` };
}
