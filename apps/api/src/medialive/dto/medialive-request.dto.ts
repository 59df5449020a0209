import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MEDIALIVE_INPUT_TYPES, type MediaLiveInputType } from '@mld/contracts';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsIP, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { OptionalNotNull } from '../../common/optional-not-null.js';

export class LinkMediaLiveDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Our channel to feed; omit to create one from pipeline 0\'s destination' })
  @OptionalNotNull()
  @IsUUID('all', { message: 'channel_id must be a channel UUID' })
  channel_id?: string;
}

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/;

export class CreateMediaLiveInputDto {
  @ApiProperty({ example: 'studio-a-encoder', maxLength: 128 })
  @IsString()
  @Matches(/^[\w .:-]{1,128}$/, { message: 'name must be 1-128 letters, digits, spaces or ._:-' })
  name!: string;

  @ApiProperty({ enum: MEDIALIVE_INPUT_TYPES })
  @IsIn(MEDIALIVE_INPUT_TYPES, { message: `type must be one of ${MEDIALIVE_INPUT_TYPES.join(', ')}` })
  type!: MediaLiveInputType;

  @ApiPropertyOptional({ type: [String], example: ['203.0.113.0/24'], description: 'Push inputs: the encoder addresses allowed (an input security group is created from them). Required for RTP_PUSH and RTMP_PUSH.' })
  @ValidateIf((o: CreateMediaLiveInputDto) => o.type !== 'SRT_CALLER' || o.cidrs !== undefined)
  @IsArray({ message: 'cidrs must be a list of IPv4 CIDR blocks (required for push inputs)' })
  @ArrayMaxSize(10)
  @Matches(CIDR, { each: true, message: 'each of cidrs must be an IPv4 CIDR block like 203.0.113.0/24' })
  cidrs?: string[];

  @ApiPropertyOptional({ type: [String], example: ['live/a', 'live/b'], description: 'RTMP_PUSH: app/instance per destination (two for a STANDARD input)' })
  @ValidateIf((o: CreateMediaLiveInputDto) => o.type === 'RTMP_PUSH')
  @IsArray({ message: 'stream_names is required for RTMP_PUSH: one app/instance per destination' })
  @ArrayMaxSize(2)
  @Matches(/^[\w-]+\/[\w-]+$/, { each: true, message: 'each of stream_names must be app/instance' })
  stream_names?: string[];

  @ApiPropertyOptional({ example: '198.51.100.7', description: 'SRT_CALLER: the SRT listener MediaLive calls' })
  @ValidateIf((o: CreateMediaLiveInputDto) => o.type === 'SRT_CALLER')
  @IsIP(4, { message: 'srt_listener_address must be an IPv4 address (required for SRT_CALLER)' })
  srt_listener_address?: string;

  @ApiPropertyOptional({ example: 9000 })
  @ValidateIf((o: CreateMediaLiveInputDto) => o.type === 'SRT_CALLER')
  @IsInt({ message: 'srt_listener_port must be an integer (required for SRT_CALLER)' })
  @Min(1)
  @Max(65535)
  srt_listener_port?: number;

  @ApiPropertyOptional({ maxLength: 512 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(512)
  stream_id?: string;
}

export class StartMediaLiveDto {
  @ApiPropertyOptional({ default: false, description: 'Also start the linked channel of ours (its input and enabled outputs), so the whole chain starts at once' })
  @OptionalNotNull()
  @IsBoolean({ message: 'with_channel must be true or false' })
  with_channel?: boolean;
}
