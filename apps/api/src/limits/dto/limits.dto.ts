import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { OptionalNotNull } from '../../common/optional-not-null.js';
import { LIMIT_BOUNDS } from '../limits.rules.js';

const { max_channels: CH, max_outputs_per_channel: OUT, max_child_processes: PROC } = LIMIT_BOUNDS;

/** Omitted fields keep their value. */
export class UpdateLimitsDto {
  @ApiPropertyOptional({ minimum: CH.min, maximum: CH.max, example: 100, description: 'Most channels this node may hold' })
  @OptionalNotNull()
  @IsInt()
  @Min(CH.min)
  @Max(CH.max)
  max_channels?: number;

  @ApiPropertyOptional({ minimum: OUT.min, maximum: OUT.max, example: 50, description: 'Most outputs one channel may hold' })
  @OptionalNotNull()
  @IsInt()
  @Min(OUT.min)
  @Max(OUT.max)
  max_outputs_per_channel?: number;

  @ApiPropertyOptional({ minimum: PROC.min, maximum: PROC.max, example: 500, description: 'Most child processes (SRT and RTMP outputs) wanted running at once on this node' })
  @OptionalNotNull()
  @IsInt()
  @Min(PROC.min)
  @Max(PROC.max)
  max_child_processes?: number;
}

export class LimitsUsageDto {
  @ApiProperty({ description: 'Channels that exist' }) channels!: number;
  @ApiProperty({ description: 'Outputs of the channel that has the most' }) max_outputs_in_a_channel!: number;
  @ApiProperty({ description: 'SRT/RTMP outputs wanted running on running channels: one child process each' }) child_processes!: number;
}

export class LimitsResponseDto {
  @ApiProperty({ example: 100 }) max_channels!: number;
  @ApiProperty({ example: 50 }) max_outputs_per_channel!: number;
  @ApiProperty({ example: 500 }) max_child_processes!: number;
  @ApiProperty({ type: LimitsUsageDto, description: 'What counts against each limit right now' }) usage!: LimitsUsageDto;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updated_at!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who last changed them (null: the defaults)' }) updated_by!: string | null;
}
