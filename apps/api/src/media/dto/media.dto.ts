import { ApiProperty } from '@nestjs/swagger';
import { MEDIA_NAME_MAX_LENGTH, type MediaChannelRef, type MediaResponse } from '@mld/contracts';
import { IsOptional, IsString } from 'class-validator';

/**
 * The text fields of the multipart upload. Only their presence and type are checked here (so
 * unknown fields are refused); the name's own rules run before the file is probed.
 */
export class UploadMediaFieldsDto {
  @IsOptional()
  @IsString()
  name?: string;
}

/** The multipart body as OpenAPI describes it (the file is streamed to disk, never a DTO field). */
export const UPLOAD_MEDIA_BODY_SCHEMA = {
  type: 'object' as const,
  required: ['file'],
  properties: {
    file: { type: 'string' as const, format: 'binary', description: 'The media file: MPEG-TS, or MP4/MOV with H.264 video and AAC audio. Its type is read from its content, not its name.' },
    name: {
      type: 'string' as const,
      maxLength: MEDIA_NAME_MAX_LENGTH,
      description: "Display name (metadata only; default: the file's name without extension). No path separators, \"..\" or control characters.",
      example: 'Slate 1080p',
    },
  },
};

export class MediaChannelRefDto implements MediaChannelRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class MediaResponseDto implements MediaResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Slate 1080p', maxLength: MEDIA_NAME_MAX_LENGTH }) name!: string;
  @ApiProperty({ description: 'Size of the stored MPEG-TS file', example: 1_250_000 }) size_bytes!: number;
  @ApiProperty({ nullable: true, type: Number, example: 2000 }) duration_ms!: number | null;
  @ApiProperty({ enum: ['mpegts', 'image'], description: 'What is stored: mpegts (played as an input) or image (a PNG/JPEG slate for input_loss)' }) container!: 'mpegts' | 'image';
  @ApiProperty({ example: 'mp4', description: 'What was uploaded: mpegts (stored as is), mp4 or mov (remuxed once, not transcoded), png or jpeg (a slate image)' }) source_container!: string;
  @ApiProperty({ nullable: true, type: String, example: 'h264' }) video_codec!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'aac' }) audio_codec!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 5_000_000 }) bitrate_bps!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 1920 }) width!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 1080 }) height!: number | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ example: 'admin' }) uploaded_by!: string;
  @ApiProperty({ type: [MediaChannelRefDto], description: 'Channels whose input is this file; it cannot be deleted while any is listed' }) used_by!: MediaChannelRefDto[];
}
