import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { DESIRED_STATES, OUTPUT_PROTOCOLS, type DesiredState, type OutputOptions, type OutputProtocol, type OutputResponse } from '@mld/contracts';
import { IsBoolean, IsIn, IsObject, IsString, Length, Matches, MaxLength } from 'class-validator';
import { OptionalNotNull } from '../../common/optional-not-null.js';
import { SafeText } from '../../common/safe-text.js';
import { OutputRuntimeDto } from '../../runtime/dto/runtime.dto.js';

const OPTIONS_DESCRIPTION = [
  'Per-protocol options; the same names may also be given in the URL query.',
  '- srt: mode (caller|listener|rendezvous), latency (milliseconds, as SRT users write it), passphrase (10-79 chars), pbkeylen (0|16|24|32), streamid, maxbw, oheadbw, conntimeo, payloadsize, adapter',
  '- udp / rtp: ttl (1-255), localaddr (multicast interface IPv4), pkt_size',
  '- rtmp / rtmps: ad_markers (none|on_cue_point_scte35|youtube, default none): FLV cannot carry SCTE-35 sections, so each splice_insert / time_signal of the channel becomes an AMF0 onCuePoint data message at its splice time, in MediaLive\'s ON_CUE_POINT_SCTE35 shape or as YouTube\'s com.youtube.cuepoint (ADR 0015). Only options are read from `options`: the RTMP url query stays part of the stream name.',
].join('\n');

export class CreateOutputDto {
  @ApiProperty({ enum: OUTPUT_PROTOCOLS, example: 'srt' })
  @IsIn(OUTPUT_PROTOCOLS, { message: `protocol must be one of ${OUTPUT_PROTOCOLS.join(', ')}` })
  protocol!: OutputProtocol;

  @ApiProperty({
    example: 'srt://10.0.0.50:9000?latency=200',
    description:
      'Destination. Schemes allowed: srt, rtmp, rtmps, udp, rtp — and it must match protocol; the scheme is case-insensitive and stored in lower case. ' +
      'RTMP: rtmp://host/app/STREAM_KEY (everything after the application is masked as the key; a single path segment is all key). ' +
      'IPv6 hosts in brackets: srt://[2001:db8::1]:9000 (localaddr/adapter, being IPv4, cannot be combined with them).',
    maxLength: 2048,
  })
  @IsString()
  @MaxLength(2048)
  @SafeText()
  url!: string;

  @ApiPropertyOptional({ example: 'CDN primary', maxLength: 100, description: 'Unique within the channel; derived from the URL when omitted' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  @SafeText()
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] }, example: { latency: 200 }, description: OPTIONS_DESCRIPTION })
  @OptionalNotNull()
  @IsObject({ message: 'options must be an object' })
  options?: OutputOptions;

  @ApiPropertyOptional({ default: true, description: 'A disabled output is kept but never started' })
  @OptionalNotNull()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export class UpdateOutputDto extends PartialType(CreateOutputDto, { skipNullProperties: false }) {}

export class OutputResponseDto implements OutputResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) channel_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: OUTPUT_PROTOCOLS }) protocol!: OutputProtocol;
  @ApiProperty({ description: 'Stream keys and SRT passphrase/streamid are shown as **** to roles that may not see secrets (viewer)' }) url!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) options!: OutputOptions;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: DESIRED_STATES }) desired_state!: DesiredState;
  @ApiProperty({ type: OutputRuntimeDto, nullable: true, description: 'Live state; null when the output is not meant to run' }) runtime!: OutputRuntimeDto | null;
  @ApiProperty({ description: 'true when url/options were masked for your role' }) secrets_masked!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}
