import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_TYPES, type EventPage, type EventRecord, type EventSeverity, type EventType } from '@mld/contracts';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsDateString, IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { EventLogService } from './event-log.service.js';

export class EventQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'channel_id must be a UUID' })
  channel_id?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'output_id must be a UUID' })
  output_id?: string;

  @ApiPropertyOptional({ description: `Comma-separated event types: ${EVENT_TYPES.join(', ')}`, example: 'output.failed,output.recovered' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value))
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true, message: `type must be a comma-separated list of: ${EVENT_TYPES.join(', ')}` })
  type?: EventType[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Only events at or after' })
  @IsOptional()
  @IsDateString({}, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only events at or before' })
  @IsOptional()
  @IsDateString({}, { message: 'to must be an ISO 8601 date-time' })
  to?: string;

  @ApiPropertyOptional({ description: 'Cursor: next_cursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'before must be a cursor returned as next_cursor' })
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

class EventRecordDto implements EventRecord {
  @ApiProperty({ example: '1042' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: EVENT_TYPES }) type!: EventType;
  @ApiProperty({ enum: ['info', 'warning', 'error'] }) severity!: EventSeverity;
  @ApiProperty({ nullable: true, type: String }) channel_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) channel_name!: string | null;
  @ApiProperty({ nullable: true, type: String }) output_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) output_name!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Who caused it; null when the system saw it' }) actor!: string | null;
  @ApiProperty() message!: string;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) details!: Record<string, unknown> | null;
}

class EventPageDto implements EventPage {
  @ApiProperty({ type: [EventRecordDto] }) events!: EventRecordDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

@ApiTags('events')
@ApiBearerAuth()
@ApiErrors(400, 401, 403)
@Controller('events')
export class EventsController {
  constructor(private readonly log: EventLogService) {}

  @Get()
  @RequirePermission('event.read')
  @ApiOperation({ summary: 'Event log, newest first: state changes, failures and recoveries, input loss, SCTE-35 cues, configuration changes (with who)' })
  @ApiResponse({ status: 200, type: EventPageDto })
  query(@Query() q: EventQueryDto): Promise<EventPage> {
    return this.log.query({
      ...(q.channel_id ? { channelId: q.channel_id } : {}),
      ...(q.output_id ? { outputId: q.output_id } : {}),
      ...(q.type ? { types: q.type } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
      ...(q.before ? { before: q.before } : {}),
      limit: q.limit ?? 100,
    });
  }
}
