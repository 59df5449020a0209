/**
 * The media library: files uploaded once per installation that a channel can play as its input
 * (MPEG-TS; an MP4/MOV upload is remuxed once, never transcoded), and PNG/JPEG images a channel
 * shows as its input-loss slate.
 */

/** What an upload may be: the containers and codecs the library accepts, as ffprobe names them. */
export const MEDIA_ACCEPTED = {
  /** Stored byte for byte. */
  asIs: ['mpegts'],
  /** Remuxed once to MPEG-TS without transcoding. */
  remuxed: ['mp4', 'mov'],
  videoCodecs: ['h264'],
  audioCodecs: ['aac'],
  /** Stored byte for byte; slates for input_loss only, never an input. */
  images: ['png', 'jpeg'],
} as const;

/** Longest name a media file may have (characters). */
export const MEDIA_NAME_MAX_LENGTH = 200;

export interface MediaChannelRef {
  id: string;
  name: string;
}

export interface MediaResponse {
  id: string;
  /** Metadata only: never part of a path. */
  name: string;
  size_bytes: number;
  /** Null when ffprobe could not tell. */
  duration_ms: number | null;
  /** What is stored: `mpegts` (played as an input) or `image` (a slate). */
  container: 'mpegts' | 'image';
  /** What was uploaded: `mpegts` (stored as is), `mp4` or `mov` (remuxed), `png` or `jpeg` (a slate image). */
  source_container: string;
  video_codec: string | null;
  audio_codec: string | null;
  bitrate_bps: number | null;
  width: number | null;
  height: number | null;
  created_at: string;
  uploaded_by: string;
  /** Channels whose input (or slate) is this file: it cannot be deleted while this is not empty. */
  used_by: MediaChannelRef[];
}
