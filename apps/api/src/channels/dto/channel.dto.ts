import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { DESIRED_STATES, INPUT_TYPES, type DesiredState, type InputType } from '@mld/contracts';
import { IsIn, IsInt, IsIP, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { OptionalNotNull } from '../../common/optional-not-null.js';
import { SafeText } from '../../common/safe-text.js';
import { OutputResponseDto } from '../../outputs/dto/output.dto.js';
import { ChannelRuntimeDto } from '../../runtime/dto/runtime.dto.js';

const NOT_BLANK = /\S/;

export class CreateChannelDto {
  @ApiProperty({ example: 'news-main', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @SafeText()
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(1000)
  @SafeText()
  description?: string;

  @ApiPropertyOptional({ enum: INPUT_TYPES, default: 'rtp', description: 'rtp: RTP/MP2T as MediaLive sends it; udp: raw MPEG-TS over UDP' })
  @OptionalNotNull()
  @IsIn(INPUT_TYPES, { message: `input_type must be one of ${INPUT_TYPES.join(', ')}` })
  input_type?: InputType;

  @ApiPropertyOptional({ example: '0.0.0.0', description: 'Local IPv4 address to receive on (0.0.0.0 = all), or a multicast group to join. Required unless rtp_ip is given.' })
  @OptionalNotNull()
  @IsIP(4, { message: 'bind_ip must be an IPv4 address' })
  bind_ip?: string;

  @ApiPropertyOptional({ example: '0.0.0.0', deprecated: true, description: 'Seed-compatible alias of bind_ip' })
  @OptionalNotNull()
  @IsIP(4, { message: 'rtp_ip must be an IPv4 address' })
  rtp_ip?: string;

  @ApiPropertyOptional({ example: 5000, minimum: 1, maximum: 65535, description: 'UDP port to receive on. Required unless rtp_port is given.' })
  @OptionalNotNull()
  @IsInt({ message: 'port must be an integer' })
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ example: 5000, deprecated: true, description: 'Seed-compatible alias of port' })
  @OptionalNotNull()
  @IsInt({ message: 'rtp_port must be an integer' })
  @Min(1)
  @Max(65535)
  rtp_port?: number;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Source-specific multicast: accept the group only from this sender' })
  @IsOptional()
  @IsIP(4, { message: 'source_ip must be an IPv4 address' })
  source_ip?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Local interface address on which to join the multicast group' })
  @IsOptional()
  @IsIP(4, { message: 'interface_ip must be an IPv4 address' })
  interface_ip?: string | null;
}

// skipNullProperties: false keeps `{"name": null}` a 400 instead of a NOT NULL violation.
export class UpdateChannelDto extends PartialType(CreateChannelDto, { skipNullProperties: false }) {}

export class ChannelResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: INPUT_TYPES }) input_type!: InputType;
  @ApiProperty({ example: '0.0.0.0' }) bind_ip!: string;
  @ApiProperty({ example: 5000 }) port!: number;
  @ApiProperty({ nullable: true, type: String }) source_ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) interface_ip!: string | null;
  @ApiProperty({ deprecated: true, description: 'Alias of bind_ip' }) rtp_ip!: string;
  @ApiProperty({ deprecated: true, description: 'Alias of port' }) rtp_port!: number;
  @ApiProperty({ enum: DESIRED_STATES, description: 'What the operator asked for; the live state comes with the data plane' }) desired_state!: DesiredState;
  @ApiProperty({ type: ChannelRuntimeDto, nullable: true, description: 'Live input state; null when the channel is not running' }) runtime!: ChannelRuntimeDto | null;
  @ApiProperty() output_count!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ type: [OutputResponseDto] }) outputs!: OutputResponseDto[];
}
