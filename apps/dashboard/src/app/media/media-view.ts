import type { MediaResponse } from '@mld/contracts';
import { EMPTY, formatBytes } from '../core/format/format.js';

/** Where an upload is: bytes going up, then the server probing (and maybe remuxing) the file. */
export type UploadState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'sending'; readonly loaded: number; readonly total: number }
  | { readonly phase: 'checking' }
  | { readonly phase: 'failed'; readonly message: string };

/** Whole percent sent, 0–100. */
export function uploadPercent(state: UploadState): number {
  if (state.phase === 'checking') return 100;
  if (state.phase !== 'sending' || state.total <= 0) return 0;
  return Math.min(100, Math.floor((state.loaded / state.total) * 100));
}

/** One line an operator reads next to the progress bar. */
export function uploadStatusText(state: UploadState): string {
  switch (state.phase) {
    case 'sending':
      return `Uploading: ${uploadPercent(state)} % (${formatBytes(state.loaded)} of ${formatBytes(state.total)})`;
    case 'checking':
      return 'Uploaded; the server is checking the file (and remuxing an MP4/MOV to MPEG-TS)…';
    case 'failed':
      return state.message;
    default:
      return '';
  }
}

/** "h264 / aac", "h264 / no audio". */
export function codecsText(media: Pick<MediaResponse, 'video_codec' | 'audio_codec'>): string {
  if (!media.video_codec && !media.audio_codec) return EMPTY;
  return `${media.video_codec ?? 'no video'} / ${media.audio_codec ?? 'no audio'}`;
}

/** "0:02.0", "12:05.4", "1:02:03.0": clip lengths with tenths. */
export function formatClipDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return EMPTY;
  const tenths = Math.round(ms / 100);
  const seconds = Math.floor(tenths / 10);
  const pad = (n: number) => n.toString().padStart(2, '0');
  const s = `${pad(seconds % 60)}.${tenths % 10}`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}:${s}`;
  return `${Math.floor(minutes / 60)}:${pad(minutes % 60)}:${s}`;
}

/** "mp4 → ts" for remuxed files, "ts" for files stored as uploaded. */
export function storedAsText(media: Pick<MediaResponse, 'source_container'>): string {
  return media.source_container === 'mpegts' ? 'MPEG-TS, as uploaded' : `${media.source_container.toUpperCase()} → MPEG-TS`;
}

/** One line per file in a picker: "Studio slate · 0:04.0 · h264 / aac". */
export function mediaChoiceText(media: Pick<MediaResponse, 'name' | 'duration_ms' | 'video_codec' | 'audio_codec'>): string {
  return `${media.name} · ${formatClipDuration(media.duration_ms)} · ${codecsText(media)}`;
}
