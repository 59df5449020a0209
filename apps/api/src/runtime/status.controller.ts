import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DESIRED_STATES, INPUT_TYPES, OUTPUT_PROTOCOLS, type ChannelStatus, type InputType, type DesiredState, type OutputProtocol, type OutputStatus, type Scte35CueRecord, type StatusSnapshot } from '@mld/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { EventLogService } from '../event-log/event-log.service.js';
import { PipelinesService } from './pipelines.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { ChannelRuntimeDto, OutputRuntimeDto } from './dto/runtime.dto.js';
import { StatusService } from './status.service.js';

class OutputStatusDto implements OutputStatus {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: OUTPUT_PROTOCOLS }) protocol!: OutputProtocol;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: DESIRED_STATES }) desired_state!: DesiredState;
  @ApiProperty({ type: OutputRuntimeDto, nullable: true }) runtime!: OutputRuntimeDto | null;
}

class ChannelStatusDto implements ChannelStatus {
  @ApiProperty({ format: 'uuid' }) channel_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: INPUT_TYPES }) input_type!: InputType;
  @ApiProperty({ enum: DESIRED_STATES }) desired_state!: DesiredState;
  @ApiProperty({ type: ChannelRuntimeDto, nullable: true }) runtime!: ChannelRuntimeDto | null;
  @ApiProperty({ type: [OutputStatusDto] }) outputs!: OutputStatusDto[];
}

class StatusSnapshotDto implements StatusSnapshot {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: [ChannelStatusDto] }) channels!: ChannelStatusDto[];
}

class CueQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

class Scte35CuesDto {
  @ApiProperty({ format: 'uuid' }) channel_id!: string;
  @ApiProperty({ enum: ['live', 'event_log'], description: 'live: kept in memory by the running channel; event_log: the channel is not running, cues come from the log' })
  source!: 'live' | 'event_log';
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Newest first. Each: at, pid, crc_valid, pts_adjustment, tier, command_type, splice_insert {event_id, cancel, out_of_network, immediate, splice_time_seconds, break_duration_seconds, auto_return, ...}, time_signal {pts_time, seconds}, segmentation [{event_id, type_id, type_name, upid_type, upid_type_name, upid {hex, text}, duration_seconds, ...}], preroll_seconds, raw (base64)',
  })
  cues!: Scte35CueRecord[];
}

@ApiTags('status')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller()
export class StatusController {
  constructor(
    private readonly status: StatusService,
    private readonly pipelines: PipelinesService,
    private readonly eventLog: EventLogService,
  ) {}

  @Get('status')
  @RequirePermission('channel.read')
  @ApiOperation({ summary: 'Live status of every channel and output (the same data the Socket.IO gateway pushes)' })
  @ApiResponse({ status: 200, type: StatusSnapshotDto })
  all(): StatusSnapshot {
    return this.status.snapshot();
  }

  @Get('channels/:id/status')
  @RequirePermission('channel.read')
  @ApiOperation({ summary: "Live status of one channel's input and outputs" })
  @ApiResponse({ status: 200, type: ChannelStatusDto })
  @ApiErrors(404)
  one(@Param('id') id: string): ChannelStatus {
    return this.status.requireChannelStatus(id);
  }

  @Get('channels/:id/scte35')
  @RequirePermission('channel.read')
  @ApiOperation({ summary: "Recent SCTE-35 cues on the channel's input, decoded (newest first)" })
  @ApiResponse({ status: 200, type: Scte35CuesDto })
  @ApiErrors(400, 404)
  async cues(@Param('id') id: string, @Query() query: CueQueryDto): Promise<Scte35CuesDto> {
    this.status.requireChannelStatus(id);
    const limit = query.limit ?? 20;
    const live = this.pipelines.recentCues(id, limit);
    if (live) return { channel_id: id, source: 'live', cues: live };
    const page = await this.eventLog.query({ channelId: id, types: ['channel.scte35_cue'], limit });
    return { channel_id: id, source: 'event_log', cues: page.events.map((e) => e.details as unknown as Scte35CueRecord) };
  }
}
